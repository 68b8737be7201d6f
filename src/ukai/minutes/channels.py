"""Speaker suggestions from a multi-channel recording (no Django; ADR 0095).

Council chambers and many meeting rooms record each microphone (or group of microphones)
on its own channel. The channel that carries clearly more energy during a segment is the
speaker's microphone; the editor maps channels to attendees once per meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np

from . import errors

BLOCK_SECONDS = 0.1
# The loudest channel must carry at least this many times the energy of the next one
# (2.0 = 3 dB) for a suggestion; otherwise (cross-talk, a shared microphone) none is made.
MIN_RATIO = 2.0


def channel_blocks(path: Path, *, block_seconds: float = BLOCK_SECONDS) -> np.ndarray:
    """Mean energy per channel in blocks of ``block_seconds``: shape ``(blocks, channels)``.

    Decoded frame by frame, so memory grows with the number of blocks only (a 6-hour
    recording is 216,000 blocks).
    """
    blocks: list[np.ndarray] = []
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            rate = stream.rate or 16_000
            channels = stream.codec_context.layout.nb_channels or 1
            resampler = av.AudioResampler(format="fltp", layout=stream.layout, rate=rate)
            size = max(int(rate * block_seconds), 1)
            pending = np.zeros((channels, 0), dtype=np.float32)
            for frame in container.decode(stream):
                frame.pts = None
                for resampled in resampler.resample(frame):
                    samples = resampled.to_ndarray().reshape(channels, -1)
                    pending = np.concatenate([pending, samples], axis=1)
                    whole = pending.shape[1] // size
                    if whole:
                        cut = pending[:, : whole * size].reshape(channels, whole, size)
                        blocks.append(np.square(cut).mean(axis=2).T)
                        pending = pending[:, whole * size :]
            if pending.shape[1]:
                blocks.append(np.square(pending).mean(axis=1).reshape(1, channels))
    except (av.error.FFmpegError, IndexError, ValueError) as error:
        raise errors.audio_unreadable() from error
    if not blocks:
        return np.zeros((0, 1), dtype=np.float32)
    return np.concatenate(blocks, axis=0)


def span_energy(
    blocks: np.ndarray, start: float, end: float, *, block_seconds: float = BLOCK_SECONDS
) -> list[float]:
    """Mean energy of each channel between ``start`` and ``end`` seconds."""
    first = max(int(start / block_seconds), 0)
    last = max(int(np.ceil(end / block_seconds)), first + 1)
    window = blocks[first:last]
    if not len(window):
        return [0.0] * blocks.shape[1]
    return [float(value) for value in window.mean(axis=0)]


def dominant_channel(energy: Sequence[float], *, min_ratio: float = MIN_RATIO) -> int | None:
    """The 1-based channel that carries ``min_ratio`` times more energy than any other."""
    if len(energy) < 2:
        return None
    order = sorted(range(len(energy)), key=lambda i: energy[i], reverse=True)
    best, second = energy[order[0]], energy[order[1]]
    if best <= 0 or best < second * min_ratio:
        return None
    return order[0] + 1
