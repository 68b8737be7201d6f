"""Reads: the plan's dashboard (latest value per indicator, FY-end snapshots), a measure's detail.

The dashboard never scans all values: for each indicator it asks the
``(indicator, measured_at)`` index for the newest value before each fiscal year's end
(one correlated subquery per FY), so its cost grows with indicators × fiscal years,
not with the number of stored values.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from ukai.core.japanese.fiscal import fiscal_year

from .models import (
    CollectorRun,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Measure,
    Milestone,
    Plan,
    Policy,
    ScheduleEntry,
)
from .progress import (
    IndicatorScore,
    Progress,
    Status,
    attainment,
    expected_fraction,
    measure_progress,
    policy_progress,
    status_of,
    target_for,
)

PLAN_CODE = "gifu-ict-2020"


def number_text(value: float) -> str:
    """``12550.0`` → ``12,550``; ``0.25`` → ``0.25`` (at most two decimals)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def plan_current() -> Plan | None:
    """The plan shown by default: the seeded Gifu plan, else the newest one."""
    return Plan.objects.filter(code=PLAN_CODE).first() or Plan.objects.first()


def plan_fy_default(*, plan: Plan, today: dt.date | None = None) -> int:
    """Today's fiscal year, kept inside the plan's period."""
    fy = fiscal_year(today or timezone.localdate())
    return min(max(fy, plan.start_fy), plan.end_fy)


def fy_end_date(fy: int) -> dt.date:
    return dt.date(fy + 1, 3, 31)


def _as_of(fy: int, today: dt.date, *, plan: Plan | None = None) -> dt.date:
    """The evaluation date of ``fy``: its last day, or today while it runs.

    After the plan's last FY has ended, that FY keeps counting new values: the plan's
    final targets stay the yardstick until a successor plan is loaded (docs/plan.md).
    """
    if plan is not None and fy == plan.end_fy:
        return today
    return min(today, fy_end_date(fy))


