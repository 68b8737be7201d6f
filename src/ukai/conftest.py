"""Fixtures shared by every Ukai module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from ukai.core.testing.browser import browser, browser_context, browser_page

__all__ = [
    "browser",
    "browser_context",
    "browser_page",
    "default_language",
    "fresh_municipality_cache",
]

# Property tests check behaviour, not speed: on a busy 2-core CI machine a
# per-example deadline only produces flaky failures.
settings.register_profile("ukai", deadline=None)
settings.load_profile("ukai")


@pytest.fixture(autouse=True)
def fresh_municipality_cache() -> Iterator[None]:
    """Each test starts without the previous test's municipality in the header cache."""
    from ukai.core.selectors import municipality_cache_clear

    municipality_cache_clear()
    yield
    municipality_cache_clear()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in Japanese: a request in English (LocaleMiddleware) leaves its language
    active in the thread, which made later tests' labels English depending on the order."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
