"""ICT staff define a pipeline in Chromium, drop a scan in its inbox, run it and read the run
history; axe runs on every page."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from ukai.core.testing.axe import assert_accessible
from ukai.core.testing.staff import staff_client_login
from ukai.ocr import samples
from ukai.ocr.models import PipelineRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_define_a_pipeline_run_it_and_read_the_history(
    browser_context, live_server, template, tmp_path, settings
):
    settings.UKAI_OCR_PIPELINE_ROOTS = [tmp_path / "roots"]
    staff = get_user_model().objects.create_user(username="ocr-ict", password="x" * 20, role="ict")
    client = Client()
    staff_client_login(client, staff)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    browser_context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    page = browser_context.new_page()
    page.goto("/staff/ocr/pipelines/")
    assert_accessible(page)
    definition = {
        "name": "counter-inbox",
        "title": "窓口の受付箱",
        "template": samples.TEMPLATE_NAME,
        "source": "inbox",
        "schedule": "on_demand",
    }
    page.get_by_label("自動処理の定義（JSON）").fill(json.dumps(definition, ensure_ascii=False))
    page.get_by_role("button", name="検査して保存する").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="窓口の受付箱", level=1).is_visible()
    assert_accessible(page)

    scan = tmp_path / "request.jpg"
    scan.write_bytes(samples.sample_scan(21)[0])
    page.get_by_label("受付箱に入れるファイル").set_input_files(str(scan))
    page.get_by_role("button", name="受付箱に入れる", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="今すぐ実行する", exact=True).click()
    page.wait_for_load_state()
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.reload()
    run = PipelineRun.objects.get()
    history = page.get_by_role("table", name=f"実行 #{run.pk} の手順")
    assert history.get_by_role("row", name="ファイルの取込").is_visible()
    assert "request.jpg" in history.inner_text()
    assert page.get_by_text("確認待ち").first.is_visible()
    assert_accessible(page)
