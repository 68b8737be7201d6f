"""The procedures module's public API for Ukai's other modules.

The counter, OCR and payments modules read the catalog and validate answers
through these functions; see docs/procedures.md.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any

from django.utils import timezone

from .draft_handover import (
    DraftRecord,
    HandoverCodeExpired,
    HandoverCodeInvalid,
    draft_by_handover_code,
    draft_submit_at_counter,
)
from .formspec import FormSpec, form_spec_of, form_spec_parse
from .models import Assurance, Case, CaseStatus, Channel, FormDefinition, Procedure
from .pdf import cases_pdf, cases_pdf_preview
from .selectors import (
    case_by_receipt,
    cases_by_receipt,
    form_definition_current,
    procedure_by_slug,
    procedure_search,
)
from .services import FormAnswersInvalid, Submitted, case_scan_attach, signature_png
from .tasks import case_submit
from .validation import (
    FieldError,
    condition_holds,
    counter_signature,
    form_answers_from_json,
    form_answers_to_json,
    form_validate,
    form_value_display,
)

__all__ = [
    "Assurance",
    "CaseStatus",
    "Channel",
    "DraftRecord",
    "FieldError",
    "FormAnswersInvalid",
    "FormSpec",
    "HandoverCodeExpired",
    "HandoverCodeInvalid",
    "Submitted",
    "case_by_receipt",
    "case_scan_attach",
    "case_submit",
    "cases_by_receipt",
    "cases_pdf",
    "cases_pdf_preview",
    "condition_holds",
    "counter_signature",
    "draft_by_handover_code",
    "draft_submit_at_counter",
    "form_answers_from_json",
    "form_answers_to_json",
    "form_definition_current",
    "form_spec_of",
    "form_spec_parse",
    "form_validate",
    "form_value_display",
    "kpi_fields_captured",
    "kpi_median_days_to_completion",
    "kpi_online_procedures",
    "kpi_online_share",
    "kpi_procedures_online",
    "procedure_by_slug",
    "procedure_search",
    "signature_png",
]


def kpi_procedures_online(*, as_of: date) -> dict[str, Any]:
    """Plan measure 1-4: published procedures offered online with a published form, as of ``as_of``."""
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    with_form = set(
        FormDefinition.objects.filter(
            status=FormDefinition.Status.PUBLISHED, published_at__lte=end_of_day
        ).values_list("procedure_id", flat=True)
    )
    count = sum(
        1
        for procedure in Procedure.objects.filter(is_published=True, pk__in=with_form)
        if Channel.ONLINE in procedure.channels
    )
    return {
        "value": float(count),
        "description": (
            "公開中の手続のうち、手続の方法に「オンライン」を含み、かつ基準日までに公開された"
            "申請様式（電子申請フォーム）を持つものの数です。"
        ),
    }


# The name the plan module's collector calls (ukai.plan.collectors).
kpi_online_procedures = kpi_procedures_online


def _year_to(as_of: date) -> tuple[datetime, datetime]:
    end = timezone.make_aware(datetime.combine(as_of, time.max))
    return end - timedelta(days=365), end


def kpi_online_share(*, as_of: date) -> dict[str, Any]:
    """Share (%) of applications received online among all channels, in the year to ``as_of``."""
    start, end = _year_to(as_of)
    cases = Case.objects.filter(submitted_at__gt=start, submitted_at__lte=end)
    total = cases.count()
    online = cases.filter(channel=Channel.ONLINE).count()
    return {
        "value": round(100.0 * online / total, 1) if total else 0.0,
        "description": (
            f"基準日までの1年間に受け付けた申請{total}件のうち、オンラインで受け付けた{online}件の割合（%）です。"
            "窓口・郵送で受け付けた申請も、Ukai に登録したものを数えます。"
        ),
    }


def kpi_median_days_to_completion(*, as_of: date) -> dict[str, Any]:
    """Median days from submission to completion of the cases completed in the year to ``as_of``."""
    start, end = _year_to(as_of)
    spans = sorted(
        (completed - submitted).total_seconds() / 86400
        for submitted, completed in Case.objects.filter(
            status=CaseStatus.COMPLETED, completed_at__gt=start, completed_at__lte=end
        ).values_list("submitted_at", "completed_at")
        if completed is not None
    )
    return {
        "value": round(median(spans), 1) if spans else 0.0,
        "description": (
            f"基準日までの1年間に完了した申請{len(spans)}件について、受付から完了までの日数"
            "（暦日）の中央値です。"
        ),
    }


def _leaves(value: Any) -> int:
    if isinstance(value, list):
        return sum(_leaves(item) for item in value)
    if isinstance(value, dict):
        return sum(_leaves(item) for item in value.values())
    return 0 if value in (None, "") else 1


def kpi_fields_captured(*, as_of: date) -> dict[str, Any]:
    """Answers residents entered online in the year to ``as_of``: values staff did not retype."""
    start, end = _year_to(as_of)
    count = sum(
        _leaves(answers)
        for answers in Case.objects.filter(
            channel=Channel.ONLINE, submitted_at__gt=start, submitted_at__lte=end
        ).values_list("answers", flat=True)
    )
    return {
        "value": float(count),
        "description": (
            "基準日までの1年間にオンラインで受け付けた申請で、申請者が入力した項目の数"
            "（職員が転記せずに済んだ入力の数）です。"
        ),
    }
