"""The plan's progress as open data: ``/api/v1/plan/progress`` (public, no personal data).

No ``from __future__ import annotations``: django-ninja reads the annotations at import.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ukai.core.errors import NotFound, UkaiError
from ukai.core.service import PROBLEMS

from . import selectors
from .selectors import IndicatorRow, MeasureRow

router = Router(tags=["plan"])


class ProgressOut(Schema):
    percent: int | None = Field(..., description="進捗率（%）。null は未計測")
    expected_percent: int | None = Field(..., description="期待進捗（%）")
    status: str = Field(
        ..., description="achieved（達成）, on_track（順調）, delayed（遅れ）, unmeasured（未計測）"
    )
    status_label: str


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    direction: str = Field(..., description="higher（大きいほど良い）/ lower（小さいほど良い）")
    baseline: float | None
    weight: int = Field(..., description="重み。0 は参考指標")
    measured_by: str = Field(..., description="collector（自動集計）/ manual（手入力）")
    target_fiscal_year: int | None
    target: float | None
    targets: dict[str, float] = Field(..., description="年度ごとの目標値")
    actual: float | None = Field(..., description="評価日時点の最新の実績値。null は未計測")
    measured_at: str | None
    attainment_percent: int | None
    status: str | None = Field(..., description="null は参考指標（目標なし）")


class MeasureOut(Schema):
    code: str
    title: str
    kind: str = Field(..., description="new（新規）/ maintain（維持・向上）")
    progress: ProgressOut
    schedule: dict[str, str] = Field(..., description="年度ごとの実施段階")
    indicators: list[IndicatorOut]
    milestones: list[str]


class PolicyOut(Schema):
    number: int
    title: str
    progress: ProgressOut
    measures: list[MeasureOut]


class PlanProgressOut(Schema):
    name: str
    start_fiscal_year: int
    end_fiscal_year: int
    review_fiscal_year: int | None
    fiscal_year: int
    as_of: str
    policies: list[PolicyOut]


class ProgressQuery(Schema):
    fy: int | None = Field(None, description="年度（西暦、計画期間内）。省略時は今年度")


def _progress(progress: Any) -> dict[str, Any]:
    return {
        "percent": progress.percent,
        "expected_percent": progress.expected_percent,
        "status": progress.status.value,
        "status_label": progress.status.label,
    }


def _indicator(item: IndicatorRow) -> dict[str, Any]:
    indicator = item.indicator
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline": indicator.baseline,
        "weight": indicator.weight,
        "measured_by": "collector" if indicator.collector_id else "manual",
        "target_fiscal_year": item.target[0] if item.target else None,
        "target": item.target[1] if item.target else None,
        "targets": {str(year): value for year, value in sorted(item.targets.items())},
        "actual": item.latest.value if item.latest else None,
        "measured_at": item.latest.measured_at.isoformat() if item.latest else None,
        "attainment_percent": item.attainment_percent,
        "status": item.status.value if item.status else None,
    }


def _measure(row: MeasureRow) -> dict[str, Any]:
    return {
        "code": row.measure.code,
        "title": row.measure.title,
        "kind": row.measure.kind,
        "progress": _progress(row.progress),
        "schedule": {str(year): phase for year, phase in sorted(row.schedule.items())},
        "indicators": [_indicator(item) for item in row.indicators],
        "milestones": [milestone.title for milestone in row.milestones],
    }


@router.get(
    "/plan/progress",
    response={200: PlanProgressOut, **PROBLEMS},
    summary="ICT活用推進計画の進捗 / Progress of the ICT plan",
    auth=None,
)
def plan_progress(request: HttpRequest, query: Query[ProgressQuery]) -> Any:
    plan = selectors.plan_current()
    if plan is None:
        raise NotFound(what_ja="計画", what_en="Plan", identifier="-")
    fy = query.fy if query.fy is not None else selectors.plan_fy_default(plan=plan)
    if not plan.contains_fy(fy):
        raise UkaiError(
            code="fy_outside_plan",
            message_ja=f"{fy}年度は計画期間（{plan.start_fy}年度〜{plan.end_fy}年度）の外です。",
            message_en=f"FY{fy} is outside the plan period (FY{plan.start_fy}–FY{plan.end_fy}).",
            status=422,
            field="fy",
        )
    dashboard = selectors.plan_dashboard(plan=plan, fy=fy)
    return {
        "name": plan.name,
        "start_fiscal_year": plan.start_fy,
        "end_fiscal_year": plan.end_fy,
        "review_fiscal_year": plan.review_fy,
        "fiscal_year": dashboard.fy,
        "as_of": dashboard.as_of.isoformat(),
        "policies": [
            {
                "number": policy.policy.number,
                "title": policy.policy.title,
                "progress": _progress(policy.progress),
                "measures": [_measure(row) for row in policy.measures],
            }
            for policy in dashboard.policies
        ],
    }
