"""The staff pages: create a meeting, upload, transcribe in the worker, correct, read the minutes."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, timedelta

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from ukai.core.testing.staff import staff_client_login
from ukai.minutes import service, services
from ukai.minutes.evaluation import character_error_rate
from ukai.minutes.models import Meeting, MinutesVersion, Recording, Segment

from .audio_files import FIXTURES, speech_samples, write_audio
from .conftest import staff_member

URL = "/staff/minutes/"


@pytest.fixture
def staff(db):
    return staff_member("minutes-staff", "somu")


@pytest.fixture
def signed_in(client, staff):
    staff_client_login(client, staff)
    return client


def _meeting(staff, **values) -> Meeting:
    return services.meeting_create(
        staff=staff,
        values={
            "department": "somu",
            "title": "第3回 総務委員会",
            "body": "committee",
            "held_on": date(2025, 9, 12),
            "place": "第1委員会室",
            "attendees": "委員長 山田 太郎\n市長 岐阜 次郎\n委員 鈴木 一郎",
            "agenda": "議案第1号 手数料条例の一部改正について\n請願第2号 防災無線について",
            **values,
        },
    )


def _run_worker() -> None:
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_pages_are_for_signed_in_staff_only(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_a_meeting_is_created_with_attendees_and_agenda(signed_in):
    response = signed_in.post(
        URL + "new/",
        {
            "title": "令和7年 第1回 庁内DX推進会議",
            "body": "internal",
            "held_on": "2025-04-10",
            "place": "本庁舎 5階",
            "attendees": "議長 山田 太郎\n部長　長良 三郎",
            "agenda": "DX推進計画について",
            "department": "somu",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert [(a.role, a.name) for a in meeting.attendees.all()] == [
        ("議長", "山田 太郎"),
        ("部長", "長良 三郎"),
    ]
    assert [i.title for i in meeting.agenda_items.all()] == ["DX推進計画について"]
    page = signed_in.get(response["Location"]).content.decode()
    assert "令和7年 第1回 庁内DX推進会議" in page
    assert "長良 三郎" in page


def test_a_wrong_attendee_line_is_explained_and_the_input_kept(signed_in):
    response = signed_in.post(
        URL + "new/",
        {
            "title": "総務委員会",
            "body": "committee",
            "held_on": "2025-04-10",
            "attendees": "山田太郎",
            "department": "somu",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "「役職 氏名」の形で書いてください" in page
    assert 'value="総務委員会"' in page
    assert not Meeting.objects.exists()


def test_a_file_that_is_not_audio_is_refused_and_nothing_is_stored(signed_in, staff):
    meeting = _meeting(staff)
    upload = SimpleUploadedFile("meeting.mp3", b"<html>not a recording</html>" * 10, "audio/mpeg")
    response = signed_in.post(f"{URL}{meeting.pk}/recordings/", {"file": upload})
    assert response.status_code == 400
    assert "音声として読み取れないファイルです" in response.content.decode()
    assert not Recording.objects.exists()


def _council_recording(tmp_path, speech) -> bytes:
    parts = [speech_samples(item["file"]) for item in speech[1:6]]
    gap = np.zeros(8000, dtype=np.float32)
    samples = np.concatenate([piece for part in parts for piece in (part, gap)])
    return write_audio(tmp_path / "council.m4a", samples, codec="aac").read_bytes()


@pytest.mark.django_db(transaction=True)
def test_upload_transcribe_correct_and_read_the_minutes(client, tmp_path, speech):
    services.glossary_seed()  # a transactional test may start after another emptied the tables
    staff = staff_member("clerk", "somu")
    staff_client_login(client, staff)
    meeting = _meeting(staff)
    upload = SimpleUploadedFile("council.m4a", _council_recording(tmp_path, speech), "audio/mp4")
    response = client.post(f"{URL}{meeting.pk}/recordings/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "待機中" in page
    assert "<progress" in page
    assert client.get(f"{URL}{meeting.pk}/status.json").json()["active"] is True

    _run_worker()

    recording = Recording.objects.get()
    assert recording.status == Recording.Status.DONE, recording.error_ja
    assert 0 < recording.real_time_factor < 1.0
    assert client.get(f"{URL}{meeting.pk}/status.json").json()["active"] is False
    page = client.get(f"{URL}{meeting.pk}/").content.decode()
    assert "完了" in page
    assert "実時間比" in page

    segments = list(Segment.objects.order_by("index"))
    assert len(segments) >= 3
    transcript = client.get(f"{URL}{meeting.pk}/transcript/").content.decode()
    assert segments[0].asr_text in transcript
    assert 'class="word word--low"' in transcript  # unsure words are marked

    audio_url = f"{URL}{meeting.pk}/recordings/{recording.pk}/audio"
    whole = client.get(audio_url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == recording.file.open("rb").read()
    part = client.get(audio_url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{recording.file.size}"
    assert len(part.content) == 100
    assert client.get(audio_url, HTTP_RANGE=f"bytes={recording.file.size}-").status_code == 416
    assert client.get(f"{URL}{meeting.pk + 1}/recordings/{recording.pk}/audio").status_code == 404

    mayor = meeting.attendees.get(role="市長")
    first = segments[0]
    response = client.post(
        f"{URL}{meeting.pk}/transcript/",
        {
            "segment_id": first.pk,
            f"s{first.pk}-text": "議案第一号について、市長から説明を求めます",
            f"s{first.pk}-speaker": mayor.pk,
            f"s{first.pk}-agenda_item": meeting.agenda_items.order_by("order")[0].pk,
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.edited
    assert first.speaker == mayor
    assert first.asr_text != first.text

    minutes = client.get(f"{URL}{meeting.pk}/minutes/").content.decode()
    assert "○市長（岐阜 次郎）" in minutes
    assert "議案第1号について、市長から説明を求めます。" in minutes  # 整文: numerals, full stop
    assert "【異議なし】" in minutes  # ご意義/意気なし corrected by the glossary, then found
    linked = {int(pk) for pk in re.findall(r"#segment-(\d+)", minutes)}
    assert linked
    assert linked <= {segment.pk for segment in segments}

    docx = client.get(f"{URL}{meeting.pk}/minutes.docx")
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "○市長（岐阜 次郎）" in text
    assert "第3回 総務委員会" in text
    pdf = client.get(f"{URL}{meeting.pk}/minutes.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    txt = client.get(f"{URL}{meeting.pk}/minutes.txt?format=summary").content.decode()
    assert "■ 要点" in txt

    for status in ("reviewed", "approved"):
        response = client.post(
            f"{URL}{meeting.pk}/minutes/", {"status": status, "minutes_format": "verbatim"}
        )
        assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert list(MinutesVersion.objects.values_list("number", "status")) == [
        (1, "reviewed"),
        (2, "approved"),
    ]
    response = client.post(
        f"{URL}{meeting.pk}/transcript/",
        {"segment_id": first.pk, f"s{first.pk}-text": "書き換え"},
        follow=True,
    )
    assert "承認済みの会議録は編集できません。" in response.content.decode()
    first.refresh_from_db()
    assert first.text != "書き換え"


@pytest.mark.django_db(transaction=True)
def test_a_recording_damaged_after_upload_fails_with_a_message_on_the_page(client):
    staff = staff_member("clerk2", "somu")
    staff_client_login(client, staff)
    meeting = _meeting(staff)
    data = (FIXTURES / "speech-01.ogg").read_bytes()
    client.post(
        f"{URL}{meeting.pk}/recordings/", {"file": SimpleUploadedFile("a.ogg", data, "audio/ogg")}
    )
    recording = Recording.objects.get()
    with open(recording.file.path, "wb") as handle:
        handle.write(b"\x00" * 4096)
    _run_worker()
    recording.refresh_from_db()
    assert recording.status == Recording.Status.FAILED
    assert recording.error_code == "audio_unreadable"
    page = client.get(f"{URL}{meeting.pk}/").content.decode()
    assert "音声として読み取れないファイルです" in page


def test_editing_time_adds_the_gaps_between_edits_up_to_five_minutes(staff):
    meeting = _meeting(staff)
    start = timezone.now()
    for minutes in (0, 2, 3, 30, 31):
        services.editing_record(meeting=meeting, now=start + timedelta(minutes=minutes))
    meeting.refresh_from_db()
    # 2 + 1 + 5 (a 27-minute break counts as 5) + 1 minutes
    assert meeting.editing_seconds == pytest.approx(9 * 60)


def test_the_plan_kpi_is_editing_time_over_the_manual_baseline(staff, settings):
    settings.UKAI_MINUTES_MANUAL_FACTOR = 4.5
    meeting = _meeting(staff)
    Recording.objects.create(
        meeting=meeting, original_name="a.wav", duration_seconds=600, status=Recording.Status.DONE
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.APPROVED, approved_at=timezone.now(), editing_seconds=900
    )
    kpi = service.kpi_minutes_time_ratio(as_of=timezone.localdate())
    assert kpi["value"] == pytest.approx(900 / (600 * 4.5), abs=1e-4)
    earlier = service.kpi_minutes_time_ratio(as_of=timezone.localdate() - timedelta(days=1))
    assert earlier["value"] == 0.0


def test_the_pages_are_in_english_for_staff_who_chose_it(signed_in, staff):
    meeting = _meeting(staff)
    signed_in.cookies["ukai_language"] = "en"
    page = signed_in.get(f"{URL}{meeting.pk}/").content.decode()
    assert "Add a recording" in page
    upload = SimpleUploadedFile("notes.wav", b"RIFF....WAVEfmt " + b"\x00" * 64, "audio/wav")
    response = signed_in.post(f"{URL}{meeting.pk}/recordings/", {"file": upload})
    assert "This file cannot be read as audio" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_crashed_transcription_resumes_after_the_saved_chunks(settings, speech, monkeypatch):
    from ukai.minutes.contrib.faster_whisper import FasterWhisperEngine

    settings.UKAI_ENGINES = {"asr": [{"engine": "faster-whisper", "options": {"chunk_seconds": 3}}]}
    staff = staff_member("clerk3", "somu")
    meeting = _meeting(staff)
    data = (FIXTURES / "speech-07.ogg").read_bytes()  # 6.6 s: two chunks
    recording = services.recording_upload(
        staff=staff, meeting=meeting, upload=SimpleUploadedFile("a.ogg", data, "audio/ogg")
    )
    original = FasterWhisperEngine.transcribe

    def crash_after_first_chunk(self, path, **kwargs):
        save = kwargs["on_segments"]

        def save_then_crash(segments, until):
            save(segments, until)
            raise RuntimeError("the worker was killed")

        return original(self, path, **{**kwargs, "on_segments": save_then_crash})

    monkeypatch.setattr(FasterWhisperEngine, "transcribe", crash_after_first_chunk)
    with pytest.raises(RuntimeError):
        services.recording_transcribe_run(recording_id=recording.pk)
    recording.refresh_from_db()
    assert recording.status == Recording.Status.FAILED
    assert 0 < recording.processed_seconds < recording.duration_seconds
    kept = list(recording.segments.values_list("text", flat=True))
    assert kept  # the first chunk's text is not lost

    monkeypatch.setattr(FasterWhisperEngine, "transcribe", original)
    services.recording_transcribe_run(recording_id=recording.pk)
    recording.refresh_from_db()
    assert recording.status == Recording.Status.DONE
    segments = list(recording.segments.order_by("index"))
    assert [s.index for s in segments] == list(range(len(segments)))
    assert [s.text for s in segments[: len(kept)]] == kept
    assert len(segments) > len(kept)
    assert all(a.end <= b.start + 0.01 for a, b in itertools.pairwise(segments))


def test_editing_a_meeting_keeps_the_speakers_who_stay(signed_in, staff):
    meeting = _meeting(staff)
    recording = Recording.objects.create(
        meeting=meeting, original_name="a.wav", duration_seconds=10
    )
    mayor = meeting.attendees.get(role="市長")
    chair = meeting.attendees.get(role="委員長")
    spoken = [
        Segment.objects.create(
            recording=recording, index=i, start=i, end=i + 1, text="発言", speaker=who
        )
        for i, who in enumerate((mayor, chair))
    ]
    response = signed_in.post(
        f"{URL}{meeting.pk}/edit/",
        {
            "title": "第3回 総務委員会（修正）",
            "body": "committee",
            "held_on": "2025-09-12",
            "attendees": "市長 岐阜 次郎\n委員 鈴木 一郎\n部長 長良 三郎",
            "agenda": "議案第1号 手数料条例の一部改正について",
            "department": "somu",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "第3回 総務委員会（修正）"
    assert [(a.role, a.name) for a in meeting.attendees.all()] == [
        ("市長", "岐阜 次郎"),
        ("委員", "鈴木 一郎"),
        ("部長", "長良 三郎"),
    ]
    for segment in spoken:
        segment.refresh_from_db()
    assert spoken[0].speaker_id == mayor.pk  # still linked
    assert spoken[1].speaker_id is None  # the chair's line was removed
    assert meeting.agenda_items.count() == 1
    page = signed_in.get(f"{URL}{meeting.pk}/edit/").content.decode()
    assert "部長 長良 三郎" in page


@pytest.mark.django_db(transaction=True)
def test_a_browser_recording_in_webm_is_accepted_as_json_and_transcribed(client, tmp_path, speech):
    """What recorder.js sends: WebM/Opus from MediaRecorder, posted with Accept: JSON."""
    staff = staff_member("clerk3", "somu")
    staff_client_login(client, staff)
    meeting = _meeting(staff)
    webm = write_audio(
        tmp_path / "recording.webm", speech_samples(speech[2]["file"]), codec="libopus"
    )
    response = client.post(
        f"{URL}{meeting.pk}/recordings/",
        {
            "file": SimpleUploadedFile(
                "recording-20250912-1000.webm", webm.read_bytes(), "audio/webm"
            )
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["url"] == f"{URL}{meeting.pk}/"
    assert "録音を受け付けました" in client.get(response.json()["url"]).content.decode()
    _run_worker()
    recording = Recording.objects.get()
    assert recording.status == Recording.Status.DONE, recording.error_ja
    assert 4 < recording.duration_seconds < 6
    said = "".join(Segment.objects.values_list("text", flat=True))
    assert "決定しました" in said
    assert character_error_rate(speech[2]["text"], said) < 0.5

    refused = client.post(
        f"{URL}{meeting.pk}/recordings/",
        {"file": SimpleUploadedFile("recording.webm", b"\x1aE\xdf\xa3" + b"\x00" * 500)},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400
    assert "音声として読み取れないファイルです" in refused.json()["errors"][0]
    assert Recording.objects.count() == 1
