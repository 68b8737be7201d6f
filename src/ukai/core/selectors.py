"""Reads of the core domain."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ApiToken, AuditEvent, Department, Municipality, Staff, WorkerHeartbeat

_MUNICIPALITY_TTL = 30.0
_municipality_cache: tuple[float, Municipality | None] = (0.0, None)


def municipality_current() -> Municipality | None:
    """The municipality this instance serves (``UKAI_MUNICIPALITY_CODE``).

    Cached for a few seconds per process: every page shows it in the header.
    """
    global _municipality_cache
    now = time.monotonic()
    loaded_at, cached = _municipality_cache
    if cached is not None and now - loaded_at < _MUNICIPALITY_TTL:
        return cached
    found = Municipality.objects.filter(code=settings.UKAI_MUNICIPALITY_CODE).first()
    _municipality_cache = (now, found)
    return found


def municipality_cache_clear() -> None:
    global _municipality_cache
    _municipality_cache = (0.0, None)


def department_list(*, municipality: Municipality) -> QuerySet[Department]:
    return Department.objects.filter(municipality=municipality).select_related("parent")


def department_tree(*, municipality: Municipality) -> list[tuple[Department, list[Department]]]:
    """Return each 部 with its 課, in display order."""
    departments = list(department_list(municipality=municipality))
    roots = [d for d in departments if d.parent_id is None]
    return [(root, [d for d in departments if d.parent_id == root.pk]) for root in roots]


def staff_department_ids(*, staff: Staff) -> set[int]:
    """The departments whose work the staff member may see, children included."""
    own = set(staff.departments.values_list("pk", flat=True))
    children = Department.objects.filter(parent_id__in=own).values_list("pk", flat=True)
    return own | set(children)


def audit_event_search(
    *,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if actor:
        events = events.filter(actor_username__icontains=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events


def worker_heartbeats_live() -> QuerySet[WorkerHeartbeat]:
    stale = timezone.now() - timedelta(seconds=settings.UKAI_WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=stale)


def staff_search(*, query: str = "") -> QuerySet[Staff]:
    staff = Staff.objects.prefetch_related("departments").order_by("username")
    if query:
        staff = staff.filter(
            Q(username__icontains=query)
            | Q(display_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
        )
    return staff


def worker_heartbeat_list() -> QuerySet[WorkerHeartbeat]:
    """Every worker that has ever reported, most recently seen first (live or stale)."""
    return WorkerHeartbeat.objects.order_by("-last_seen_at")


def staff_department_codes(*, staff: Any) -> set[str]:
    """Codes of the departments a member of staff works for (their 課 under a 部 included)."""
    municipality = municipality_current()
    ids = staff_department_ids(staff=staff)
    if municipality is None or not ids:
        return set()
    return set(
        department_list(municipality=municipality).filter(pk__in=ids).values_list("code", flat=True)
    )


def staff_from_api_token(raw: str) -> Staff | None:
    """The active staff member a raw API token belongs to, or ``None``.

    For modules that read the ``Authorization`` header themselves (the open data
    module's CKAN-compatible API); the same rules as ``core.api.TokenAuth``.
    """
    if not raw or len(raw) > 200:
        return None
    found = (
        ApiToken.objects.select_related("staff")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.staff.is_active:
        return None
    now = timezone.now()
    if found.expires_at is not None and found.expires_at <= now:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.staff
