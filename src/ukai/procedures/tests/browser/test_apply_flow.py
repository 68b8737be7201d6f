"""The proof a resident and a department would accept, in Chromium on a phone-size screen:
apply for 児童手当 with two children, get a receipt number, answer a correction request,
see 完了 — with axe on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command

from ukai.core.testing.axe import assert_accessible
from ukai.procedures.tests.conftest import found
from ukai.procedures.tests.test_attachments import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "ukai-demo-2026"
PHONE = {"width": 375, "height": 800}


def start_in_browser(
    page, live_server, email: str = "hanako@example.jp", slug: str = "jido-teate-nintei-seikyu"
) -> None:
    """Enter the e-mail address and open the link the resident receives."""
    mail.outbox.clear()
    page.goto(live_server.url + f"/procedures/{slug}/apply/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_role("button", name="リンクを受け取る").click()
    page.wait_for_load_state()
    link = found(r"http://\S+/procedures/resume/\S+/", mail.outbox[-1].body)
    page.goto(link)
    page.wait_for_load_state()


def next_step(page) -> None:
    page.locator("button[value=next]").click()
    page.wait_for_load_state()


def test_apply_correct_and_complete_on_a_phone(browser, browser_page, live_server):
    call_command("ukai_demo", verbosity=0)
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/procedures/jido-teate-nintei-seikyu/")
    page.get_by_role("link", name="オンラインで申請する").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="リンクを受け取る").click()  # no address: an error
    page.wait_for_load_state()
    assert "メールアドレスを入力してください" in page.content()
    assert_accessible(page)
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_role("button", name="リンクを受け取る").click()
    page.wait_for_load_state()
    assert "メールを送信しました" in page.content()
    assert_accessible(page)
    link = found(r"http://\S+/procedures/resume/\S+/", mail.outbox[-1].body)
    page.goto(link)
    page.wait_for_load_state()

    # Step 1: an empty submit shows the errors; then the applicant.
    next_step(page)
    assert "入力内容を確認してください" in page.content()
    assert_accessible(page)
    page.fill("#f-applicant-name-name", "髙橋 花子")
    page.fill("#f-applicant-name-kana", "たかはし はなこ")
    page.fill("#f-applicant-birth-date", "平成2年4月1日")
    page.fill("#f-postal-code", "500-8701")
    page.fill("#f-address", "岐阜県岐阜市司町40番地1")
    page.fill("#f-phone", "058-265-4141")
    page.check("#f-is-public-servant-1")
    next_step(page)
    assert_accessible(page)
    page.check("#f-has-spouse-1")
    next_step(page)
    # Two children: the second one added without JavaScript's help.
    page.fill("#f-children-0-name-name", "髙橋 一郎")
    page.fill("#f-children-0-name-kana", "タカハシ イチロウ")
    page.fill("#f-children-0-birth-date", "令和3年5月1日")
    page.check("#f-children-0-relationship-0")
    page.check("#f-children-0-lives-with-applicant-0")
    page.click("button[value='add:children']")
    page.wait_for_load_state()
    page.fill("#f-children-1-name-name", "髙橋 𠮷子")
    page.fill("#f-children-1-name-kana", "タカハシ ヨシコ")
    page.fill("#f-children-1-birth-date", "令和5年6月1日")
    page.check("#f-children-1-relationship-0")
    page.check("#f-children-1-lives-with-applicant-0")
    assert_accessible(page)
    next_step(page)
    page.fill("#f-bank-name", "十六銀行")
    page.fill("#f-branch-name", "本店")
    page.check("#f-account-type-0")
    page.fill("#f-account-number", "1234567")
    page.fill("#f-account-holder-kana", "タカハシ ハナコ")
    next_step(page)
    assert_accessible(page)
    page.set_input_files(
        "#f-identity-document",
        files=[{"name": "免許証.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.check("#f-declaration")
    next_step(page)
    assert "入力内容の確認" in page.content()
    assert "免許証.png" in page.content()
    assert "髙橋 𠮷子" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="この内容で申請する").click()
    page.wait_for_load_state()
    receipt = page.locator(".proc-receipt__number").inner_text()
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", receipt)
    assert_accessible(page)
    page.get_by_role("link", name="申請の状況を見る").click()
    page.wait_for_load_state()
    status_url = page.url
    assert "受付" in page.locator(".proc-status").inner_text()
    assert_accessible(page)

    # 子ども支援課 asks for a correction of the phone number.
    staff_context = browser.new_context(locale="ja-JP", base_url=live_server.url)
    staff = staff_context.new_page()
    staff.goto("/staff/login/")
    staff.get_by_label("ユーザー名").fill("department")
    staff.get_by_label("パスワード").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="ログイン", exact=True).click()
    staff.wait_for_load_state()
    staff.goto("/staff/procedures/")
    assert_accessible(staff)
    staff.get_by_role("link", name=receipt).click()
    # The attachment's preview loads (and is audited) in its own request: let it finish
    # before the next write, as the test database is one in-memory SQLite file.
    staff.wait_for_load_state("networkidle")
    assert_accessible(staff)
    assert staff.get_by_role("img", name="添付ファイル「免許証.png」の画像").is_visible()
    staff.get_by_label("電話番号").check()
    staff.get_by_label("申請者へのメッセージ（何をどう直すか）").fill(
        "日中につながる電話番号をご記入ください。"
    )
    staff.get_by_role("button", name="補正を依頼する").click()
    staff.wait_for_load_state()
    assert "補正を依頼しました" in staff.content(), staff.locator("main").inner_text()

    # The resident fixes only that field.
    page.goto(status_url)
    assert "日中につながる電話番号をご記入ください。" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="補正する").click()
    page.wait_for_load_state()
    assert page.locator("#f-address").count() == 0
    assert_accessible(page)
    page.fill("#f-phone", "090-1234-5678")
    page.get_by_role("button", name="補正した内容を送信する").click()
    page.wait_for_load_state()
    assert "審査中" in page.locator(".proc-status").inner_text()

    # Staff complete it; the resident sees 完了.
    staff.reload()
    staff.wait_for_load_state("networkidle")
    staff.get_by_label("新しい状態").select_option("completed")
    staff.get_by_role("button", name="状態を変更する").click()
    staff.wait_for_load_state()
    assert_accessible(staff)
    staff_context.close()
    page.goto(status_url)
    assert "完了" in page.locator(".proc-status").inner_text()
    assert_accessible(page)


def test_a_signature_is_drawn_with_the_pointer(browser_page, live_server):
    from ukai.procedures.seed import procedures_seed
    from ukai.procedures.tests.test_attachments import signed_form

    procedures_seed()
    slug = signed_form()
    page = browser_page
    page.set_viewport_size(PHONE)
    start_in_browser(page, live_server, slug=slug)
    pad = page.locator("canvas.proc-signature__pad")
    assert pad.is_visible()
    assert_accessible(page)
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 20)
    page.mouse.up()
    next_step(page)
    assert "署名あり" in page.content()
