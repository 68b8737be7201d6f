"""Audio for the tests: decode a speech fixture, encode it as WAV, MP3, M4A, MP4 … with PyAV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

from ukai.minutes.audio import SAMPLE_RATE, audio_chunks

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def speech_samples(path: Path) -> np.ndarray:
    return np.concatenate([samples for _, samples in audio_chunks(path, chunk_seconds=600)])


def write_audio(
    target: Path, samples: np.ndarray, *, codec: str, video: bool = False, rate: int = SAMPLE_RATE
) -> Path:
    """Encode 16 kHz samples with PyAV (WAV, MP3, M4A/AAC, MP4 with a video track …):
    mono from a 1-D array, one channel a row from a 2-D array."""
    rows = samples.reshape(1, -1) if samples.ndim == 1 else samples
    layout = {1: "mono", 2: "stereo", 4: "quad"}[rows.shape[0]]
    pcm = (np.clip(rows, -1, 1) * 32767).astype(np.int16)
    with av.open(str(target), mode="w") as container:
        picture: Any = None
        if video:
            picture = container.add_stream("mpeg4", rate=5)
            picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        out_rate = (
            44100 if codec in ("libmp3lame", "aac") else 48000 if codec == "libopus" else rate
        )
        stream: Any = container.add_stream(codec, rate=out_rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16p", layout=layout)
        frame.sample_rate = rate
        resampler = av.AudioResampler(
            format=stream.codec_context.format.name if stream.codec_context.format else "s16",
            layout=layout,
            rate=out_rate,
            frame_size=stream.codec_context.frame_size or None,
        )
        if picture is not None:
            seconds = rows.shape[1] / rate
            for index in range(int(seconds * 5)):
                image = av.VideoFrame.from_ndarray(
                    np.full((48, 64, 3), index * 10 % 255, dtype=np.uint8), format="rgb24"
                )
                image.pts = index
                for packet in picture.encode(image.reformat(format="yuv420p")):
                    container.mux(packet)
            for packet in picture.encode(None):
                container.mux(packet)
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return target
