"""In Chromium: map the channels of a stereo recording to attendees, then accept a
segment's suggested speaker with one key (Alt+A); axe on the editor with suggestions."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from ukai.core.testing.axe import assert_accessible
from ukai.core.testing.staff import staff_client_login
from ukai.minutes import services
from ukai.minutes.models import Segment

from ..conftest import staff_member
from ..test_channels import _stereo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_channels_are_mapped_and_a_suggestion_accepted_with_alt_a(
    browser_context, live_server, tmp_path, speech
):
    staff = staff_member("chamber-editor", "somu")
    client = Client()
    staff_client_login(client, staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser_context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    meeting = services.meeting_create(
        staff=staff,
        values={
            "title": "第1回 本会議",
            "body": "plenary",
            "held_on": date(2025, 12, 1),
            "department": "somu",
            "attendees": "議長 山田 太郎\n市長 岐阜 次郎",
            "agenda": "",
        },
    )
    path, _seconds = _stereo(tmp_path, speech)
    client.post(
        f"/staff/minutes/{meeting.pk}/recordings/",
        {"file": SimpleUploadedFile("chamber.ogg", path.read_bytes(), "audio/ogg")},
    )
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    page = browser_context.new_page()
    page.goto(f"/staff/minutes/{meeting.pk}/transcript/")
    channels = page.locator("#channels")
    channels.get_by_label("チャンネル1（左）").select_option(label="議長 山田 太郎")
    channels.get_by_label("チャンネル2（右）").select_option(label="市長 岐阜 次郎")
    channels.get_by_role("button", name="チャンネルの割り当てを保存する").click()
    assert "チャンネルと発言者の対応を保存しました" in page.locator(".messages").inner_text()
    assert_accessible(page)

    last = Segment.objects.order_by("-index").first()
    assert last is not None
    form = page.locator(f"#segment-{last.pk}")
    assert "発言者の候補：市長 岐阜 次郎" in form.inner_text()
    form.locator("textarea").press("Alt+a")
    page.wait_for_load_state()
    assert "発言を保存しました" in page.locator(".messages").inner_text()
    last.refresh_from_db()
    assert last.speaker is not None
    assert last.speaker.name == "岐阜 次郎"
    assert "発言者の候補" not in page.locator(f"#segment-{last.pk}").inner_text()
