"""The speech recognition engines (see ``contrib/``); settings choose them in ``UKAI_ENGINES["asr"]``."""

from __future__ import annotations

from ukai.core.plugins import Registry

from .base import AsrEngine

asr_registry: Registry[AsrEngine] = Registry("asr")
