"""Reads of the counter: visits, life events and the figures of the counter dashboard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ukai.core.errors import UkaiError

from .models import Baseline, LifeEvent, Visit, VisitStatus
from .queue import service as queue


def life_events_active() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(is_active=True)


def life_event_get(*, code: str) -> LifeEvent | None:
    return LifeEvent.objects.filter(code=code).first()


def visits_open() -> QuerySet[Visit]:
    return Visit.objects.filter(status=VisitStatus.OPEN).select_related("life_event", "started_by")


def visit_get(*, visit_id: int) -> Visit:
    visit = Visit.objects.select_related("life_event").filter(pk=visit_id).first()
    if visit is None:
        raise UkaiError(
            code="visit_not_found",
            message_ja="指定された来庁記録はありません。",
            message_en="No such visit.",
            status=404,
        )
    return visit


@dataclass(frozen=True)
class Times:
    """Minutes a visit's resident waited and was served (from the queue ticket)."""

    wait: float | None
    handling: float | None


def _ticket_minutes(start: datetime, end: datetime) -> dict[int, Times]:
    minutes: dict[int, Times] = {}
    for ticket in queue.ticket_times(start=start - timedelta(days=1), end=end):
        if not ticket.segments:
            continue
        first = ticket.segments[0]
        handled = [s.handling_seconds for s in ticket.segments if s.handling_seconds is not None]
        minutes[ticket.id] = Times(
            wait=first.waiting_seconds / 60 if first.waiting_seconds is not None else None,
            handling=sum(handled) / 60 if handled else None,
        )
    return minutes


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


@dataclass(frozen=True)
class Figures:
    visits: int
    one_counter: int
    median_wait: float | None
    median_handling: float | None
    fields_total: int
    fields_prefilled: int

    @property
    def one_counter_rate(self) -> float | None:
        return round(100.0 * self.one_counter / self.visits, 1) if self.visits else None

    @property
    def prefilled_rate(self) -> float | None:
        return (
            round(100.0 * self.fields_prefilled / self.fields_total, 1)
            if self.fields_total
            else None
        )


def _figures(visits: list[Visit], minutes: dict[int, Times]) -> Figures:
    waits = [t.wait for v in visits if (t := minutes.get(v.ticket_id or 0)) and t.wait is not None]
    handlings = [
        t.handling
        for v in visits
        if (t := minutes.get(v.ticket_id or 0)) and t.handling is not None
    ]
    return Figures(
        visits=len(visits),
        one_counter=sum(1 for v in visits if v.finished_at_one_counter),
        median_wait=round(median(waits), 1) if waits else None,
        median_handling=round(median(handlings), 1) if handlings else None,
        fields_total=sum(v.fields_total for v in visits),
        fields_prefilled=sum(v.fields_prefilled for v in visits),
    )


def visits_finished(*, start: date, end: date) -> list[Visit]:
    return list(
        Visit.objects.filter(
            status=VisitStatus.FINISHED,
            finished_at__gte=_aware(start, time.min),
            finished_at__lte=_aware(end, time.max),
        ).select_related("life_event")
    )


def figures(*, start: date, end: date) -> Figures:
    visits = visits_finished(start=start, end=end)
    return _figures(visits, _ticket_minutes(_aware(start, time.min), _aware(end, time.max)))


@dataclass(frozen=True)
class MonthRow:
    month: str
    life_event: str
    figures: Figures
    baseline: Baseline | None


def monthly(*, start: date, end: date) -> list[MonthRow]:
    """Figures per month and life event (and all events), newest month first."""
    visits = visits_finished(start=start, end=end)
    minutes = _ticket_minutes(_aware(start, time.min), _aware(end, time.max))
    groups: dict[tuple[str, str], list[Visit]] = defaultdict(list)
    for visit in visits:
        assert visit.finished_at is not None
        month = timezone.localtime(visit.finished_at).strftime("%Y-%m")
        groups[(month, visit.life_event.name)].append(visit)
        groups[(month, "")].append(visit)
    baselines = baseline_by_event()
    rows = []
    for (month, event), grouped in sorted(groups.items()):
        event_id = grouped[0].life_event_id if event else None
        rows.append(
            MonthRow(
                month=month,
                life_event=event,
                figures=_figures(grouped, minutes),
                baseline=baselines.get(event_id) or baselines.get(None),
            )
        )
    rows.sort(key=lambda r: r.month, reverse=True)
    return rows


def baseline_by_event() -> dict[int | None, Baseline]:
    """The latest baseline per life event (None: the baseline for all events)."""
    latest: dict[int | None, Baseline] = {}
    for baseline in Baseline.objects.order_by("period_end", "pk"):
        latest[baseline.life_event_id] = baseline
    return latest


def reduction(baseline: Any, current: float | None) -> float | None:
    if baseline is None or current is None or not float(baseline):
        return None
    return round(100.0 * (float(baseline) - current) / float(baseline), 1)


def tickets_at_desks() -> list[queue.TicketRecord]:
    """Today's tickets called or being served: the ones a visit can start from."""
    now = timezone.now()
    start = _aware(timezone.localdate(), time.min)
    return [
        t
        for t in queue.ticket_times(start=start, end=now + timedelta(minutes=1))
        if t.status in {"called", "serving"}
    ]
