"""Demo desks and today's tickets, so that the board is not empty in the demo."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Desk, Ticket

# (label, English label, board number, department code); codes from the core's demo departments.
DEMO_DESKS: tuple[tuple[str, str, str, str], ...] = (
    ("総合窓口 1番", "One-stop counter 1", "1", "shimin"),
    ("総合窓口 2番", "One-stop counter 2", "2", "shimin"),
    ("総合窓口 3番", "One-stop counter 3", "3", "shimin"),
    ("総合窓口 4番", "One-stop counter 4", "4", "shimin"),
    ("国保・年金 5番", "Health insurance and pension 5", "5", "kokuho-nenkin"),
    ("子ども支援 6番", "Child support 6", "6", "kodomo-shien"),
    ("介護保険 7番", "Long-term care insurance 7", "7", "kaigo-hoken"),
    ("市民税 8番", "Municipal tax 8", "8", "shiminzei"),
)
# Categories of today's demo tickets, in issuing order.
DEMO_TICKETS = ("moving_in", "birth", "moving_out", "death", "moving_in", "marriage", "other")


@dataclass(frozen=True)
class SeedSummary:
    desks_created: int
    tickets_created: int


@transaction.atomic
def queue_seed() -> SeedSummary:
    """Create the demo desks (once) and, if today has no tickets yet, a few tickets in motion."""
    created = 0
    for order, (label, label_en, number, department) in enumerate(DEMO_DESKS):
        if not Desk.objects.filter(number=number).exists():
            services.desk_create(
                label=label,
                label_en=label_en,
                number=number,
                department_code=department,
                sort_order=order,
            )
            created += 1
    if Ticket.objects.filter(day=timezone.localdate()).exists():
        return SeedSummary(desks_created=created, tickets_created=0)
    tickets = [services.ticket_issue(category=code) for code in DEMO_TICKETS]
    desks = {d.number: d for d in Desk.objects.filter(number__in=["1", "2", "3", "6"])}
    # A-001 served and sent on to 子ども支援課; D-001 being served; B-001 called; the rest wait.
    services.desk_call_next(desk_id=desks["1"].pk, staff=None)
    services.ticket_start(ticket_id=tickets[0].pk, desk_id=desks["1"].pk, staff=None)
    services.ticket_route(ticket_id=tickets[0].pk, department_code="kodomo-shien", staff=None)
    services.desk_call_next(desk_id=desks["1"].pk, staff=None)
    services.ticket_start(ticket_id=tickets[1].pk, desk_id=desks["1"].pk, staff=None)
    services.desk_call_next(desk_id=desks["2"].pk, staff=None)
    services.desk_call_next(desk_id=desks["6"].pk, staff=None)
    return SeedSummary(desks_created=created, tickets_created=len(tickets))
