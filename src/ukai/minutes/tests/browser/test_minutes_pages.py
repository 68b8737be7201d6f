"""In Chromium: register a meeting, upload a recording, wait for the transcript, correct a
segment and read the minutes; axe on every page."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ukai.core.testing.axe import assert_accessible
from ukai.minutes.models import Segment

from ..audio_files import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "ukai-demo-2026"  # the demo staff's password (core's demo data)


def sign_in(page) -> None:
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill("manager")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()


def test_upload_transcribe_correct_and_read_the_minutes(browser_page):
    call_command("ukai_demo", verbosity=0)
    page = browser_page
    sign_in(page)

    page.goto("/staff/minutes/")
    assert page.get_by_role("heading", name="会議録の作成", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="会議を登録する").click()
    assert_accessible(page)
    page.get_by_role("button", name="登録する").click()  # nothing filled in
    assert "会議名を入力してください。" in page.locator(".error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("会議名").fill("第4回 建設委員会")
    page.get_by_label("会議の種類").select_option("committee")
    page.get_by_label("開催日").fill("2025-10-01")
    page.get_by_label("出席者").fill("委員長 山田 太郎\n市長 岐阜 次郎")
    page.get_by_label("議題").fill("議案第1号 道路の認定について")
    page.get_by_role("button", name="登録する").click()
    assert "会議を登録しました" in page.locator(".messages").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="会議の情報を変更する").click()
    assert page.get_by_label("出席者").input_value() == "委員長 山田 太郎\n市長 岐阜 次郎"
    assert_accessible(page)
    page.get_by_label("場所").fill("第2委員会室")
    page.get_by_role("button", name="変更を保存する").click()
    assert "会議の情報を変更しました" in page.locator(".messages").inner_text()

    page.get_by_label("録音・録画ファイル").set_input_files(str(FIXTURES / "speech-04.ogg"))
    page.get_by_role("button", name="登録して文字起こしする").click()
    assert "録音を受け付けました" in page.locator(".messages").inner_text()
    assert page.locator("progress").count() == 1
    assert_accessible(page)

    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.reload()
    assert "完了" in page.locator("#recordings").inner_text()
    page.get_by_role("link", name="文字起こしを確認・修正する").click()
    page.locator("details.shortcuts summary").click()
    assert_accessible(page)
    segment = Segment.objects.get()
    recording_id = segment.recording_id
    form = page.locator(f"#segment-{segment.pk}")
    # Clicking a word plays from it: the player jumps to the word's start.
    word = segment.words[3]
    page.locator(f"#player-{recording_id}").evaluate("a => { a.muted = true; }")
    form.locator(".word").nth(3).click()
    page.wait_for_function(
        f"Math.abs(document.getElementById('player-{recording_id}').currentTime - {word['start']}) < 0.3"
    )
    assert form.get_by_role("button", name="ここから再生").is_visible()
    # Keyboard: Alt+1 picks the first attendee as the speaker, Ctrl+Enter saves.
    form.locator("textarea").fill("ご異議ありませんか。異議なしと認めます。")
    form.locator("textarea").press("Alt+1")
    assert (
        form.locator("select[name$='-speaker'] option:checked").inner_text() == "委員長 山田 太郎"
    )
    form.locator("textarea").press("Control+Enter")
    page.wait_for_load_state()
    assert "発言を保存しました" in page.locator(".messages").inner_text()
    assert "修正済み" in page.locator(f"#segment-{segment.pk}").inner_text()

    page.get_by_role("link", name="会議録を見る").click()
    body = page.locator("#minutes-body").inner_text()
    assert "○山田委員長" in body
    assert "異議なしと認めます。" in body
    assert "【異議なし】" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="確認済みにする").click()
    assert "確認済み" in page.locator(".messages").inner_text()
    assert_accessible(page)
