"""faster-whisper (CTranslate2) with the Whisper base model, or a stronger one by path."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from faster_whisper import WhisperModel

from ukai.core.plugins import PluginConfigError

from ..audio import SAMPLE_RATE, audio_chunks, audio_duration
from ..base import AsrEngine, ProgressCallback, Segment, Transcript, Word
from ..model_store import whisper_base_assemble
from ..registry import asr_registry

# Loaded models by (folder, compute type, threads): a worker loads each once.
_models: dict[tuple[str, str, int], WhisperModel] = {}
_models_lock = threading.Lock()
# Detecting another language: how sure Whisper must be before we switch away from Japanese.
OTHER_LANGUAGE_PROBABILITY = 0.8


@asr_registry.register("faster-whisper")
class FasterWhisperEngine(AsrEngine):
    """Options: ``model_path`` (a CTranslate2 Whisper folder; empty = the bundled base model),
    ``data_dir`` (where the base model is assembled), ``compute_type`` (int8),
    ``cpu_threads``, ``beam_size``, ``chunk_seconds``."""

    verbose_name = "faster-whisper（Whisper）"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.model_path = str(options.get("model_path") or "")
        self.data_dir = Path(options.get("data_dir") or ".")
        self.compute_type = str(options.get("compute_type", "int8"))
        self.cpu_threads = int(options.get("cpu_threads", 2))
        self.beam_size = int(options.get("beam_size", 5))
        self.chunk_seconds = float(options.get("chunk_seconds", 600))

    @property
    def model_name(self) -> str:
        return Path(self.model_path).name if self.model_path else "whisper-base"

    def model_folder(self) -> Path:
        if self.model_path:
            folder = Path(self.model_path)
            if not (folder / "model.bin").is_file() or not (folder / "config.json").is_file():
                raise PluginConfigError(
                    f"設定された音声認識モデルのフォルダーに model.bin または config.json がありません（{folder}）。"
                    f" / The configured speech model folder has no model.bin or config.json ({folder})."
                )
            return folder
        return whisper_base_assemble(self.data_dir / "models" / "whisper-base")

    def check_config(self) -> None:
        self.model_folder()

    def model(self) -> WhisperModel:
        folder = self.model_folder()
        key = (str(folder), self.compute_type, self.cpu_threads)
        with _models_lock:
            if key not in _models:
                try:
                    _models[key] = WhisperModel(
                        str(folder),
                        device="cpu",
                        compute_type=self.compute_type,
                        cpu_threads=self.cpu_threads,
                        local_files_only=True,
                    )
                except (RuntimeError, ValueError, OSError) as error:
                    raise PluginConfigError(
                        f"音声認識モデルを読み込めません（{folder}）。 / "
                        f"The speech model cannot be loaded ({folder}): {error}"
                    ) from error
            return _models[key]

    def _language(self, model: WhisperModel, samples: np.ndarray, wanted: str) -> tuple[str, float]:
        detected, probability, _ = model.detect_language(
            audio=samples[: 30 * SAMPLE_RATE], vad_filter=True
        )
        if detected != wanted and probability >= OTHER_LANGUAGE_PROBABILITY:
            return detected, probability
        return wanted, probability if detected == wanted else 1.0 - probability

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
        model = self.model()
        began = time.perf_counter()
        segments: list[Segment] = []
        chosen, probability = language, 1.0
        total = duration if duration is not None else audio_duration(path)
        done_until = start_at
        warnings: list[str] = []
        first = True
        for offset, samples in audio_chunks(
            path, chunk_seconds=self.chunk_seconds, start_at=start_at
        ):
            chunk_length = len(samples) / SAMPLE_RATE
            if first:
                chosen, probability = self._language(model, samples, language)
                if chosen != language:
                    warnings.append(f"other_language:{chosen}")
                first = False
            pieces, _info = model.transcribe(
                samples,
                language=chosen,
                beam_size=self.beam_size,
                vad_filter=True,
                word_timestamps=True,
                condition_on_previous_text=False,
            )
            chunk_segments: list[Segment] = []
            for piece in pieces:
                words = tuple(
                    Word(
                        start=round(offset + float(word.start), 3),
                        end=round(offset + float(word.end), 3),
                        text=word.word,
                        probability=round(float(word.probability), 4),
                    )
                    for word in piece.words or ()
                )
                text = piece.text.strip()
                if not text:
                    continue
                chunk_segments.append(
                    Segment(
                        start=round(offset + float(piece.start), 3),
                        end=round(offset + float(piece.end), 3),
                        text=text,
                        words=words,
                        avg_logprob=round(float(piece.avg_logprob), 4),
                        no_speech_prob=round(float(piece.no_speech_prob), 4),
                    )
                )
                if progress is not None:
                    progress(offset + float(piece.end), max(total, offset + chunk_length))
            done_until = offset + chunk_length
            segments.extend(chunk_segments)
            if on_segments is not None:
                on_segments(chunk_segments, done_until)
            if progress is not None:
                progress(done_until, max(total, done_until))
        if progress is not None:
            progress(max(total, done_until), max(total, done_until))
        if not segments and start_at == 0.0:
            warnings.append("no_speech")
        return Transcript(
            segments=segments,
            duration=max(total, done_until),
            language=chosen,
            language_probability=probability,
            engine=self.identifier,
            model=self.model_name,
            elapsed=time.perf_counter() - began,
            warnings=warnings,
        )
