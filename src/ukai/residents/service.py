"""The residents module's public API for other modules (the counter to come).

Records come back as plain dataclasses, never model instances, and every call
needs a purpose, which the audit log keeps beside each record read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log

from . import selectors
from .generator import csv_header
from .keys import address_key, kana_key, name_key
from .models import Household, Movement, ReadPurpose, Resident, ResidentStatus

SEARCH_LIMIT_MAX = 200

__all__ = [
    "HouseholdRecord",
    "MovementRecord",
    "ReadPurpose",
    "ResidentRecord",
    "address_key",
    "csv_header",
    "household_of",
    "kana_key",
    "name_key",
    "resident_by_id",
    "resident_search",
]


@dataclass(frozen=True)
class MovementRecord:
    reason: str
    reason_label: str
    occurred_on: date
    notified_on: date | None


@dataclass(frozen=True)
class ResidentRecord:
    person_id: str
    resident_code: str
    household_number: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date
    sex: str
    sex_label: str
    relationship: str
    became_resident_on: date | None
    status: str
    status_label: str
    postal_code: str
    address: str
    movements: tuple[MovementRecord, ...] = ()

    @property
    def name(self) -> str:
        """The name exactly as recorded (variant kanji and IVS kept), 氏 and 名 with a full-width space."""
        return f"{self.family_name}\u3000{self.given_name}".strip()

    @property
    def name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}".strip()

    @property
    def is_active(self) -> bool:
        return self.status == ResidentStatus.ACTIVE

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


@dataclass(frozen=True)
class HouseholdRecord:
    household_number: str
    head_name: str
    postal_code: str
    address: str
    members: tuple[ResidentRecord, ...]


def _purpose_checked(purpose: str) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise UkaiError(
            code="purpose_required",
            message_ja="住民記録を見る目的を選んでください。",
            message_en="Choose the purpose of reading the resident records.",
            field="purpose",
        )
    return purpose[:200]


def _movement(movement: Movement) -> MovementRecord:
    return MovementRecord(
        reason=movement.reason,
        reason_label=str(movement.get_reason_display()),
        occurred_on=movement.occurred_on,
        notified_on=movement.notified_on,
    )


def resident_record(resident: Resident, *, with_movements: bool = False) -> ResidentRecord:
    household = resident.household
    return ResidentRecord(
        person_id=resident.person_id,
        resident_code=resident.resident_code,
        household_number=household.household_number,
        family_name=resident.family_name,
        given_name=resident.given_name,
        family_name_kana=resident.family_name_kana,
        given_name_kana=resident.given_name_kana,
        birth_date=resident.birth_date,
        sex=resident.sex,
        sex_label=str(resident.get_sex_display()),
        relationship=resident.relationship,
        became_resident_on=resident.became_resident_on,
        status=resident.status,
        status_label=str(resident.get_status_display()),
        postal_code=household.postal_code,
        address=household.full_address,
        movements=tuple(_movement(m) for m in resident.movements.all()) if with_movements else (),
    )


def resident_search(
    *,
    purpose: str,
    text: str = "",
    birth_date: date | None = None,
    address: str = "",
    include_inactive: bool = False,
    limit: int = 50,
) -> list[ResidentRecord]:
    """Residents matching all given criteria (see ``selectors.resident_search_queryset``); each one is audited."""
    purpose = _purpose_checked(purpose)
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    residents = list(
        selectors.resident_search_queryset(
            text=text, birth_date=birth_date, address=address, include_inactive=include_inactive
        )[:limit]
    )
    for resident in residents:
        audit_log(action="read", obj=resident, purpose=purpose)
    return [resident_record(r) for r in residents]


def resident_by_id(*, person_id: str, purpose: str) -> ResidentRecord | None:
    """One resident with their 異動履歴, or None if the core system has no such person."""
    purpose = _purpose_checked(purpose)
    resident = selectors.resident_get(person_id=person_id)
    if resident is None:
        return None
    audit_log(action="read", obj=resident, purpose=purpose)
    return resident_record(resident, with_movements=True)


def household_of(*, resident: ResidentRecord, purpose: str) -> HouseholdRecord | None:
    """The resident's household as it is now, with every member (current ones first); all audited.

    None when the core system's latest export no longer has the household.
    """
    purpose = _purpose_checked(purpose)
    household = selectors.household_get(household_number=resident.household_number)
    if household is None:
        return None
    return household_record(household=household, purpose=purpose)


def household_record(*, household: Household, purpose: str) -> HouseholdRecord:
    purpose = _purpose_checked(purpose)
    audit_log(action="read", obj=household, purpose=purpose)
    members = list(selectors.household_members(household=household).select_related("household"))
    for member in members:
        audit_log(action="read", obj=member, purpose=purpose)
    return HouseholdRecord(
        household_number=household.household_number,
        head_name=household.head_name,
        postal_code=household.postal_code,
        address=household.full_address,
        members=tuple(resident_record(m) for m in members),
    )
