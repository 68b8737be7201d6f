"""In Chromium: the glossary editor and the baselines page, with axe on each state."""

from __future__ import annotations

import pytest

from ukai.core.testing.axe import assert_accessible
from ukai.minutes import services
from ukai.minutes.models import GlossaryEntry, ManualBaseline

from ..conftest import staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "x" * 20  # staff_member's password


def test_a_manager_edits_the_glossary_and_a_baseline(browser_page):
    manager = staff_member("settings-manager", "somu")
    manager.role = "manager"
    manager.save(update_fields=["role"])
    services.glossary_seed()
    page = browser_page
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill("settings-manager")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()

    page.goto("/staff/minutes/")
    page.get_by_role("link", name="用語集（人名・議会用語・地名の直し方）").click()
    assert page.get_by_role("heading", name="会議録の用語集").is_visible()
    assert_accessible(page)
    page.get_by_label("誤認識の形").fill("異議なし")
    page.get_by_label("正しい形").fill("意義なし")
    page.get_by_role("button", name="追加する").click()
    assert "循環します" in page.locator(".error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("誤認識の形").fill("ぎふ駅")
    page.get_by_label("正しい形").fill("岐阜駅")
    page.get_by_label("分類").first.select_option(label="地名")
    page.get_by_role("button", name="追加する").click()
    assert "「ぎふ駅 → 岐阜駅」を追加しました" in page.locator("main").inner_text()
    assert GlossaryEntry.objects.get(wrong="ぎふ駅").category == "place"
    page.locator("tr", has_text="ぎふ駅").get_by_role("link", name="編集").click()
    assert_accessible(page)
    page.get_by_label("有効（会議録の作成に使う）").uncheck()
    page.get_by_role("button", name="保存する").click()
    assert not GlossaryEntry.objects.get(wrong="ぎふ駅").enabled

    page.goto("/staff/minutes/baselines/")
    assert_accessible(page)
    section = page.locator("#baseline-committee")
    section.get_by_label("録音1分あたりの手作業の時間（分）").fill("25")
    section.get_by_role("button", name="保存する").click()
    assert "0より大きく20以下" in page.locator(".error-summary").inner_text()
    assert_accessible(page)
    section = page.locator("#baseline-committee")
    section.get_by_label("録音1分あたりの手作業の時間（分）").fill("3.5")
    section.get_by_label("測り方").fill("委員会2回分の実測")
    section.get_by_role("button", name="保存する").click()
    assert "委員会2回分の実測" in page.locator("#baseline-committee").inner_text()
    assert ManualBaseline.objects.get(body="committee").factor == 3.5


def test_a_segment_is_split_and_joined_in_the_editor(browser_page):
    from datetime import date

    from ukai.minutes.models import Recording, Segment

    clerk = staff_member("split-clerk", "somu")
    meeting = services.meeting_create(
        staff=clerk,
        values={
            "department": "somu",
            "title": "総務委員会",
            "body": "committee",
            "held_on": date(2025, 9, 12),
        },
    )
    # No audio file: the editor lists the segments without a player.
    recording = Recording.objects.create(
        meeting=meeting, original_name="a.wav", duration_seconds=10, status="failed"
    )
    words = [
        {"text": text, "start": start, "end": start + 0.5, "probability": 0.9}
        for text, start in (("本日は", 0.0), ("委員会を", 0.5), ("開会します", 1.0))
    ]
    Segment.objects.create(
        recording=recording,
        index=0,
        start=0.0,
        end=1.5,
        text="本日は委員会を開会します",
        asr_text="本日は委員会を開会します",
        words=words,
    )
    page = browser_page
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill("split-clerk")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()

    page.goto(f"/staff/minutes/{meeting.pk}/transcript/")
    page.get_by_text("発言を分ける・つなげる").click()
    assert_accessible(page)
    page.get_by_label("後半の始まりの語").select_option(label="1.0秒：開会します")
    page.get_by_role("button", name="この語の前で分ける").click()
    assert "発言を2つに分けました。" in page.locator("main").inner_text()
    assert [s.text for s in Segment.objects.order_by("index")] == ["本日は委員会を", "開会します"]
    page.locator("details").first.locator("summary").click()
    page.get_by_role("button", name="次の発言とつなげる").click()
    assert "次の発言とつなげました。" in page.locator("main").inner_text()
    assert [s.text for s in Segment.objects.order_by("index")] == ["本日は委員会を開会します"]
    assert_accessible(page)
