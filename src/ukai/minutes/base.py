"""What a speech recognition engine returns, and the base class engines implement.

Pure Python (no Django models): the command, the bench and the background task share it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ukai.core.plugins import Plugin

# progress(seconds of audio done, seconds in total)
ProgressCallback = Callable[[float, float], None]


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0

    @property
    def probability(self) -> float:
        """Mean word probability (1.0 for a segment without word timings)."""
        if not self.words:
            return 1.0
        return sum(word.probability for word in self.words) / len(self.words)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [asdict(word) for word in self.words]
        data["probability"] = round(self.probability, 4)
        return data


@dataclass
class Transcript:
    segments: list[Segment]
    duration: float
    language: str
    language_probability: float
    engine: str
    model: str
    elapsed: float = 0.0
    # Codes of things a person should know (silence, another language …), see messages.py.
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments).strip()

    @property
    def real_time_factor(self) -> float:
        return self.elapsed / self.duration if self.duration else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "model": self.model,
            "language": self.language,
            "language_probability": round(self.language_probability, 4),
            "duration": round(self.duration, 3),
            "elapsed": round(self.elapsed, 3),
            "real_time_factor": round(self.real_time_factor, 4),
            "warnings": list(self.warnings),
            "text": self.text,
            "segments": [segment.as_dict() for segment in self.segments],
        }


class AsrEngine(Plugin):
    """A speech recognition engine. ``transcribe`` reads a checked audio file."""

    def transcribe(
        self,
        path: Path,
        *,
        language: str = "ja",
        start_at: float = 0.0,
        progress: ProgressCallback | None = None,
        on_segments: Callable[[list[Segment], float], None] | None = None,
        duration: float | None = None,
    ) -> Transcript:
        """Recognise ``path`` from ``start_at`` seconds on.

        ``on_segments(segments, done_until)`` receives each finished chunk so that a
        caller can keep partial results and resume after a failure.
        """
        raise NotImplementedError
