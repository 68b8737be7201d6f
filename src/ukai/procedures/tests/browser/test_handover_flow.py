"""The counter hand-over in Chromium: a resident shows the QR code from a draft on a phone,
counter staff type its code, correct a field and file it — with axe on every page."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest
from django.core.management import call_command

from ukai.core.testing.axe import assert_accessible
from ukai.procedures.models import Case, Draft
from ukai.procedures.tests.browser.test_apply_flow import DEMO_PASSWORD, PHONE, start_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "juminhyo-utsushi"


def test_a_draft_is_shown_as_a_qr_code_and_filed_at_the_counter(browser, browser_page, live_server):
    call_command("ukai_demo", verbosity=0)
    page = browser_page
    page.set_viewport_size(PHONE)
    start_in_browser(page, live_server, slug=SLUG)
    page.fill("#f-requester-name-name", "渡邉 一郎")
    page.fill("#f-requester-name-kana", "ワタナベ イチロウ")
    page.fill("#f-requester-birth-date", "昭和55年4月1日")
    page.fill("#f-requester-postal-code", "500-8701")
    page.fill("#f-requester-address", "岐阜県岐阜市司町40番地1")
    page.fill("#f-requester-phone", "058-265-4141")
    page.check("#f-relation-0")
    # The disclosure is closed until the resident opens it; no code exists yet.
    disclosure = page.locator("details.proc-handover")
    assert disclosure.get_attribute("open") is None
    page.get_by_text("窓口で続きを手続する").click()
    assert_accessible(page)
    page.get_by_role("button", name="QR コードと番号を表示する").click()
    page.wait_for_load_state()
    assert page.locator("details.proc-handover[open] svg").is_visible()
    code = page.locator(".proc-qr__code").inner_text()
    assert re.fullmatch(r"\d{4}-\d{4}-\d", code)
    assert "有効期限" in page.locator(".proc-handover").inner_text()
    # The QR code, as the phone's screen shows it, reads as the code's digits.
    shot = np.frombuffer(page.locator(".proc-qr__image").screenshot(), dtype=np.uint8)
    image = cv2.imdecode(shot, cv2.IMREAD_COLOR)
    assert image is not None
    decoded, _points, _straight = cv2.QRCodeDetector().detectAndDecode(image)
    assert decoded == code.replace("-", "")
    assert_accessible(page)
    # What was typed on the step is kept in the draft.
    assert page.locator("#f-requester-name-name").input_value() == "渡邉 一郎"

    staff_context = browser.new_context(locale="ja-JP", base_url=live_server.url)
    staff = staff_context.new_page()
    staff.goto("/staff/login/")
    staff.get_by_label("ユーザー名").fill("counter")
    staff.get_by_label("パスワード").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="ログイン", exact=True).click()
    staff.wait_for_load_state()
    staff.goto("/staff/procedures/handover/")
    assert_accessible(staff)
    # A mistyped digit: the check digit catches it, next to the field.
    digits = code.replace("-", "")
    staff.get_by_label("引き継ぎ番号（9桁）").fill(digits[:8] + str((int(digits[8]) + 1) % 10))
    staff.get_by_role("button", name="下書きを開く").click()
    staff.wait_for_load_state()
    assert "9桁" in staff.locator(".error-summary").inner_text()
    assert_accessible(staff)
    staff.get_by_label("引き継ぎ番号（9桁）").fill(code)
    staff.get_by_role("button", name="下書きを開く").click()
    staff.wait_for_load_state()
    assert "渡邉 一郎" in staff.content()
    assert_accessible(staff)
    # The request step was not filled online: staff complete it at the counter.
    staff.get_by_role("button", name="内容を修正する").click()
    staff.wait_for_load_state()
    assert_accessible(staff)
    staff.check("#f-scope-0")
    staff.fill("#f-copies", "2")
    staff.check("#f-purpose-0")
    staff.check("#f-delivery-1")
    staff.check("#f-declaration")
    staff.get_by_role("button", name="修正を保存して確認する").click()
    staff.wait_for_load_state()
    assert_accessible(staff)
    staff.get_by_role("button", name="この内容で窓口受付する").click()
    staff.wait_for_load_state()
    receipt = staff.locator(".proc-handover__receipt").inner_text()
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", receipt)
    assert_accessible(staff)
    case = Case.objects.get(receipt_number=receipt)
    assert case.channel == "counter"
    assert case.answers["copies"] == 2
    assert not Draft.objects.exists()
    staff_context.close()
