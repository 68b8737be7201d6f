"""Speech recognition with the real engine (faster-whisper, Whisper base int8) on small fixtures."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from ukai.core.errors import UkaiError
from ukai.core.plugins import PluginConfigError
from ukai.minutes.asr import asr_engine, recording_check, recording_transcribe
from ukai.minutes.audio import SAMPLE_RATE
from ukai.minutes.base import AsrEngine
from ukai.minutes.contrib.faster_whisper import FasterWhisperEngine
from ukai.minutes.evaluation import character_error_rate
from ukai.minutes.model_store import MODEL_SHA256, whisper_base_assemble

from .audio_files import FIXTURES, speech_samples, write_audio

CER_TARGET = 0.18


@pytest.fixture(scope="module")
def engine() -> AsrEngine:
    """The configured engine with its model loaded (once per test process)."""
    found = asr_engine()
    assert isinstance(found, FasterWhisperEngine)
    found.model()
    return found


def test_a_council_sentence_is_recognised_within_the_cer_target(engine, speech):
    item = speech[4]  # 次回の委員会までに、担当課で検討します。
    transcript = recording_transcribe(item["file"])
    cer = character_error_rate(item["text"], transcript.text)
    assert cer <= CER_TARGET, (transcript.text, cer)
    assert transcript.language == "ja"
    assert transcript.engine == "faster-whisper"
    assert transcript.model == "whisper-base"
    words = [word for segment in transcript.segments for word in segment.words]
    assert words, "word timestamps are requested"
    assert all(0.0 <= word.probability <= 1.0 for word in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert words[-1].end <= transcript.duration + 0.1


@pytest.mark.parametrize(
    ("name", "codec", "video"),
    [
        ("speech.wav", "pcm_s16le", False),
        ("speech.mp3", "libmp3lame", False),
        ("speech.m4a", "aac", False),
        ("speech.mp4", "aac", True),
    ],
)
def test_wav_mp3_m4a_and_mp4_video_are_read(tmp_path, engine, speech, name, codec, video):
    item = speech[0]  # ただいまから本日の会議を開きます。
    path = write_audio(tmp_path / name, speech_samples(item["file"]), codec=codec, video=video)
    info = recording_check(path)
    assert info.has_video is video
    assert info.duration == pytest.approx(3.5, abs=0.2)
    transcript = recording_transcribe(path)
    assert character_error_rate(item["text"], transcript.text) <= CER_TARGET


def test_a_silent_recording_gives_no_segments_and_says_so(tmp_path, engine):
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(np.zeros(SAMPLE_RATE * 3, dtype=np.int16).tobytes())
    transcript = recording_transcribe(path)
    assert transcript.segments == []
    assert transcript.warnings == ["no_speech"]


def test_a_long_recording_is_read_in_chunks_with_progress_and_can_resume(engine, speech):
    path = speech[6]["file"]  # 6.6 s
    chunked = type(engine)(**{**engine.options, "chunk_seconds": 3.0})
    seen: list[float] = []
    saved: list[float] = []
    transcript = chunked.transcribe(
        path,
        progress=lambda done, total: seen.append(done / total),
        on_segments=lambda segments, until: saved.append(until),
    )
    assert len(saved) == 2  # 3 s chunks; the last 0.6 s joins the second one
    assert saved[0] == pytest.approx(3.0, abs=1.0)
    assert saved[-1] == pytest.approx(transcript.duration, abs=0.05)
    assert seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0)
    assert transcript.segments
    resumed = chunked.transcribe(path, start_at=3.0)
    assert all(segment.start >= 3.0 for segment in resumed.segments)
    assert len(resumed.text) < len(transcript.text)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "audio_empty"),
        (b"This is a text file, not a recording.\n" * 20, "audio_unreadable"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 8, "audio_unreadable"),
    ],
)
def test_files_that_are_not_audio_get_a_clear_message(tmp_path, content, code):
    path = tmp_path / "meeting.mp3"
    path.write_bytes(content)
    with pytest.raises(UkaiError) as caught:
        recording_check(path)
    assert caught.value.code == code
    assert caught.value.message_ja
    assert caught.value.message_en


def test_a_truncated_recording_is_refused(tmp_path):
    data = (FIXTURES / "speech-01.ogg").read_bytes()
    path = tmp_path / "cut.ogg"
    path.write_bytes(data[:200])
    with pytest.raises(UkaiError) as caught:
        recording_check(path)
    assert caught.value.code == "audio_unreadable"


def test_a_video_without_sound_is_refused(tmp_path):
    import av

    path = tmp_path / "silent-film.mp4"
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(5):
            frame = av.VideoFrame.from_ndarray(
                np.zeros((48, 64, 3), dtype=np.uint8), format="rgb24"
            )
            frame.pts = index
            for packet in stream.encode(frame.reformat(format="yuv420p")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(UkaiError) as caught:
        recording_check(path)
    assert caught.value.code == "audio_no_sound_track"


def test_too_big_and_too_long_recordings_are_refused(settings, speech):
    path = speech[0]["file"]
    settings.UKAI_MINUTES_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(UkaiError) as caught:
        recording_check(path)
    assert caught.value.code == "audio_too_big"
    assert caught.value.status == 413
    settings.UKAI_MINUTES_MAX_UPLOAD_BYTES = 10**9
    settings.UKAI_MINUTES_MAX_SECONDS = 2
    with pytest.raises(UkaiError) as caught:
        recording_check(path)
    assert caught.value.code == "audio_too_long"
    assert "0:00:03" in caught.value.message_ja


def test_a_model_with_the_wrong_hash_is_refused(tmp_path):
    target = tmp_path / "whisper-base"
    target.mkdir()
    (target / "model.bin").write_bytes(b"not the model")
    with pytest.raises(PluginConfigError) as caught:
        whisper_base_assemble(target)
    assert "ハッシュが一致しません" in str(caught.value)
    assert MODEL_SHA256 in str(caught.value)


def test_a_configured_model_folder_that_is_missing_gives_a_clear_message(
    settings, speech, tmp_path
):
    settings.UKAI_MINUTES_WHISPER_MODEL = str(tmp_path / "large-v3")
    with pytest.raises(UkaiError) as caught:
        recording_transcribe(speech[0]["file"])
    assert caught.value.code == "asr_unavailable"
    assert "large-v3" in caught.value.message_ja


def test_the_base_model_is_assembled_in_the_data_folder_and_matches_its_hash(settings, engine):
    folder = Path(settings.DATA_DIR) / "models" / "whisper-base"
    assert (folder / "model.bin").stat().st_size == 145_217_607
    assert {p.name for p in folder.iterdir()} >= {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.json",
    }


def test_a_recording_in_another_language_is_transcribed_in_it_with_a_warning(engine):
    transcript = recording_transcribe(FIXTURES / "other-language.ogg")
    assert transcript.language == "en"
    assert transcript.warnings == ["other_language:en"]
    assert "budget" in transcript.text.lower()
