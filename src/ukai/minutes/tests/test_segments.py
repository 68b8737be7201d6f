"""Splitting a transcript segment at a word and joining it with the next, in the editor."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps

from ukai.core.testing.staff import staff_client_login
from ukai.minutes import services
from ukai.minutes.models import Meeting, Recording, Segment

from .conftest import staff_member

URL = "/staff/minutes/"


def _words(*items: tuple[str, float, float]) -> list[dict[str, float | str]]:
    return [
        {"text": text, "start": start, "end": end, "probability": 0.9} for text, start, end in items
    ]


@pytest.fixture
def staff(db):
    return staff_member("segment-clerk", "somu")


@pytest.fixture
def meeting(staff) -> Meeting:
    meeting = services.meeting_create(
        staff=staff,
        values={
            "department": "somu",
            "title": "総務委員会",
            "body": "committee",
            "held_on": date(2025, 9, 12),
            "attendees": "委員長 山田 太郎\n市長 岐阜 次郎",
        },
    )
    chair, mayor = meeting.attendees.all()
    recording = Recording.objects.create(
        meeting=meeting, original_name="a.wav", duration_seconds=10, status="done"
    )
    rows = [
        (
            "本日は委員会を開会します。市長から説明を求めます",
            _words(
                ("本日は", 0.0, 0.6),
                ("委員会を", 0.6, 1.3),
                ("開会します。", 1.3, 2.2),
                ("市長から", 2.6, 3.2),
                ("説明を求めます", 3.2, 4.0),
            ),
            chair,
        ),
        ("それでは説明します", _words(("それでは", 4.2, 4.8), ("説明します", 4.8, 5.6)), mayor),
        ("以上です", _words(("以上です", 5.8, 6.4)), mayor),
    ]
    for index, (text, words, speaker) in enumerate(rows):
        Segment.objects.create(
            recording=recording,
            index=index,
            start=words[0]["start"],
            end=words[-1]["end"],
            text=text,
            asr_text=text,
            words=words,
            speaker=speaker,
        )
    return meeting


@pytest.fixture
def signed_in(client, staff):
    staff_client_login(client, staff)
    return client


def _texts(meeting: Meeting) -> list[tuple[int, str, float, float]]:
    return [
        (s.index, s.text, s.start, s.end)
        for s in Segment.objects.filter(recording__meeting=meeting).order_by("index")
    ]


def test_a_segment_is_split_at_a_word_and_joined_back(signed_in, meeting):
    first = Segment.objects.get(index=0)
    page = signed_in.get(f"{URL}{meeting.pk}/transcript/").content.decode()
    assert "この語の前で分ける" in page
    assert page.count("次の発言とつなげる") == 2  # not on the last segment

    response = signed_in.post(f"{URL}{meeting.pk}/segments/{first.pk}/split/", {"at_word": "3"})
    assert response.status_code == 302
    assert _texts(meeting) == [
        (0, "本日は委員会を開会します。", 0.0, 2.6),
        (1, "市長から説明を求めます", 2.6, 4.0),
        (2, "それでは説明します", 4.2, 5.6),
        (3, "以上です", 5.8, 6.4),
    ]
    second = Segment.objects.get(index=1)
    assert second.speaker == first.speaker
    assert [w["text"] for w in second.words] == ["市長から", "説明を求めます"]
    # Both parts keep the chair as speaker: one paragraph in the minutes, as before.
    minutes = signed_in.get(f"{URL}{meeting.pk}/minutes/").content.decode()
    assert "本日は委員会を開会します。市長から説明を求めます。" in minutes
    meeting.refresh_from_db()
    assert meeting.last_edit_at is not None
    audit = apps.get_model("core", "AuditEvent").objects
    assert audit.filter(purpose__contains="文字起こしの分割（2.6秒で2つに）").exists()

    response = signed_in.post(f"{URL}{meeting.pk}/segments/{first.pk}/merge/")
    assert response.status_code == 302
    assert _texts(meeting) == [
        (0, "本日は委員会を開会します。市長から説明を求めます", 0.0, 4.0),
        (1, "それでは説明します", 4.2, 5.6),
        (2, "以上です", 5.8, 6.4),
    ]
    assert len(Segment.objects.get(index=0).words) == 5
    assert audit.filter(purpose__contains="文字起こしの結合").exists()


def test_a_corrected_text_splits_where_it_still_matches_the_words(signed_in, meeting):
    first = Segment.objects.get(index=0)
    first.text = "本日は、委員会を開会します。市長から、説明を求めます。"
    first.edited = True
    first.save()
    signed_in.post(f"{URL}{meeting.pk}/segments/{first.pk}/split/", {"at_word": "1"})
    assert _texts(meeting)[:2] == [
        (0, "本日は、", 0.0, 0.6),
        (1, "委員会を開会します。市長から、説明を求めます。", 0.6, 4.0),
    ]
    assert Segment.objects.get(index=1).edited


def test_a_split_that_cannot_be_placed_is_explained_and_changes_nothing(signed_in, meeting):
    first = Segment.objects.get(index=0)
    first.text = "開会を宣言します。"
    first.save()
    before = _texts(meeting)
    response = signed_in.post(
        f"{URL}{meeting.pk}/segments/{first.pk}/split/", {"at_word": "2"}, follow=True
    )
    assert "選んだ語の位置が修正後の文字の中に見つかりません" in response.content.decode()
    for at_word in ("0", "5", "x"):
        response = signed_in.post(
            f"{URL}{meeting.pk}/segments/{first.pk}/split/", {"at_word": at_word}, follow=True
        )
        assert "分ける位置は、発言の2語目から最後の語までの間で選んでください。" in (
            response.content.decode()
        )
    assert _texts(meeting) == before


def test_segments_of_different_speakers_or_the_last_one_are_not_joined(signed_in, meeting):
    before = _texts(meeting)
    first, _second, last = Segment.objects.order_by("index")
    response = signed_in.post(f"{URL}{meeting.pk}/segments/{first.pk}/merge/", follow=True)
    assert "発言者が異なる発言はつなげられません" in response.content.decode()
    response = signed_in.post(f"{URL}{meeting.pk}/segments/{last.pk}/merge/", follow=True)
    assert "この発言の後に、同じ録音の発言がありません。" in response.content.decode()
    assert _texts(meeting) == before


def test_approved_minutes_and_other_departments_cannot_split_or_join(signed_in, client, meeting):
    first = Segment.objects.get(index=0)
    before = _texts(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
    response = signed_in.post(
        f"{URL}{meeting.pk}/segments/{first.pk}/split/", {"at_word": "2"}, follow=True
    )
    assert "承認済みの会議録は編集できません。" in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DRAFT, shared=True)
    other = staff_member("segment-other", "kodomo")
    staff_client_login(client, other)
    assert client.post(f"{URL}{meeting.pk}/segments/{first.pk}/merge/").status_code == 403
    assert (
        client.post(f"{URL}{meeting.pk}/segments/{first.pk}/split/", {"at_word": "2"}).status_code
        == 403
    )
    assert _texts(meeting) == before
