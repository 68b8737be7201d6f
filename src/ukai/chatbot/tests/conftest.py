"""Fixtures of the chatbot's tests: the real encoder (loaded once) and the seed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from ukai.chatbot import encoder
from ukai.chatbot.services import faq_seed_load


@pytest.fixture(scope="session")
def real_encoder() -> object:
    """The multilingual encoder, loaded once per test session; the load time is printed."""
    started = time.perf_counter()
    instance = encoder.encoder_get()
    print(f"\nencoder ready in {time.perf_counter() - started:.2f} s")
    return instance


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(db: None, real_encoder: object) -> None:
    result = faq_seed_load()
    assert not result.errors
