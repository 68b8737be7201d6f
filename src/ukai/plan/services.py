"""Writes: seeding the plan, setting targets, recording values (manual and collected)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.core.plugins import Registry
from ukai.core.service import audit_log

from .base import Collector
from .models import (
    AnnualReview,
    CollectorRun,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Measure,
    Milestone,
    Phase,
    Plan,
    Policy,
    ScheduleEntry,
)
from .registry import collector_registry

logger = logging.getLogger(__name__)

SEED_FILE = Path(__file__).resolve().parent / "data" / "gifu_ict_plan_2020_2025.json"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# File signatures, so that a renamed file of another type is refused.
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
}


# --- seeding -------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedSummary:
    plan: Plan
    policies: int
    measures: int
    indicators: int
    targets: int
    schedule: int
    milestones: int


def plan_seed_load(*, path: Path = SEED_FILE) -> SeedSummary:
    """Load the plan from its data file; running it again changes nothing (idempotent)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    counts = {"indicators": 0, "targets": 0, "schedule": 0, "milestones": 0, "measures": 0}
    with transaction.atomic():
        plan, _ = Plan.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "start_fy": data["start_fy"],
                "end_fy": data["end_fy"],
                "review_fy": data.get("review_fy"),
                "source": data.get("source", ""),
            },
        )
        for policy_data in data["policies"]:
            policy, _ = Policy.objects.update_or_create(
                plan=plan,
                number=policy_data["number"],
                defaults={
                    "title": policy_data["title"],
                    "description": policy_data.get("description", ""),
                },
            )
            for measure_data in policy_data["measures"]:
                _seed_measure(plan=plan, policy=policy, data=measure_data, counts=counts)
    return SeedSummary(plan=plan, policies=len(data["policies"]), **counts)


def _seed_measure(
    *, plan: Plan, policy: Policy, data: dict[str, Any], counts: dict[str, int]
) -> None:
    measure, _ = Measure.objects.update_or_create(
        policy=policy,
        number=data["number"],
        defaults={
            "code": f"{policy.number}-{data['number']}",
            "title": data["title"],
            "kind": data["kind"],
            "direction": data.get("direction", ""),
            "outcomes": data.get("outcomes", []),
            "department_code": data.get("department", ""),
        },
    )
    counts["measures"] += 1
    for order, item in enumerate(data.get("indicators", [])):
        collector = item.get("collector", "")
        if collector and collector not in collector_registry:
            raise ValueError(f"Indicator {item['code']}: unknown collector {collector!r}")
        indicator, _ = Indicator.objects.update_or_create(
            measure=measure,
            code=item["code"],
            defaults={
                "name": item["name"],
                "unit": item["unit"],
                "value_type": item.get("value_type", Indicator.ValueType.INTEGER),
                "direction": item.get("direction", Indicator.Direction.HIGHER),
                "baseline": item.get("baseline"),
                "baseline_note": item.get("baseline_note", ""),
                "weight": item.get("weight", 1),
                "collector_id": collector,
                "plan_text": item.get("plan_text", ""),
                "sort_order": order,
            },
        )
        counts["indicators"] += 1
        for year, value in item.get("targets", {}).items():
            _check_fy(plan=plan, fy=int(year))
            IndicatorTarget.objects.update_or_create(
                indicator=indicator,
                fiscal_year=int(year),
                defaults={"value": value, "note": item.get("target_note", "")},
            )
            counts["targets"] += 1
    for year, phase in data.get("schedule", {}).items():
        _check_fy(plan=plan, fy=int(year))
        if phase not in Phase.values:
            raise ValueError(f"Measure {measure.code}: unknown phase {phase!r}")
        ScheduleEntry.objects.update_or_create(
            measure=measure, fiscal_year=int(year), defaults={"phase": phase}
        )
        counts["schedule"] += 1
    for order, item in enumerate(data.get("milestones", [])):
        Milestone.objects.update_or_create(
            measure=measure,
            title=item["title"],
            defaults={
                "due_fy": item.get("due_fy"),
                "plan_text": item.get("plan_text", ""),
                "sort_order": order,
            },
        )
        counts["milestones"] += 1


