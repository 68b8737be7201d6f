"""Reads of the queue: desks, today's tickets, the board, ticket times for the KPIs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ukai.core.service import department_list, municipality_current

from . import errors
from .models import Desk, Status, Ticket, TicketSegment
from .records import DeskRecord, SegmentRecord, TicketRecord

# The board shows at most this many numbers in each list (a large screen has room for so many).
BOARD_CALLED_LIMIT = 8
BOARD_WAITING_LIMIT = 60


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def segment_record(segment: TicketSegment) -> SegmentRecord:
    return SegmentRecord(
        department_code=segment.department_code,
        desk_label=segment.desk.label if segment.desk is not None else "",
        status=segment.status,
        queued_at=segment.queued_at,
        called_at=segment.called_at,
        started_at=segment.started_at,
        ended_at=segment.ended_at,
        recall_count=segment.recall_count,
        waiting_seconds=_seconds(segment.queued_at, segment.called_at),
        handling_seconds=_seconds(segment.started_at, segment.ended_at),
        desk_id=segment.desk_id,
    )


def ticket_record(ticket: Ticket) -> TicketRecord:
    segments = sorted(ticket.segments.all(), key=lambda s: s.position)
    return TicketRecord(
        id=ticket.pk,
        number=ticket.number,
        category=ticket.category,
        category_label=ticket.category_label,
        status=ticket.status,
        status_label=str(Status(ticket.status).label),
        issued_at=ticket.issued_at,
        segments=tuple(segment_record(s) for s in segments),
    )


def desk_record(desk: Desk) -> DeskRecord:
    return DeskRecord(
        id=desk.pk,
        label=desk.label,
        label_en=desk.label_en,
        number=desk.number,
        department_code=desk.department_code,
        is_active=desk.is_active,
    )


def _with_segments(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.prefetch_related(
        Prefetch("segments", queryset=TicketSegment.objects.select_related("desk"))
    )


def ticket_get(*, ticket_id: int) -> Ticket:
    ticket = _with_segments(Ticket.objects.filter(pk=ticket_id)).first()
    if ticket is None:
        raise errors.ticket_not_found(ticket_id)
    return ticket


def tickets_issued_between(*, start: datetime, end: datetime) -> list[Ticket]:
    """Tickets issued in ``[start, end)``, oldest first, with their segments."""
    return list(_with_segments(Ticket.objects.filter(issued_at__gte=start, issued_at__lt=end)))


def tickets_of_day(*, day: date) -> list[Ticket]:
    return list(_with_segments(Ticket.objects.filter(day=day)).order_by("issued_at", "pk"))


def desk_list(*, active_only: bool = False) -> QuerySet[Desk]:
    desks = Desk.objects.all()
    return desks.filter(is_active=True) if active_only else desks


def desk_get(*, desk_id: int) -> Desk:
    desk = Desk.objects.filter(pk=desk_id).first()
    if desk is None:
        raise errors.desk_not_found(desk_id)
    return desk


def desks_for(*, department_codes: Iterable[str]) -> list[Desk]:
    return list(Desk.objects.filter(department_code__in=set(department_codes), is_active=True))


def desk_current_segment(*, desk: Desk) -> TicketSegment | None:
    """The ticket the desk is calling or serving now."""
    return (
        TicketSegment.objects.filter(desk=desk, status__in=(Status.CALLED, Status.SERVING))
        .select_related("ticket")
        .first()
    )


def department_waiting(*, department_code: str, day: date) -> list[TicketSegment]:
    """The department's waiting tickets of ``day``, in the order they will be called."""
    return list(
        TicketSegment.objects.queued_on(day)
        .filter(department_code=department_code, status=Status.WAITING)
        .select_related("ticket")
        .order_by("queued_at", "pk")
    )


def department_absent(*, department_code: str, day: date) -> list[TicketSegment]:
    """Tickets of the department called but not come (they can be called again)."""
    return list(
        TicketSegment.objects.queued_on(day)
        .filter(department_code=department_code, status=Status.ABSENT)
        .select_related("ticket", "desk")
        .order_by("last_called_at", "pk")
    )


def department_names() -> dict[str, tuple[str, str]]:
    """Department code → (Japanese name, English name), from the core's departments."""
    municipality = municipality_current()
    if municipality is None:
        return {}
    return {d.code: (d.name, d.name_en) for d in department_list(municipality=municipality)}


def routable_departments() -> list[tuple[str, str, str]]:
    """Departments with a desk in use: (code, Japanese name, English name), in desk order."""
    names = department_names()
    seen: dict[str, tuple[str, str, str]] = {}
    for code in Desk.objects.filter(is_active=True).values_list("department_code", flat=True):
        if code not in seen:
            name, name_en = names.get(code, (code, code))
            seen[code] = (code, name, name_en or name)
    return list(seen.values())


def board_state(
    *, department_codes: set[str] | None = None, day: date | None = None
) -> dict[str, Any]:
    """What the calling board shows: numbers called to desks, numbers waiting. No names.

    Each call has a ``call_id`` that changes when a number is called again, so the
    board announces recalls too. Three small queries whatever the length of the queue.
    """
    day = day or timezone.localdate()
    segments = TicketSegment.objects.queued_on(day)
    if department_codes:
        segments = segments.filter(department_code__in=department_codes)
    called_rows = (
        segments.filter(status=Status.CALLED, desk__isnull=False)
        .order_by("-last_called_at", "-pk")
        .values_list(
            "pk",
            "recall_count",
            "last_called_at",
            "ticket__number",
            "desk__number",
            "desk__label",
            "desk__label_en",
        )[:BOARD_CALLED_LIMIT]
    )
    called = [
        {
            "number": number,
            "desk": desk_number,
            "desk_label": desk_label,
            "desk_label_en": desk_label_en,
            "call_id": f"{pk}-{recalls}",
            "called_at": called_at.isoformat() if called_at else "",
        }
        for pk, recalls, called_at, number, desk_number, desk_label, desk_label_en in called_rows
    ]
    waiting_segments = segments.filter(status=Status.WAITING)
    waiting = [
        {"number": number}
        for number in waiting_segments.order_by("queued_at", "pk").values_list(
            "ticket__number", flat=True
        )[:BOARD_WAITING_LIMIT]
    ]
    return {
        "day": day.isoformat(),
        "called": called,
        "waiting": waiting,
        "waiting_count": waiting_segments.count(),
    }


def board_etag(state: dict[str, Any]) -> str:
    """A strong validator of the board's content: unchanged content, same tag."""
    payload = json.dumps(state, ensure_ascii=False, sort_keys=True).encode()
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'
