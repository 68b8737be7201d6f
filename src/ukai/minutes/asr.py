"""Speech recognition for the minutes: check the file, pick the engine, transcribe.

Settings: ``UKAI_ENGINES["asr"]`` (ordered engines with options, default faster-whisper),
``UKAI_MINUTES_WHISPER_MODEL`` (a folder with a stronger CTranslate2 Whisper model),
``UKAI_MINUTES_ASR_THREADS``, ``UKAI_MINUTES_MAX_UPLOAD_BYTES``, ``UKAI_MINUTES_MAX_SECONDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from ukai.core.plugins import NoEngineAvailable, PluginConfigError

from . import errors
from .audio import AudioInfo, audio_probe
from .base import AsrEngine, ProgressCallback, Segment, Transcript
from .contrib import faster_whisper  # noqa: F401  (registers the engine)
from .registry import asr_registry


def _engine_options(identifier: str, options: dict[str, Any]) -> dict[str, Any]:
    merged = dict(options)
    if identifier == "faster-whisper":
        merged.setdefault("model_path", getattr(settings, "UKAI_MINUTES_WHISPER_MODEL", ""))
        merged.setdefault("data_dir", settings.DATA_DIR)
        merged.setdefault("cpu_threads", getattr(settings, "UKAI_MINUTES_ASR_THREADS", 2))
    return merged


def asr_engines(*, model_path: str = "") -> list[AsrEngine]:
    """The configured engines in order; ``model_path`` forces faster-whisper with that model."""
    if model_path:
        return [
            asr_registry.create(
                "faster-whisper", **_engine_options("faster-whisper", {"model_path": model_path})
            )
        ]
    return [
        asr_registry.create(
            str(entry["engine"]),
            **_engine_options(str(entry["engine"]), dict(entry.get("options", {}))),
        )
        for entry in asr_registry.configuration()
    ]


def asr_engine(*, model_path: str = "") -> AsrEngine:
    """The first configured engine whose model is in place (raises UkaiError if none is)."""
    problems = []
    for engine in asr_engines(model_path=model_path):
        try:
            engine.check_config()
        except PluginConfigError as error:
            problems.append(f"{engine.identifier}: {error}")
            continue
        return engine
    raise errors.engine_unavailable("; ".join(problems) or "none configured")


def recording_check(path: Path) -> AudioInfo:
    """Probe ``path`` against the size and length limits (raises UkaiError)."""
    return audio_probe(
        path,
        max_bytes=settings.UKAI_MINUTES_MAX_UPLOAD_BYTES,
        max_seconds=settings.UKAI_MINUTES_MAX_SECONDS,
    )


def recording_transcribe(
    path: Path,
    *,
    model_path: str = "",
    language: str = "ja",
    start_at: float = 0.0,
    progress: ProgressCallback | None = None,
    on_segments: Callable[[list[Segment], float], None] | None = None,
) -> Transcript:
    """Check and transcribe one recording with the configured engine."""
    info = recording_check(path)
    engine = asr_engine(model_path=model_path)
    try:
        return engine.transcribe(
            path,
            language=language,
            start_at=start_at,
            progress=progress,
            on_segments=on_segments,
            duration=info.duration,
        )
    except (PluginConfigError, NoEngineAvailable) as error:
        raise errors.engine_unavailable(str(error)) from error
