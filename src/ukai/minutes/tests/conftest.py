"""Fixtures of the minutes tests: the speech fixtures and their texts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .audio_files import FIXTURES


@pytest.fixture(scope="session")
def speech() -> list[dict[str, Any]]:
    """The Japanese speech fixtures: ``file`` (a Path) and ``text`` (what is said)."""
    items = json.loads((FIXTURES / "speech.json").read_text(encoding="utf-8"))
    return [{**item, "file": FIXTURES / item["file"]} for item in items]
