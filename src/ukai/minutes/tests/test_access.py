"""Meetings belong to a department: its staff (and its 部's staff) see and edit them; council
minutes may be shared for every member of staff to read; reads of transcripts are audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.test import Client

from ukai.core.testing.staff import staff_client_login
from ukai.minutes import services
from ukai.minutes.models import Meeting, Recording, Segment

from .conftest import department_of, staff_member

URL = "/staff/minutes/"


def _client(staff) -> Client:
    client = Client()
    staff_client_login(client, staff)
    return client


def _meeting(staff, *, body: str = "committee", shared: bool = False) -> Meeting:
    meeting = services.meeting_create(
        staff=staff,
        values={
            "title": "第2回 厚生委員会" if body != "internal" else "課内打合せ",
            "body": body,
            "held_on": date(2025, 11, 5),
            "department": "somu",
            "shared": shared,
            "attendees": "委員長 山田 太郎\n委員 鈴木 一郎",
            "agenda": "",
        },
    )
    recording = Recording.objects.create(
        meeting=meeting, original_name="a.ogg", status=Recording.Status.DONE, duration_seconds=2
    )
    Segment.objects.create(recording=recording, index=0, start=0, end=2, text="開会します。")
    return meeting


@pytest.fixture
def owner(db):
    return staff_member("somu-clerk", "somu")


def test_another_department_neither_sees_nor_reaches_a_meeting(owner):
    meeting = _meeting(owner)
    other = _client(staff_member("kodomo-clerk", "kodomo-shien"))
    assert meeting.title not in other.get(URL).content.decode()
    for path in ("", "transcript/", "minutes/", "status.json", "minutes.txt", "edit/"):
        assert other.get(f"{URL}{meeting.pk}/{path}").status_code == 404, path
    recording = meeting.recordings.get()
    assert other.get(f"{URL}{meeting.pk}/recordings/{recording.pk}/audio").status_code == 404
    assert other.post(f"{URL}{meeting.pk}/recordings/", {}).status_code == 404

    mine = _client(owner)
    assert meeting.title in mine.get(URL).content.decode()
    assert mine.get(f"{URL}{meeting.pk}/transcript/").status_code == 200


def test_the_bu_above_a_ka_sees_and_edits_its_meetings(db):
    clerk = staff_member("ka-clerk")
    clerk.departments.set([department_of(clerk, "somu", parent="gyosei")])
    meeting = _meeting(clerk)
    director = staff_member("bu-director", "gyosei")
    client = _client(director)
    assert meeting.title in client.get(URL).content.decode()
    page = client.get(f"{URL}{meeting.pk}/").content.decode()
    assert "会議の情報を変更する" in page
    assert 'id="recorder"' in page
    assert client.get(f"{URL}{meeting.pk}/edit/").status_code == 200


def test_shared_council_minutes_are_read_by_all_and_edited_by_the_department(owner):
    meeting = _meeting(owner, shared=True)
    segment = Segment.objects.get()
    reader_staff = staff_member("kodomo-reader", "kodomo-shien")
    reader = _client(reader_staff)
    assert meeting.title in reader.get(URL).content.decode()
    page = reader.get(f"{URL}{meeting.pk}/").content.decode()
    assert "市役所内に公開" in page
    assert "会議の情報を変更する" not in page
    assert 'id="recorder"' not in page  # no recording or upload for readers
    assert 'name="file"' not in page
    transcript = reader.get(f"{URL}{meeting.pk}/transcript/").content.decode()
    assert "開会します。" in transcript
    assert "<textarea" not in transcript  # read-only
    minutes = reader.get(f"{URL}{meeting.pk}/minutes/").content.decode()
    assert "確認済みにする" not in minutes

    assert reader.get(f"{URL}{meeting.pk}/edit/").status_code == 403
    assert reader.post(f"{URL}{meeting.pk}/recordings/", {}).status_code == 403
    denied = reader.post(
        f"{URL}{meeting.pk}/transcript/",
        {"segment_id": segment.pk, f"s{segment.pk}-text": "書き換え"},
    )
    assert denied.status_code == 403
    assert (
        reader.post(
            f"{URL}{meeting.pk}/minutes/", {"status": "reviewed", "minutes_format": "verbatim"}
        ).status_code
        == 403
    )
    segment.refresh_from_db()
    meeting.refresh_from_db()
    assert segment.text == "開会します。"
    assert meeting.status == Meeting.Status.DRAFT

    audit = apps.get_model("core", "AuditEvent").objects
    read = audit.filter(actor_username="kodomo-reader", action="read", object_id=str(meeting.pk))
    assert read.filter(purpose__startswith="会議録の文字起こしの確認（庁内公開").exists()
    assert read.filter(purpose__startswith="会議録の確認（庁内公開").exists()


def test_only_council_meetings_can_be_shared_and_only_to_ones_own_departments(owner):
    client = _client(owner)
    values = {"title": "課内打合せ", "body": "internal", "held_on": "2025-11-05"}
    response = client.post(f"{URL}new/", {**values, "department": "somu", "shared": "on"})
    assert response.status_code == 400
    assert "市役所内に公開できるのは議会の会議" in response.content.decode()
    department_of(owner, "kodomo-shien")  # exists, but is not the clerk's
    response = client.post(f"{URL}new/", {**values, "department": "kodomo-shien"})
    assert response.status_code == 400
    assert "あなたの所属から選んでください" in response.content.decode()
    assert not Meeting.objects.exists()
    assert client.post(f"{URL}new/", {**values, "department": "somu"}).status_code == 302
    assert Meeting.objects.get().department_code == "somu"


def test_staff_without_a_department_are_told_why_they_cannot_create_a_meeting(db):
    client = _client(staff_member("nobody"))
    page = client.get(f"{URL}new/").content.decode()
    assert "所属が登録されていないため、会議を登録できません" in page
