"""Fixtures of the procedures tests: the seeded Gifu City catalog."""

from __future__ import annotations

from typing import Any

import pytest

from ukai.procedures.seed import procedures_seed


@pytest.fixture
def catalog(db: Any) -> Any:
    return procedures_seed()
