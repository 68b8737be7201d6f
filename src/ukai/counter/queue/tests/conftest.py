"""Fixtures of the queue's tests: desks, staff, signed-in clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ukai.core.testing.staff import staff_client_login
from ukai.counter.queue import services
from ukai.counter.queue.models import Desk


@pytest.fixture
def desks(db: Any) -> dict[str, Desk]:
    """総合窓口 1 and 2 (市民課), 子ども支援課 6, and a closed desk 9."""
    made = {
        "1": services.desk_create(label="総合窓口 1番", number="1", department_code="shimin"),
        "2": services.desk_create(label="総合窓口 2番", number="2", department_code="shimin"),
        "6": services.desk_create(
            label="子ども支援 6番", number="6", department_code="kodomo-shien"
        ),
        "9": services.desk_create(
            label="総合窓口 9番", number="9", department_code="shimin", is_active=False
        ),
    }
    return made


@pytest.fixture
def make_staff(db: Any) -> Any:
    def make(role: str = "counter", username: str | None = None) -> Any:
        return get_user_model().objects.create_user(
            username=username or f"{role}-user", password="x-unused-1", role=role
        )

    return make


@pytest.fixture
def staff(make_staff: Any) -> Any:
    return make_staff("counter")


@pytest.fixture
def staff_client(make_staff: Any) -> Any:
    def make(role: str) -> Client:
        client = Client()
        staff_client_login(client, make_staff(role))
        return client

    return make


@pytest.fixture(autouse=True)
def _japanese() -> Any:
    """Messages are asserted in Japanese, whatever language an earlier test left active."""
    from django.utils import translation

    with translation.override("ja"):
        yield
