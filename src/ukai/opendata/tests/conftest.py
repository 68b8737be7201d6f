"""Fixtures of the open data tests: the Gifu catalog, a publisher with an API token."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ukai.opendata import services
from ukai.opendata.models import Organization
from ukai.opendata.selectors import search_index_clear


@pytest.fixture(autouse=True)
def fresh_search_index() -> Any:
    """Each test searches its own catalog, not a previous test's cached index."""
    search_index_clear()
    yield
    search_index_clear()


def make_staff(username: str, *, role: str = "department") -> Any:
    return get_user_model().objects.create_user(
        username=username, password="correct horse battery staple", role=role
    )


def make_token(staff: Any) -> str:
    out = io.StringIO()
    call_command("ukai_token", staff.get_username(), "opendata tests", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def catalog(db: Any) -> Organization:
    services.organizations_ensure_gifu()
    services.groups_ensure_default()
    return Organization.objects.get(lgcode="212016")


@pytest.fixture
def publisher(catalog: Organization) -> Any:
    staff = make_staff("od-publisher")
    services.publisher_set(staff=staff, organization=catalog, role="editor")
    return staff


@pytest.fixture
def token(publisher: Any) -> str:
    return make_token(publisher)


def dataset_data(name: str = "test-aed", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name,
        "title": "AED設置箇所一覧（テスト）",
        "notes": "市内のAED設置場所です。避難所にも設置しています。",
        "owner_org": "gifu-city",
        "license_id": "CC-BY-4.0",
        "tags": [{"name": "防災"}, {"name": "AED"}],
        "groups": [{"name": "bousai"}],
    }
    data.update(extra)
    return data
