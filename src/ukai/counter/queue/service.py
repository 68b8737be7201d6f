"""The queue's public API for the rest of Ukai (the counter module above all).

Functions take keyword arguments and return frozen records, never model
instances. Errors are ``UkaiError`` with a code and Japanese and English messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import selectors, services
from .categories import Category, category_list, first_department_code
from .records import DeskRecord, SegmentRecord, TicketRecord

__all__ = [
    "Category",
    "DeskRecord",
    "SegmentRecord",
    "TicketRecord",
    "category_list",
    "desk_create",
    "desks_for",
    "first_department_code",
    "service_end",
    "service_start",
    "ticket_get",
    "ticket_issue",
    "ticket_route",
    "ticket_times",
]


def _record(ticket_id: int) -> TicketRecord:
    return selectors.ticket_record(selectors.ticket_get(ticket_id=ticket_id))


def ticket_issue(
    *,
    category: str,
    category_label: str,
    department_code: str,
    staff: Any | None = None,
) -> TicketRecord:
    """Issue the next numbered ticket of the day, waiting for ``department_code``.

    ``category`` is a code such as a life event (``moving_in``); its prefix letter
    starts the number (codes the queue does not know share the prefix of ``other``).
    Raises ``no_desk_for_department`` when the department has no desk in use.
    """
    ticket = services.ticket_issue(
        category=category,
        category_label=category_label,
        department_code=department_code,
        staff=staff,
    )
    return _record(ticket.pk)


def ticket_get(*, ticket_id: int) -> TicketRecord:
    """A ticket with its segments; ``UkaiError`` code ``ticket_not_found`` if unknown."""
    return _record(ticket_id)


def ticket_route(*, ticket_id: int, department_code: str, staff: Any) -> TicketRecord:
    """Send the resident on to another department's counter (a new waiting segment)."""
    services.ticket_route(ticket_id=ticket_id, department_code=department_code, staff=staff)
    return _record(ticket_id)


def service_start(*, ticket_id: int, desk_id: int, staff: Any) -> TicketRecord:
    """Start serving the ticket at the desk (it may be waiting or already called)."""
    services.ticket_start(ticket_id=ticket_id, desk_id=desk_id, staff=staff)
    return _record(ticket_id)


def service_end(*, ticket_id: int, staff: Any) -> TicketRecord:
    """End the service of the ticket being served."""
    services.ticket_end(ticket_id=ticket_id, staff=staff)
    return _record(ticket_id)


def ticket_times(*, start: datetime, end: datetime) -> list[TicketRecord]:
    """Tickets issued in ``[start, end)`` with every segment's timestamps (for the KPIs)."""
    return [
        selectors.ticket_record(t) for t in selectors.tickets_issued_between(start=start, end=end)
    ]


def desks_for(*, department_codes: set[str]) -> list[DeskRecord]:
    """The desks in use for these departments, in board order."""
    return [
        selectors.desk_record(d) for d in selectors.desks_for(department_codes=department_codes)
    ]


def desk_create(
    *, label: str, number: str, department_code: str, label_en: str = "", sort_order: int = 0
) -> DeskRecord:
    """Register a counter position (for seeds and tests of other modules)."""
    desk = services.desk_create(
        label=label,
        number=number,
        department_code=department_code,
        label_en=label_en,
        sort_order=sort_order,
    )
    return selectors.desk_record(desk)
