"""In Chromium with a fake microphone: record on the meeting page, pause, stop, and the
recording is uploaded through the same checks as a file; a refused microphone is explained."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ukai.core.testing.axe import assert_accessible
from ukai.core.testing.browser import CHROMIUM, CHROMIUM_ARGS
from ukai.core.testing.staff import staff_client_login
from ukai.minutes import services
from ukai.minutes.models import Meeting, Recording

from ..conftest import staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_MICROPHONE = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def _signed_in_meeting(context: Any, live_server: Any) -> Meeting:
    staff = staff_member("recorder", "somu")
    client = Client()
    staff_client_login(client, staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return services.meeting_create(
        staff=staff,
        values={
            "title": "庁内DX推進会議",
            "body": "internal",
            "held_on": date(2025, 10, 1),
            "department": "somu",
            "attendees": "議長 山田 太郎",
            "agenda": "",
        },
    )


@pytest.fixture
def microphone_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A context in a second Chromium whose microphone is Chromium's fake device (beeps)."""
    instance = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *FAKE_MICROPHONE]
    )
    context = instance.new_context(locale="ja-JP", base_url=live_server.url)
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()
        instance.close()


def test_record_pause_stop_and_the_recording_is_registered(microphone_context, live_server):
    meeting = _signed_in_meeting(microphone_context, live_server)
    page = microphone_context.new_page()
    page.goto(f"/staff/minutes/{meeting.pk}/")
    recorder = page.locator("#recorder")
    state = recorder.get_by_role("status")
    assert state.inner_text() == "録音していません。"
    assert_accessible(page)

    recorder.get_by_role("button", name="録音する", exact=True).click()
    page.wait_for_function(
        "document.querySelector('.recorder__state').textContent === '録音しています。'"
    )
    page.wait_for_function("document.querySelector('.recorder__time').textContent >= '0:00:02'")
    page.wait_for_function("document.querySelector('.recorder__meter').value > 0")
    assert_accessible(page)
    recorder.get_by_role("button", name="一時停止").click()
    assert state.inner_text() == "一時停止しています。"
    paused_at = recorder.locator(".recorder__time").inner_text()
    page.wait_for_timeout(1200)
    assert recorder.locator(".recorder__time").inner_text() == paused_at  # the clock stops
    recorder.get_by_role("button", name="再開").click()
    assert state.inner_text() == "録音しています。"
    page.wait_for_timeout(1000)
    recorder.get_by_role("button", name="録音を終えて登録する").click()
    page.wait_for_url(f"**/staff/minutes/{meeting.pk}/")
    page.wait_for_selector(".recording")

    assert "録音を受け付けました" in page.locator(".messages").inner_text()
    recording = Recording.objects.get(meeting=meeting)
    assert recording.original_name.startswith("recording-")
    assert recording.original_name.endswith((".webm", ".ogg"))
    assert 2.5 < recording.duration_seconds < 8  # PyAV decoded it; the pause is not in it
    assert recording.status == Recording.Status.QUEUED


def test_a_refused_microphone_is_explained(browser_context, live_server):
    meeting = _signed_in_meeting(browser_context, live_server)
    page = browser_context.new_page()
    page.goto(f"/staff/minutes/{meeting.pk}/")
    recorder = page.locator("#recorder")
    recorder.get_by_role("button", name="録音する", exact=True).click()
    alert = recorder.get_by_role("alert")
    alert.wait_for()
    assert "マイク" in alert.inner_text()
    assert recorder.get_by_role("button", name="録音する", exact=True).is_enabled()
    assert page.get_by_label("録音・録画ファイル").is_visible()  # the file form is still there
    assert_accessible(page)
    assert not Recording.objects.exists()
