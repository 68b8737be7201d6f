"""Reading recordings: check a file before it is accepted, and decode it in chunks.

PyAV (a dependency of faster-whisper, with FFmpeg's libraries in its wheel) reads WAV,
MP3, M4A/AAC, MP4/MOV video, OGG/Opus and FLAC, so no ``ffmpeg`` program is needed.
Decoding in chunks keeps memory flat for long recordings (a 6-hour sitting would be
1.4 GB as one float32 array).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from . import errors

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class AudioInfo:
    duration: float
    size: int
    format_name: str
    codec: str
    has_video: bool
    channels: int = 1


def _duration_of(container: av.container.InputContainer, stream: av.audio.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    # No duration in the headers (some raw streams): decode to count the samples.
    samples = 0
    rate = stream.rate or SAMPLE_RATE
    for frame in container.decode(stream):
        samples += frame.samples
    return samples / rate


def audio_duration(path: Path) -> float:
    """The recording's length in seconds (0.0 if it cannot be read)."""
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                return 0.0
            return _duration_of(container, container.streams.audio[0])
    except av.error.FFmpegError:
        return 0.0


def audio_probe(path: Path, *, max_bytes: int, max_seconds: float) -> AudioInfo:
    """Check that ``path`` is a readable recording within the limits; raise UkaiError if not."""
    size = path.stat().st_size
    if size == 0:
        raise errors.audio_empty()
    if size > max_bytes:
        raise errors.audio_too_big(size=size, limit=max_bytes)
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise errors.audio_no_sound_track()
            stream = container.streams.audio[0]
            duration = _duration_of(container, stream)
            info = AudioInfo(
                duration=duration,
                size=size,
                format_name=container.format.name,
                codec=stream.codec_context.name,
                has_video=bool(container.streams.video),
                channels=stream.codec_context.layout.nb_channels or 1,
            )
            # Decode the first frames: a file with a valid header but garbage after it fails here.
            container.seek(0)
            decoded = 0
            for frame in container.decode(stream):
                decoded += frame.samples
                if decoded >= (stream.rate or SAMPLE_RATE):
                    break
            if decoded == 0:
                raise errors.audio_unreadable()
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, IndexError) as error:
        raise errors.audio_unreadable() from error
    if duration <= 0:
        raise errors.audio_unreadable()
    if duration > max_seconds:
        raise errors.audio_too_long(seconds=duration, limit=max_seconds)
    return info


def _quiet_cut(samples: np.ndarray, around: int, search: int) -> int:
    """The start of the quietest 100 ms within ``search`` samples before ``around``.

    Cutting a chunk there rather than at a fixed sample avoids splitting a word.
    """
    frame = SAMPLE_RATE // 10
    start = max(around - search, frame)
    if around - start < frame:
        return around
    window = samples[start:around].astype(np.float32)
    usable = (len(window) // frame) * frame
    energy = np.square(window[:usable]).reshape(-1, frame).mean(axis=1)
    return start + int(np.argmin(energy)) * frame + frame // 2


def audio_chunks(
    path: Path, *, chunk_seconds: float, start_at: float = 0.0
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(offset_seconds, samples)``: 16 kHz mono float32, about ``chunk_seconds`` each.

    Each chunk ends at the quietest moment of its last seconds, and a short remainder is
    joined to the last chunk (Whisper invents text for a lone fragment). Samples before
    ``start_at`` are decoded and dropped (resuming after a failure). A damaged stream
    raises ``UkaiError`` (audio_damaged) after the good chunks were yielded.
    """
    chunk_size = int(chunk_seconds * SAMPLE_RATE)
    tail = min(5 * SAMPLE_RATE, chunk_size // 2)
    search = min(5 * SAMPLE_RATE, chunk_size // 3)
    skip = int(start_at * SAMPLE_RATE)
    position = 0  # samples seen so far (including skipped ones)
    pending: list[np.ndarray] = []
    pending_size = 0
    offset = start_at
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler keep its own clock
                for resampled in resampler.resample(frame):
                    samples = resampled.to_ndarray().reshape(-1)
                    if position + len(samples) <= skip:
                        position += len(samples)
                        continue
                    if position < skip:
                        samples = samples[skip - position :]
                        position = skip
                    position += len(samples)
                    pending.append(samples)
                    pending_size += len(samples)
                    if pending_size >= chunk_size + tail:
                        joined = np.concatenate(pending)
                        cut = _quiet_cut(joined, chunk_size, search)
                        yield offset, joined[:cut].astype(np.float32) / 32768.0
                        rest = joined[cut:]
                        pending, pending_size = [rest], len(rest)
                        offset += cut / SAMPLE_RATE
            for resampled in resampler.resample(None):
                pending.append(resampled.to_ndarray().reshape(-1))
                pending_size += pending[-1].shape[0]
    except av.error.FFmpegError as error:
        if pending_size:
            yield offset, np.concatenate(pending).astype(np.float32) / 32768.0
            offset += pending_size / SAMPLE_RATE
        raise errors.audio_damaged_at(seconds=offset) from error
    if pending_size:
        yield offset, np.concatenate(pending).astype(np.float32) / 32768.0
