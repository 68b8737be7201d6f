"""Fixtures of the chatbot's tests: the real encoder (loaded once) and the seed."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

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


@pytest.fixture
def inquiry_form(db: None) -> None:
    """The procedures module's catalog with its chatbot inquiry form (where hand-offs go)."""
    call_command("procedures_seed", stdout=io.StringIO())


@pytest.fixture(scope="session")
def demo_staff_file(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Gifu City's municipality, departments and demo staff as a fixture file, made once.

    ``ukai_demo`` also runs every module's seed (seconds each time); the chatbot's
    tests need only the people, so it runs once, in a transaction that is rolled back.
    """
    path = tmp_path_factory.mktemp("chatbot") / "demo-staff.json"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("ukai_demo", verbosity=0, stdout=io.StringIO())
        call_command(
            "dumpdata",
            "core.Municipality",
            "core.Department",
            "core.Staff",
            output=str(path),
            verbosity=0,
        )
        transaction.set_rollback(True)
    return path


@pytest.fixture
def demo(db: None, demo_staff_file: Path) -> None:
    """Gifu City's departments and demo staff (without the demo's FAQs: tests make their own)."""
    call_command("loaddata", str(demo_staff_file), verbosity=0)
