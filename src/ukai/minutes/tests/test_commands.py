"""``minutes_transcribe`` prints the text or the segments; ``minutes_seed`` is idempotent."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from ukai.minutes.evaluation import character_error_rate
from ukai.minutes.models import Meeting

from .audio_files import FIXTURES


def test_minutes_transcribe_prints_the_recognised_text(speech):
    out = io.StringIO()
    call_command("minutes_transcribe", str(speech[0]["file"]), stdout=out)
    assert character_error_rate(speech[0]["text"], out.getvalue()) <= 0.18


def test_minutes_transcribe_json_has_segments_words_and_timings(speech):
    out = io.StringIO()
    call_command("minutes_transcribe", str(speech[3]["file"]), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["engine"] == "faster-whisper"
    assert data["language"] == "ja"
    segment = data["segments"][0]
    assert {"start", "end", "text", "words", "probability"} <= set(segment)
    assert {"start", "end", "text", "probability"} == set(segment["words"][0])
    assert data["real_time_factor"] > 0


def test_minutes_transcribe_explains_a_bad_file(tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("議事メモ", encoding="utf-8")
    with pytest.raises(CommandError, match="音声として読み取れないファイルです"):
        call_command("minutes_transcribe", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("minutes_transcribe", str(tmp_path / "missing.wav"))


def test_minutes_transcribe_with_a_model_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match=r"model\.bin"):
        call_command(
            "minutes_transcribe", str(FIXTURES / "speech-01.ogg"), "--model", str(tmp_path)
        )


@pytest.mark.django_db
def test_minutes_seed_creates_one_demo_meeting_once():
    call_command("minutes_seed", stdout=io.StringIO())
    call_command("minutes_seed", stdout=io.StringIO())
    meeting = Meeting.objects.get()
    assert meeting.attendees.count() == 6
    assert meeting.agenda_items.count() == 2
