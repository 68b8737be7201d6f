"""The Gifu City demo data set: the municipality, its departments and demo staff.

Loading is idempotent: every row is found by its natural key and updated, so
running ``manage.py ukai_demo`` twice adds nothing. No real personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Department, Municipality, Role, Staff
from .selectors import municipality_cache_clear

DEMO_PASSWORD = "ukai-demo-2026"  # noqa: S105 - printed by make run; demo data only
# The demo administrator's TOTP secret (RFC 6238), so that the second factor
# can be tried with any authenticator app. Never used outside the demo data.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


@dataclass(frozen=True)
class DemoSummary:
    municipality: Municipality
    departments: int
    staff: list[Staff]


def _demo_data() -> dict[str, Any]:
    text = resources.files("ukai.core").joinpath("fixtures/demo_gifu_city.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@transaction.atomic
def demo_load() -> DemoSummary:
    """Create or update the Gifu City demo data."""
    data = _demo_data()
    municipality, _ = Municipality.objects.update_or_create(
        code=data["municipality"]["code"], defaults=data["municipality"]
    )
    municipality.full_clean()
    count = 0
    for order, root in enumerate(data["departments"]):
        children = root.get("children", [])
        fields = {k: v for k, v in root.items() if k not in ("children", "code")}
        parent, _ = Department.objects.update_or_create(
            municipality=municipality,
            code=root["code"],
            defaults={
                **fields,
                "kind": Department.Kind.BU,
                "parent": None,
                "sort_order": (order + 1) * 100,
            },
        )
        count += 1
        for child_order, child in enumerate(children):
            child_fields = {k: v for k, v in child.items() if k != "code"}
            Department.objects.update_or_create(
                municipality=municipality,
                code=child["code"],
                defaults={
                    **child_fields,
                    "kind": Department.Kind.KA,
                    "parent": parent,
                    "phone": child.get("phone", municipality.phone),
                    "sort_order": (order + 1) * 100 + child_order + 1,
                },
            )
            count += 1

    staff_members = []
    for entry in data["staff"]:
        fields = {k: v for k, v in entry.items() if k not in ("username", "departments")}
        staff, created = Staff.objects.update_or_create(
            username=entry["username"],
            defaults={**fields, "email": f"{entry['username']}@demo.ukai.invalid"},
        )
        if created or not staff.has_usable_password():
            staff.set_password(DEMO_PASSWORD)
        staff.is_staff = entry["role"] == Role.ADMIN
        staff.is_superuser = entry["role"] == Role.ADMIN
        staff.save()
        staff.departments.set(
            Department.objects.filter(municipality=municipality, code__in=entry["departments"])
        )
        if staff.requires_second_factor:
            TOTPDevice.objects.update_or_create(
                user=staff,
                name="デモ用認証アプリ",
                defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True},
            )
        staff_members.append(staff)
    municipality_cache_clear()
    return DemoSummary(municipality=municipality, departments=count, staff=staff_members)
