"""Fixtures shared by every Ukai module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ukai.core.testing.browser import browser, browser_context, browser_page

__all__ = ["browser", "browser_context", "browser_page", "fresh_municipality_cache"]


@pytest.fixture(autouse=True)
def fresh_municipality_cache() -> Iterator[None]:
    """Each test starts without the previous test's municipality in the header cache."""
    from ukai.core.selectors import municipality_cache_clear

    municipality_cache_clear()
    yield
    municipality_cache_clear()