# --- targets -------------------------------------------------------------------------


def _check_fy(*, plan: Plan, fy: int) -> None:
    if not plan.contains_fy(fy):
        raise UkaiError(
            code="fy_outside_plan",
            message_ja=(
                f"{fy}年度は計画期間（{plan.start_fy}年度〜{plan.end_fy}年度）の外です。"
                "計画期間内の年度を指定してください。"
            ),
            message_en=(
                f"FY{fy} is outside the plan period (FY{plan.start_fy}–FY{plan.end_fy}). "
                "Choose a fiscal year within the plan."
            ),
            status=422,
            field="fiscal_year",
        )


def indicator_target_set(
    *, indicator: Indicator, fiscal_year: int, value: float, note: str = ""
) -> IndicatorTarget:
    """Set the indicator's target for one fiscal year inside the plan's period."""
    _check_fy(plan=indicator.measure.policy.plan, fy=fiscal_year)
    target, _ = IndicatorTarget.objects.update_or_create(
        indicator=indicator, fiscal_year=fiscal_year, defaults={"value": value, "note": note}
    )
    audit_log(action="update", obj=target, fields=["value"], purpose="計画の目標値の設定")
    return target


# --- milestones ----------------------------------------------------------------------


def milestone_mark(*, milestone: Milestone, done_on: dt.date | None) -> Milestone:
    """Mark a milestone reached on ``done_on`` (or not reached, with None)."""
    if done_on is not None and done_on > timezone.localdate():
        raise UkaiError(
            code="milestone_in_future",
            message_ja="達成日に未来の日付は指定できません。",
            message_en="The date reached cannot be in the future.",
            status=422,
            field="done_on",
        )
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit_log(
        action="update", obj=milestone, fields=["done_on"], purpose="マイルストーンの達成の記録"
    )
    return milestone


# --- annual reviews ------------------------------------------------------------------


def annual_review_record(
    *,
    measure: Measure,
    fiscal_year: int,
    rating: str,
    findings: str,
    next_actions: str,
    approved_on: dt.date | None,
) -> AnnualReview:
    """Record (or correct) the committee's evaluation of a measure for one fiscal year."""
    _check_fy(plan=measure.policy.plan, fy=fiscal_year)
    if rating not in AnnualReview.Rating.values:
        raise UkaiError(
            code="review_rating",
            message_ja="評価を選んでください。",
            message_en="Choose a rating.",
            status=422,
            field="rating",
        )
    if approved_on is not None and approved_on < dt.date(fiscal_year, 4, 1):
        raise UkaiError(
            code="review_approved_before_fy",
            message_ja=f"承認日は{fiscal_year}年度の開始（{fiscal_year}年4月1日）以降にしてください。",
            message_en=f"The approval date must be on or after the start of FY{fiscal_year}.",
            status=422,
            field="approved_on",
        )
    review, _ = AnnualReview.objects.update_or_create(
        measure=measure,
        fiscal_year=fiscal_year,
        defaults={
            "rating": rating,
            "findings": findings.strip(),
            "next_actions": next_actions.strip(),
            "approved_on": approved_on,
        },
    )
    audit_log(
        action="update",
        obj=review,
        fields=["rating", "findings", "next_actions"],
        purpose="施策の年次評価",
    )
    return review


# --- values --------------------------------------------------------------------------

_NUMBER = re.compile(r"^(?P<number>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>.*)$")


def _value_error(code: str, ja: str, en: str) -> UkaiError:
    return UkaiError(code=code, message_ja=ja, message_en=en, status=422, field="value")


