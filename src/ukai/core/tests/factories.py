"""Test data for the core: small functions rather than a factory library."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from ukai.core.models import ApiToken, Department, Municipality, Role, Staff

_counter = itertools.count(1)


def municipality(**fields: Any) -> Municipality:
    defaults = {
        "code": "212016",
        "name": "岐阜市",
        "name_kana": "ギフシ",
        "name_en": "Gifu City",
        "prefecture": "岐阜県",
    }
    defaults.update(fields)
    found, _ = Municipality.objects.get_or_create(code=defaults["code"], defaults=defaults)
    return found


def department(*, parent: Department | None = None, **fields: Any) -> Department:
    n = next(_counter)
    city = fields.pop("municipality", None) or (parent.municipality if parent else municipality())
    defaults = {
        "code": f"dept-{n}",
        "name": f"テスト課{n}",
        "kind": Department.Kind.KA if parent else Department.Kind.BU,
    }
    defaults.update(fields)
    return Department.objects.create(municipality=city, parent=parent, **defaults)


def staff(
    *, role: str = Role.DEPARTMENT, departments: Sequence[Department] = (), **fields: Any
) -> Staff:
    n = next(_counter)
    member = Staff.objects.create(
        username=fields.pop("username", f"staff{n}"),
        role=role,
        display_name=fields.pop("display_name", f"職員 {n}"),
        **fields,
    )
    member.set_password("correct horse battery staple")
    member.save()
    member.departments.set(departments)
    return member


def api_token(*, owner: Staff, raw: str | None = None) -> str:
    raw = raw or f"ukai_test_token_{next(_counter):04d}_xxxxxxxxxxxxxxxx"
    ApiToken.objects.create(
        staff=owner, name="test", prefix=raw[:12], digest=ApiToken.digest_of(raw)
    )
    return raw
