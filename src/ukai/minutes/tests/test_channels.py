"""Speaker suggestions from a stereo recording: each segment's louder channel, mapped to an
attendee by the editor, is offered as the speaker and accepted with one button (or Alt+A)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from ukai.core.testing.staff import staff_client_login
from ukai.minutes import services
from ukai.minutes.channels import channel_blocks, dominant_channel, span_energy
from ukai.minutes.models import Recording, Segment

from .audio_files import speech_samples, write_audio
from .conftest import staff_member

URL = "/staff/minutes/"


def _stereo(tmp_path, speech):
    """Chair on the left microphone, the mayor on the right; each is heard faintly
    (a tenth, -20 dB) on the other's microphone, as in a chamber."""
    chair, mayor = speech_samples(speech[1]["file"]), speech_samples(speech[2]["file"])
    gap = np.zeros(32000, dtype=np.float32)
    left = np.concatenate([chair, gap, mayor * 0.1, gap[:8000]])
    right = np.concatenate([chair * 0.1, gap, mayor, gap[:8000]])
    path = write_audio(tmp_path / "chamber.ogg", np.stack([left, right]), codec="libopus")
    return path, len(chair) / 16000


def test_the_louder_channel_is_found_and_cross_talk_gives_none(tmp_path, speech):
    path, chair_seconds = _stereo(tmp_path, speech)
    blocks = channel_blocks(path)
    assert blocks.shape[1] == 2
    assert dominant_channel(span_energy(blocks, 0.3, chair_seconds - 0.3)) == 1
    assert dominant_channel(span_energy(blocks, chair_seconds + 2.2, chair_seconds + 4)) == 2
    assert dominant_channel([1.0, 0.8]) is None  # both microphones hear it: no guess
    assert dominant_channel([0.0, 0.0]) is None
    assert dominant_channel([0.5]) is None


@pytest.mark.django_db(transaction=True)
def test_suggestions_from_a_stereo_recording_are_accepted_in_one_step(tmp_path, speech):
    staff = staff_member("chamber-clerk", "somu")
    client = Client()
    staff_client_login(client, staff)
    meeting = services.meeting_create(
        staff=staff,
        values={
            "title": "第1回 本会議",
            "body": "plenary",
            "held_on": date(2025, 12, 1),
            "department": "somu",
            "attendees": "議長 山田 太郎\n市長 岐阜 次郎\n議員 鈴木 一郎",
            "agenda": "",
        },
    )
    path, chair_seconds = _stereo(tmp_path, speech)
    client.post(
        f"{URL}{meeting.pk}/recordings/",
        {"file": SimpleUploadedFile("chamber.ogg", path.read_bytes(), "audio/ogg")},
    )
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    recording = Recording.objects.get()
    assert recording.status == Recording.Status.DONE, recording.error_ja
    assert recording.channels == 2
    segments = list(Segment.objects.order_by("index"))
    assert all(len(s.channel_energy) == 2 for s in segments)

    page = client.get(f"{URL}{meeting.pk}/transcript/").content.decode()
    assert "録音のチャンネルと発言者" in page
    assert "発言者の候補：" not in page  # no channel is mapped yet

    chair, mayor, _member = meeting.attendees.order_by("order")
    twice = client.post(
        f"{URL}{meeting.pk}/channels/", {"channel_1": chair.pk, "channel_2": chair.pk}, follow=True
    )
    assert "同じ出席者を2つのチャンネルに割り当てることはできません" in twice.content.decode()
    client.post(f"{URL}{meeting.pk}/channels/", {"channel_1": chair.pk, "channel_2": mayor.pk})
    page = client.get(f"{URL}{meeting.pk}/transcript/").content.decode()
    assert 'name="channel_2"' in page
    first = next(s for s in segments if s.end <= chair_seconds + 0.2)
    last = next(s for s in reversed(segments) if s.start >= chair_seconds)
    assert page.count("発言者の候補：") >= 2
    assert "発言者の候補：議長 山田 太郎（チャンネル1の声が大きい）" in page
    assert "発言者の候補：市長 岐阜 次郎（チャンネル2の声が大きい）" in page

    for segment, expected in ((first, chair), (last, mayor)):
        response = client.post(
            f"{URL}{meeting.pk}/transcript/",
            {
                "segment_id": segment.pk,
                f"s{segment.pk}-text": segment.text,
                f"s{segment.pk}-speaker": "",
                "accept": expected.pk,
            },
        )
        assert response.status_code == 302
        segment.refresh_from_db()
        assert segment.speaker == expected
    page = client.get(f"{URL}{meeting.pk}/transcript/").content.decode()
    assert page.count("発言者の候補：") == len(segments) - 2  # accepted ones are not offered again
    minutes = client.get(f"{URL}{meeting.pk}/minutes/").content.decode()
    assert "○議長（山田 太郎）" in minutes
    assert "○市長（岐阜 次郎）" in minutes
