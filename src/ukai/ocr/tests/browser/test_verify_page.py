"""Staff upload a generated scan in Chromium, wait for the reading, correct a field with the
keyboard, confirm, and export CSV; axe runs on every page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from ukai.core.testing.axe import assert_accessible
from ukai.core.testing.staff import staff_client_login
from ukai.ocr import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = 21  # a scan whose printed fields all read and validate; its names carry variant kanji


def sign_in(browser_context, live_server) -> None:
    """Sign a department staff member in with Django's client and hand the session to the browser."""
    staff = get_user_model().objects.create_user(
        username="ocr-clerk", password="x" * 20, role="department"
    )
    client = Client()
    staff_client_login(client, staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser_context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )


def test_upload_wait_correct_with_the_keyboard_and_export(
    browser_context, live_server, template, tmp_path
):
    sign_in(browser_context, live_server)
    page = browser_context.new_page()
    data, truth = samples.sample_scan(SEED)
    scan = tmp_path / "request-21.jpg"
    scan.write_bytes(data)

    page.goto("/staff/ocr/")
    assert page.get_by_role("heading", name="AI-OCR（帳票の読取）").is_visible()
    assert_accessible(page)
    page.locator("#id_upload").set_input_files(str(scan))
    page.get_by_role("button", name="アップロードして読み取る").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").first.is_visible()
    assert_accessible(page)

    # The worker reads the page; the job page notices by itself and offers the check.
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.get_by_role("link", name="確認を始める").click(timeout=20_000)
    page.wait_for_load_state()
    assert_accessible(page)

    name_input = page.get_by_label("請求者の氏名", exact=True)
    read_name = name_input.input_value()
    assert read_name  # the engine read something; its variant kanji may differ from the form
    # Keyboard only: jump to the name, retype it as printed, Enter through the rest to confirm.
    name_input.focus()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(truth["applicant_name"])
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.name")
    assert focused
    assert focused.startswith("f_")
    assert focused != "f_applicant_name"
    page.get_by_label("必要な方の氏名", exact=True).fill(truth["target_name"])
    page.get_by_label("住所", exact=True).fill(truth["address"])
    last = page.locator("#ocr-verify input.ocr-input, #ocr-verify input[type=checkbox]").last
    last.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "確認済みにしました" in page.locator(".messages").inner_text()
    assert_accessible(page)

    page.goto(f"/staff/ocr/templates/{template.name}/")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSVを出力する").click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert truth["applicant_name"] in content
    assert truth["postal_code"] in content


def test_a_zone_is_drawn_on_the_blank_form_and_saved(browser_context, live_server, template):
    sign_in(browser_context, live_server)
    page = browser_context.new_page()
    page.goto(f"/staff/ocr/templates/{template.name}/edit/")
    assert page.get_by_role("heading", name="様式テンプレートを編集する").is_visible()
    assert_accessible(page)
    image = page.locator("#ocr-editor-image")
    image.wait_for()
    page.wait_for_function("document.getElementById('ocr-editor-image').naturalWidth > 0")
    box = image.bounding_box()
    scale = box["width"] / samples.WIDTH
    # Bring the foot of the form into the viewport, then drag around it.
    page.evaluate(f"window.scrollBy(0, {box['y'] + 1930 * scale - 300})")
    box = image.bounding_box()
    # Drag around the empty staff-use box at the foot of the form.
    page.mouse.move(box["x"] + 140 * scale, box["y"] + 1930 * scale)
    page.mouse.down()
    page.mouse.move(box["x"] + 900 * scale, box["y"] + 2000 * scale, steps=5)
    page.mouse.up()
    name = page.get_by_label("識別名", exact=True).last
    assert name.is_visible()
    name.fill("office_note")
    page.locator("#ocr-zone-label").fill("職員記入欄")
    page.locator("#ocr-zone-type").select_option("text")
    assert_accessible(page)
    page.get_by_role("button", name="検査して保存する").click()
    page.wait_for_load_state()
    assert "更新しました" in page.locator(".messages").inner_text()
    zone = template.zones.get(name="office_note")
    assert zone.label == "職員記入欄"
    assert abs(zone.x - 140) <= 4
    assert abs(zone.width - 760) <= 6
