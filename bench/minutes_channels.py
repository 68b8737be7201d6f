"""Speaker suggestion by channel energy: accuracy and speed on a synthetic stereo sitting.

    .venv/bin/python bench/minutes_channels.py

Builds 10 minutes of stereo (Ogg Opus) from the speech fixtures: utterances alternate
between two microphones, each heard on the other microphone at a given cross-talk level
(-20 dB: close microphones in a chamber; -6 dB: a small room). Each utterance's known span
is scored (the suggestion must be the speaker's channel; "none" counts as no suggestion,
not as an error). Speed is the time to compute the 100 ms energy blocks per hour of audio.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from harness import Result, print_results, write_json
from ukai.minutes.channels import channel_blocks, dominant_channel, span_energy
from ukai.minutes.tests.audio_files import FIXTURES, speech_samples, write_audio

RATE = 16_000
MINUTES = 10


def sitting(crosstalk: float, seed: int = 7) -> tuple[np.ndarray, list[tuple[float, float, int]]]:
    items = json.loads((FIXTURES / "speech.json").read_text(encoding="utf-8"))
    clips = [speech_samples(FIXTURES / item["file"]) for item in items]
    rng = np.random.default_rng(seed)
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    spans = []
    position = 0
    while position < MINUTES * 60 * RATE:
        clip = clips[int(rng.integers(len(clips)))]
        speaker = int(rng.integers(2)) + 1
        near, far = clip, clip * crosstalk
        left.append(near if speaker == 1 else far)
        right.append(far if speaker == 1 else near)
        spans.append((position / RATE, (position + len(clip)) / RATE, speaker))
        pause = np.zeros(int(rng.uniform(0.3, 1.5) * RATE), dtype=np.float32)
        noise = rng.normal(0, 0.002, size=(2, len(pause))).astype(np.float32)
        left.append(pause + noise[0])
        right.append(pause + noise[1])
        position += len(clip) + len(pause)
    return np.stack([np.concatenate(left), np.concatenate(right)]), spans


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, crosstalk in (("-20 dB", 0.1), ("-6 dB", 0.5), ("-3 dB", 0.7), ("-2 dB", 0.8)):
            samples, spans = sitting(crosstalk)
            path = write_audio(Path(folder) / "sitting.ogg", samples, codec="libopus")
            started = time.perf_counter()
            blocks = channel_blocks(path)
            elapsed = time.perf_counter() - started
            right = wrong = none = 0
            for start, end, speaker in spans:
                channel = dominant_channel(span_energy(blocks, start, end))
                if channel is None:
                    none += 1
                elif channel == speaker:
                    right += 1
                else:
                    wrong += 1
            seconds = samples.shape[1] / RATE
            results.append(
                Result(
                    name=f"minutes_channels {label}",
                    params={
                        "crosstalk": label,
                        "utterances": len(spans),
                        "seconds": round(seconds),
                    },
                    figures={
                        "suggested_right": round(right / len(spans), 4),
                        "suggested_wrong": round(wrong / len(spans), 4),
                        "no_suggestion": round(none / len(spans), 4),
                        "blocks_seconds_per_audio_hour": round(elapsed / seconds * 3600, 2),
                    },
                    unit="ratio",
                )
            )
    print_results(results, title="minutes: speaker suggestion by channel")
    print(f"written to {write_json(results, 'minutes_channels')}")


if __name__ == "__main__":
    main()
