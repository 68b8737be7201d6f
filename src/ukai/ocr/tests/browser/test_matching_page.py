"""A mixed upload without a template in Chromium: the job page shows each page's form, lists
the page no template was sure of with its scores, and staff choose its form; axe on each page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command

from ukai.core.testing.axe import assert_accessible
from ukai.ocr import samples
from ukai.ocr.models import ScanPage

from .test_verify_page import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLEAN = samples.ScanOptions(angle=0.7, dpi=200, noise=2.0)


def test_a_mixed_upload_is_matched_and_staff_choose_the_unknown_pages_form(
    browser_context, live_server, template, inkan_template, tmp_path
):
    sign_in(browser_context, live_server)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("1.jpg", samples.inkan_sample_scan(81, options=CLEAN)[0])
        archive.writestr("2.jpg", samples.unknown_form_scan(82, options=CLEAN))
    upload = tmp_path / "mixed.zip"
    upload.write_bytes(buffer.getvalue())

    page = browser_context.new_page()
    page.goto("/staff/ocr/")
    assert page.get_by_label("様式", exact=True).input_value() == ""  # 様式を自動で判別する
    page.locator("#id_upload").set_input_files(str(upload))
    page.get_by_role("button", name="アップロードして読み取る").click()
    page.wait_for_load_state()
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.get_by_role("heading", name="様式を判別できないページ").wait_for(timeout=20_000)
    assert samples.INKAN_TITLE in page.get_by_role("table", name="ページ", exact=True).inner_text()
    scores = page.get_by_role("table", name="2ページの様式ごとのスコア").inner_text()
    assert samples.TEMPLATE_TITLE in scores
    assert samples.INKAN_TITLE in scores
    assert_accessible(page)

    page.get_by_label("2ページの様式").select_option(label=samples.TEMPLATE_TITLE)
    page.get_by_role("button", name="この様式で読み取る").click()
    page.wait_for_load_state()
    assert "として読み取ります" in page.locator(".messages").inner_text()
    assert "読取中" in page.get_by_role("table", name="ページ", exact=True).inner_text()
    assert_accessible(page)
    assert ScanPage.objects.get(number=2).template == template