def indicator_value_parse(*, indicator: Indicator, text: str) -> float:
    """Parse a typed value: digits (full width too), thousands commas, the indicator's unit."""
    normalized = unicodedata.normalize("NFKC", text or "").strip().replace("，", ",")
    if not normalized:
        raise _value_error("value_required", "実績値を入力してください。", "Enter the value.")
    match = _NUMBER.match(normalized)
    if match is None:
        raise _value_error(
            "value_not_number",
            f"実績値は数値で入力してください（単位：{indicator.unit}）。",
            f"Enter the value as a number (unit: {indicator.unit}).",
        )
    unit = match["unit"].strip()
    expected_unit = unicodedata.normalize("NFKC", indicator.unit)
    # "120,000枚" is fine for 枚/年: the period belongs to the indicator, not the number.
    accepted = {expected_unit, expected_unit.split("/", 1)[0]}
    if unit and unit not in accepted:
        raise _value_error(
            "value_wrong_unit",
            f"単位が違います。この指標の単位は「{indicator.unit}」です（入力された単位：{unit}）。",
            f"Wrong unit: this indicator is measured in “{indicator.unit}” (you entered “{unit}”).",
        )
    value = float(match["number"].replace(",", ""))
    if indicator.value_type == Indicator.ValueType.INTEGER and not value.is_integer():
        raise _value_error(
            "value_not_integer",
            f"この指標は整数で入力してください（単位：{indicator.unit}）。",
            f"This indicator takes a whole number (unit: {indicator.unit}).",
        )
    if indicator.value_type == Indicator.ValueType.PERCENT and not 0 <= value <= 100:
        raise _value_error(
            "value_percent_range",
            "百分率は0から100の範囲で入力してください。",
            "A percentage must be between 0 and 100.",
        )
    if value < 0 and indicator.value_type != Indicator.ValueType.DECIMAL:
        raise _value_error(
            "value_negative", "負の値は入力できません。", "The value cannot be negative."
        )
    return value


def _check_evidence(evidence: UploadedFile[bytes] | None) -> None:
    if evidence is None:
        raise UkaiError(
            code="evidence_required",
            message_ja="手入力の実績値には根拠資料（PDF・画像・Excel など）を添付してください。",
            message_en="Attach evidence (PDF, image, Excel …) to a manually entered value.",
            status=422,
            field="evidence",
        )
    name = evidence.name or ""
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = "、".join(sorted(s.lstrip(".").upper() for s in EVIDENCE_TYPES))
        raise UkaiError(
            code="evidence_type",
            message_ja=f"根拠資料の形式が対応していません。{allowed} のいずれかを添付してください。",
            message_en=f"This type of evidence file is not accepted. Attach one of: {allowed}.",
            status=422,
            field="evidence",
        )
    if (evidence.size or 0) > EVIDENCE_MAX_BYTES:
        raise UkaiError(
            code="evidence_too_large",
            message_ja="根拠資料は10MB以下のファイルにしてください。",
            message_en="The evidence file must be 10 MB or smaller.",
            status=422,
            field="evidence",
        )
    if (evidence.size or 0) == 0:
        raise UkaiError(
            code="evidence_empty",
            message_ja="根拠資料のファイルが空です。",
            message_en="The evidence file is empty.",
            status=422,
            field="evidence",
        )
    signatures = _MAGIC.get(suffix)
    if signatures:
        evidence.seek(0)
        head = evidence.read(8)
        evidence.seek(0)
        if not any(head.startswith(sig) for sig in signatures):
            raise UkaiError(
                code="evidence_mismatch",
                message_ja="根拠資料の中身が拡張子と一致しません。正しいファイルを添付してください。",
                message_en="The evidence file's content does not match its extension.",
                status=422,
                field="evidence",
            )


