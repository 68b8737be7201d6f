"""Reads: resident search on the stored, indexed search keys (never a full scan)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Collate

from .csv_format import HEAD_OF_HOUSEHOLD
from .keys import PREFIX_TOP, address_key, is_kana_query, kana_key, name_key
from .models import Household, Resident, ResidentStatus


def _key(field: str) -> Any:
    # Prefix search is a range on the key. SQLite compares text by code point; on
    # PostgreSQL the column's collation may not, so the key is compared (and indexed,
    # see the migration) with COLLATE "C", which orders UTF-8 by code point too.
    if connection.vendor == "postgresql":
        return Collate(F(field), "C")
    return F(field)


def sort_alias(field: str) -> str:
    return field.replace("__", "_") + "_sort"


def _with_prefix(queryset: QuerySet[Any], field: str, key: str) -> QuerySet[Any]:
    alias = sort_alias(field)
    ranged: QuerySet[Any] = queryset.alias(**{alias: _key(field)}).filter(
        **{f"{alias}__gte": key, f"{alias}__lt": key + PREFIX_TOP}
    )
    return ranged


def resident_search_queryset(
    *,
    text: str = "",
    birth_date: date | None = None,
    address: str = "",
    include_inactive: bool = False,
) -> QuerySet[Resident]:
    """Residents whose name or reading starts with ``text``, born on ``birth_date``, living at ``address``…

    ``text`` in kana only searches the reading (フリガナ); anything else searches
    the written name with variant kanji folded (高橋 finds 髙橋). ``address`` is
    a prefix of 町字＋番地 (「長良」, 「岐阜市司町40」). Criteria combine with AND;
    with no criterion the result is empty.
    """
    residents: QuerySet[Resident] = Resident.objects.select_related("household")
    criteria = Q()
    order: list[Any] = ["kana_key", "pk"]
    searched = False
    if text.strip():
        searched = True
        field, key = (
            ("kana_key", kana_key(text)) if is_kana_query(text) else ("name_key", name_key(text))
        )
        residents = _with_prefix(residents, field, key)
        # Ordered along the same index, so the first page needs no sort of every hit.
        order = [sort_alias(field), "pk"]
    if birth_date is not None:
        searched = True
        criteria &= Q(birth_date=birth_date)
    key = address_key(address) if address.strip() else ""
    if key:
        searched = True
        # A join, not IN (subquery): the planner starts from the household key range.
        residents = _with_prefix(residents, "household__address_key", key)
        if not text.strip():
            order = [sort_alias("household__address_key"), "household_id", "pk"]
    if not searched:
        return residents.none()
    if not include_inactive:
        criteria &= Q(status=ResidentStatus.ACTIVE)
    return residents.filter(criteria).order_by(*order)


def resident_get(*, person_id: str) -> Resident | None:
    return Resident.objects.select_related("household").filter(person_id=person_id).first()


def household_get(*, household_number: str) -> Household | None:
    return Household.objects.filter(household_number=household_number).first()


def household_members(*, household: Household) -> QuerySet[Resident]:
    """Members: current ones first, the head of household first, then by date of birth."""
    return household.members.order_by(
        Case(When(status=ResidentStatus.ACTIVE, then=0), default=1),
        Case(When(relationship=HEAD_OF_HOUSEHOLD, then=0), default=1),
        "birth_date",
        "pk",
    )
