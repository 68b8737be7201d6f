"""Fixtures of the minutes tests: the speech fixtures and their texts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from .audio_files import FIXTURES


@pytest.fixture(scope="session")
def speech() -> list[dict[str, Any]]:
    """The Japanese speech fixtures: ``file`` (a Path) and ``text`` (what is said)."""
    items = json.loads((FIXTURES / "speech.json").read_text(encoding="utf-8"))
    return [{**item, "file": FIXTURES / item["file"]} for item in items]


def department_of(staff: Any, code: str, *, parent: str = "") -> Any:
    """Put ``staff`` in department ``code`` (created with the municipality if missing).

    Reached through the staff model's relation: the minutes module may not import the
    core's models (import-linter).
    """
    department_model: Any = staff.departments.model
    municipality_model: Any = department_model._meta.get_field("municipality").related_model
    municipality, _ = municipality_model.objects.get_or_create(
        code=django_settings.UKAI_MUNICIPALITY_CODE,
        defaults={"name": "岐阜市", "name_kana": "ギフシ", "prefecture": "岐阜県"},
    )
    parent_row = None
    if parent:
        parent_row, _ = department_model.objects.get_or_create(
            municipality=municipality, code=parent, defaults={"name": parent, "kind": "bu"}
        )
    department, _ = department_model.objects.get_or_create(
        municipality=municipality,
        code=code,
        defaults={"name": code, "kind": "ka" if parent else "bu", "parent": parent_row},
    )
    return department


def staff_member(username: str, *departments: str) -> Any:
    """A department-role staff member in ``departments`` (codes of existing or new 課)."""
    staff = get_user_model().objects.create_user(
        username=username, password="x" * 20, role="department"
    )
    staff.departments.set([department_of(staff, code) for code in departments])
    return staff