def indicator_value_enter(
    *,
    indicator: Indicator,
    value_text: str,
    measured_on: dt.date,
    description: str,
    evidence: UploadedFile[bytes] | None,
    entered_by: Any,
) -> IndicatorValue:
    """Record a manually measured value with its evidence; audited."""
    value = indicator_value_parse(indicator=indicator, text=value_text)
    if not description.strip():
        raise UkaiError(
            code="description_required",
            message_ja="算出方法（どのように数えたか）を入力してください。",
            message_en="Describe how the value was computed.",
            status=422,
            field="description",
        )
    if measured_on > timezone.localdate():
        raise UkaiError(
            code="measured_in_future",
            message_ja="計測日に未来の日付は指定できません。",
            message_en="The measurement date cannot be in the future.",
            status=422,
            field="measured_on",
        )
    _check_evidence(evidence)
    measured_at = timezone.make_aware(dt.datetime.combine(measured_on, dt.time(12, 0)))
    with transaction.atomic():
        record = IndicatorValue(
            indicator=indicator,
            value=value,
            measured_at=measured_at,
            source=IndicatorValue.Source.MANUAL,
            description=description.strip(),
            entered_by=entered_by,
        )
        record.evidence = evidence
        record.save()
        audit_log(
            action="create",
            obj=record,
            fields=["value", "description", "evidence"],
            purpose="計画の指標の実績値（手入力）",
        )
    return record


# --- collectors ----------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    runs: list[CollectorRun]

    def count(self, status: str) -> int:
        return sum(1 for run in self.runs if run.status == status)


def collectors_run(
    *,
    plan: Plan,
    as_of: dt.date | None = None,
    registry: Registry[Collector] | None = None,
) -> RunSummary:
    """Run the collector of every collected indicator of ``plan``; record each run.

    A collector that raises is recorded as a failed run with its error, and no value is
    written, so the last good value stays. A collector whose source module is not
    installed records "no data" and writes nothing (the indicator stays 「未計測」).
    """
    registry = collector_registry if registry is None else registry
    as_of = as_of or timezone.localdate()
    runs = []
    indicators = Indicator.objects.filter(measure__policy__plan=plan).exclude(collector_id="")
    for indicator in indicators.order_by(
        "measure__policy__number", "measure__number", "sort_order"
    ):
        runs.append(_collector_run_one(indicator=indicator, as_of=as_of, registry=registry))
    return RunSummary(runs=runs)


def _collector_run_one(
    *, indicator: Indicator, as_of: dt.date, registry: Registry[Collector]
) -> CollectorRun:
    started = timezone.now()
    try:
        collector = registry.create(indicator.collector_id)
        result = collector.collect(as_of=as_of)
    except Exception as exc:
        logger.warning(
            "plan collector failed",
            extra={"collector": indicator.collector_id, "indicator": indicator.code},
            exc_info=True,
        )
        return CollectorRun.objects.create(
            indicator=indicator,
            collector_id=indicator.collector_id,
            started_at=started,
            status=CollectorRun.Status.FAILED,
            message=f"{type(exc).__name__}: {exc}"[:2000],
        )
    if result is None:
        return CollectorRun.objects.create(
            indicator=indicator,
            collector_id=indicator.collector_id,
            started_at=started,
            status=CollectorRun.Status.NO_DATA,
            message="計測元のモジュールが導入されていません / the source module is not installed",
        )
    measured_at = timezone.now()
    if as_of < timezone.localdate(measured_at):
        # A back-dated run (catching up a missed day) is stamped at that day's end.
        measured_at = timezone.make_aware(dt.datetime.combine(as_of, dt.time(23, 59)))
    with transaction.atomic():
        value = IndicatorValue.objects.create(
            indicator=indicator,
            value=result.value,
            measured_at=measured_at,
            source=IndicatorValue.Source.COLLECTOR,
            collector_id=indicator.collector_id,
            description=result.description,
        )
        return CollectorRun.objects.create(
            indicator=indicator,
            collector_id=indicator.collector_id,
            started_at=started,
            status=CollectorRun.Status.OK,
            value=value,
        )