def _before(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the current time zone (values before it count)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def plan_as_of(*, plan: Plan, fy: int, today: dt.date | None = None) -> dt.date:
    return _as_of(fy, today or timezone.localdate(), plan=plan)


@dataclass
class LatestValue:
    pk: int
    value: float
    measured_at: dt.datetime
    source: str
    collector_id: str
    description: str


@dataclass
class IndicatorRow:
    indicator: Indicator
    targets: dict[int, float]
    latest: LatestValue | None
    fy_values: dict[int, float | None]
    target: tuple[int, float] | None
    attainment: float | None
    expected: float
    status: Status | None  # None: a reference indicator without target

    @property
    def attainment_percent(self) -> int | None:
        return None if self.attainment is None else round(self.attainment * 100)

    @property
    def score(self) -> IndicatorScore:
        return IndicatorScore(self.indicator.weight, self.attainment, self.expected)

    # Texts for the pages, built here rather than with template filters: the dashboard
    # shows hundreds of indicators and ``floatformat`` per cell costs more than the SQL.
    @property
    def target_text(self) -> str:
        if self.target is None:
            return gettext("参考指標（目標なし）")
        bound = (
            gettext("以下")
            if self.indicator.direction == Indicator.Direction.LOWER
            else gettext("以上")
        )
        return gettext("目標（%(fy)s年度）：%(value)s%(unit)s%(bound)s") % {
            "fy": self.target[0],
            "value": number_text(self.target[1]),
            "unit": self.indicator.unit,
            "bound": bound,
        }

    @property
    def actual_text(self) -> str:
        if self.latest is None:
            return gettext("実績：未計測")
        text = gettext("実績：%(value)s%(unit)s") % {
            "value": number_text(self.latest.value),
            "unit": self.indicator.unit,
        }
        if self.attainment_percent is not None:
            text += gettext("（達成度 %(percent)s%%）") % {"percent": self.attainment_percent}
        return text


@dataclass
class MeasureRow:
    measure: Measure
    indicators: list[IndicatorRow]
    progress: Progress
    schedule: dict[int, str]  # FY → phase code
    fy_progress: dict[int, Progress]
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def milestones_done(self) -> int:
        return sum(1 for milestone in self.milestones if milestone.done_on is not None)

    def phase_cells(self, years: list[int]) -> list[tuple[int, str]]:
        return [(year, self.schedule.get(year, "")) for year in years]


@dataclass
class PolicyRow:
    policy: Policy
    measures: list[MeasureRow]
    progress: Progress


@dataclass
class Dashboard:
    plan: Plan
    fy: int
    as_of: dt.date
    today: dt.date
    policies: list[PolicyRow]

    @property
    def fiscal_years(self) -> list[int]:
        return self.plan.fiscal_years

    @property
    def today_fy(self) -> int:
        return fiscal_year(self.today)

    @property
    def today_in_plan(self) -> bool:
        return self.plan.contains_fy(self.today_fy)

    @property
    def measures(self) -> list[MeasureRow]:
        return [m for p in self.policies for m in p.measures]

    @property
    def status_counts(self) -> dict[Status, int]:
        counts = {status: 0 for status in Status}
        for row in self.measures:
            counts[row.progress.status] += 1
        return counts


def _indicator_queryset(
    *, plan: Plan, years: list[int], as_of: dt.date, measure: Measure | None = None
) -> QuerySet[Indicator]:
    def newest(before: dt.datetime, column: str) -> Subquery:
        return Subquery(
            IndicatorValue.objects.filter(indicator=OuterRef("pk"), measured_at__lt=before)
            .order_by("-measured_at", "-pk")
            .values(column)[:1]
        )

    queryset = Indicator.objects.filter(measure__policy__plan=plan)
    if measure is not None:
        queryset = queryset.filter(measure=measure)
    annotations: dict[str, Any] = {"latest_id": newest(_before(as_of), "pk")}
    for year in years:
        annotations[f"fy_{year}"] = newest(_before(_as_of(year, as_of, plan=plan)), "value")
    return queryset.annotate(**annotations).order_by("measure_id", "sort_order", "code")


def _indicator_rows(
    *, plan: Plan, fy: int, as_of: dt.date, measure: Measure | None = None
) -> dict[int, list[IndicatorRow]]:
    years = [year for year in plan.fiscal_years if year <= fy]
    indicators = list(_indicator_queryset(plan=plan, years=years, as_of=as_of, measure=measure))
    targets: dict[int, dict[int, float]] = defaultdict(dict)
    target_rows = IndicatorTarget.objects.filter(indicator__in=[i.pk for i in indicators])
    for indicator_id, year, value in target_rows.values_list(
        "indicator_id", "fiscal_year", "value"
    ):
        targets[indicator_id][year] = value
    latest_ids = [getattr(i, "latest_id", None) for i in indicators]
    latest = {
        row["pk"]: LatestValue(**row)
        for row in IndicatorValue.objects.filter(pk__in=[pk for pk in latest_ids if pk]).values(
            "pk", "value", "measured_at", "source", "collector_id", "description"
        )
    }
    rows: dict[int, list[IndicatorRow]] = defaultdict(list)
    for indicator in indicators:
        own_targets = targets.get(indicator.pk, {})
        latest_value = latest.get(getattr(indicator, "latest_id", None) or 0)
        target = target_for(own_targets, fy)
        expected = (
            expected_fraction(start_fy=plan.start_fy, target_fy=target[0], as_of=as_of)
            if target
            else 0.0
        )
        achieved = (
            attainment(
                actual=latest_value.value,
                target=target[1],
                baseline=indicator.baseline,
                lower_is_better=indicator.direction == Indicator.Direction.LOWER,
            )
            if latest_value is not None and target is not None
            else None
        )
        if target is None:
            status = None
        elif achieved is None:
            status = Status.UNMEASURED
        else:
            status = status_of(achieved, expected)
        rows[indicator.measure_id].append(
            IndicatorRow(
                indicator=indicator,
                targets=own_targets,
                latest=latest_value,
                fy_values={year: getattr(indicator, f"fy_{year}") for year in years},
                target=target,
                attainment=achieved,
                expected=expected,
                status=status,
            )
        )
    return rows


def _fy_progress(
    *, plan: Plan, rows: list[IndicatorRow], fy: int, as_of: dt.date
) -> dict[int, Progress]:
    """The measure's progress at the end of each FY up to ``fy`` (the trend chart)."""
    trend: dict[int, Progress] = {}
    for year in plan.fiscal_years:
        if year > fy:
            break
        moment = _as_of(year, as_of, plan=plan)
        scores = []
        for row in rows:
            value = row.fy_values.get(year)
            target = target_for(row.targets, year)
            if target is None:
                continue
            scores.append(
                IndicatorScore(
                    row.indicator.weight,
                    None
                    if value is None
                    else attainment(
                        actual=value,
                        target=target[1],
                        baseline=row.indicator.baseline,
                        lower_is_better=row.indicator.direction == Indicator.Direction.LOWER,
                    ),
                    expected_fraction(start_fy=plan.start_fy, target_fy=target[0], as_of=moment),
                )
            )
        trend[year] = measure_progress(scores)
    return trend


def plan_dashboard(*, plan: Plan, fy: int, today: dt.date | None = None) -> Dashboard:
    """Every policy and measure of ``plan`` with FY targets, actuals, progress and schedule."""
    today = today or timezone.localdate()
    as_of = _as_of(fy, today, plan=plan)
    indicator_rows = _indicator_rows(plan=plan, fy=fy, as_of=as_of)
    schedule: dict[int, dict[int, str]] = defaultdict(dict)
    for measure_id, year, phase in ScheduleEntry.objects.filter(
        measure__policy__plan=plan
    ).values_list("measure_id", "fiscal_year", "phase"):
        schedule[measure_id][year] = phase
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(measure__policy__plan=plan):
        milestones[milestone.measure_id].append(milestone)
    measures_by_policy: dict[int, list[MeasureRow]] = defaultdict(list)
    for measure in Measure.objects.filter(policy__plan=plan).select_related("policy"):
        rows = indicator_rows.get(measure.pk, [])
        measures_by_policy[measure.policy_id].append(
            MeasureRow(
                measure=measure,
                indicators=rows,
                progress=measure_progress(row.score for row in rows),
                schedule=schedule.get(measure.pk, {}),
                fy_progress=_fy_progress(plan=plan, rows=rows, fy=fy, as_of=as_of),
                milestones=milestones.get(measure.pk, []),
            )
        )
    policies = []
    for policy in plan.policies.all():
        measures = measures_by_policy.get(policy.pk, [])
        policies.append(
            PolicyRow(
                policy=policy,
                measures=measures,
                progress=policy_progress([m.progress for m in measures]),
            )
        )
    return Dashboard(plan=plan, fy=fy, as_of=as_of, today=today, policies=policies)


def measure_detail(*, measure: Measure, fy: int, today: dt.date | None = None) -> MeasureRow:
    plan = measure.policy.plan
    today = today or timezone.localdate()
    as_of = _as_of(fy, today, plan=plan)
    rows = _indicator_rows(plan=plan, fy=fy, as_of=as_of, measure=measure).get(measure.pk, [])
    return MeasureRow(
        measure=measure,
        indicators=rows,
        progress=measure_progress(row.score for row in rows),
        schedule=dict(measure.schedule.values_list("fiscal_year", "phase")),
        fy_progress=_fy_progress(plan=plan, rows=rows, fy=fy, as_of=as_of),
        milestones=list(measure.milestones.all()),
    )


def _month_ends(start: dt.date, until: dt.date) -> list[dt.date]:
    ends = []
    year, month = start.year, start.month
    while True:
        first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        end = first_next - dt.timedelta(days=1)
        if end >= until:
            ends.append(until)
            return ends
        ends.append(end)
        year, month = first_next.year, first_next.month


def indicator_monthly_trend(
    *, plan: Plan, indicator_ids: list[int], until: dt.date
) -> dict[int, list[tuple[dt.date, float | None]]]:
    """Each indicator's value as of every month end since the plan began (None: not yet measured).

    Downsampled in the database: one index seek per indicator and month, never a scan of
    the daily values.
    """
    ends = _month_ends(dt.date(plan.start_fy, 4, 1), until)
    annotations: dict[str, Any] = {
        f"m_{index}": Subquery(
            IndicatorValue.objects.filter(indicator=OuterRef("pk"), measured_at__lt=_before(day))
            .order_by("-measured_at", "-pk")
            .values("value")[:1]
        )
        for index, day in enumerate(ends)
    }
    rows = Indicator.objects.filter(pk__in=indicator_ids).annotate(**annotations)
    trend: dict[int, list[tuple[dt.date, float | None]]] = {}
    for indicator in rows:
        points = [(day, getattr(indicator, f"m_{index}")) for index, day in enumerate(ends)]
        trend[indicator.pk] = points if any(v is not None for _, v in points) else []
    return trend


def indicator_value_history(*, indicator: Indicator, limit: int = 20) -> QuerySet[IndicatorValue]:
    return indicator.values.select_related("entered_by").order_by("-measured_at", "-pk")[:limit]


def collector_runs_recent(*, plan: Plan, limit: int = 50) -> QuerySet[CollectorRun]:
    return (
        CollectorRun.objects.filter(indicator__measure__policy__plan=plan)
        .select_related("indicator")
        .order_by("-started_at", "-pk")[:limit]
    )


def collector_last_failures(*, indicator_ids: list[int]) -> dict[int, CollectorRun]:
    """Each indicator's newest run, when that run failed (shown beside the last good value)."""
    newest: dict[int, CollectorRun] = {}
    recent = timezone.now() - dt.timedelta(days=60)
    for run in CollectorRun.objects.filter(
        indicator_id__in=indicator_ids, started_at__gte=recent
    ).order_by("indicator_id", "-started_at", "-pk"):
        newest.setdefault(run.indicator_id, run)
    return {key: run for key, run in newest.items() if run.status == CollectorRun.Status.FAILED}
