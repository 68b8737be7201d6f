"""The procedures module's public API for Ukai's other modules.

The counter, OCR and payments modules read the catalog and validate answers
through these functions; see docs/procedures.md.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from .formspec import FormSpec, form_spec_parse
from .models import Assurance, CaseStatus, Channel, FormDefinition, Procedure
from .selectors import form_definition_current, procedure_by_slug, procedure_search
from .services import FormAnswersInvalid, Submitted
from .tasks import case_submit
from .validation import (
    FieldError,
    condition_holds,
    form_answers_from_json,
    form_answers_to_json,
    form_validate,
    form_value_display,
)

__all__ = [
    "Assurance",
    "CaseStatus",
    "Channel",
    "FieldError",
    "FormAnswersInvalid",
    "FormSpec",
    "Submitted",
    "case_submit",
    "condition_holds",
    "form_answers_from_json",
    "form_answers_to_json",
    "form_definition_current",
    "form_spec_parse",
    "form_validate",
    "form_value_display",
    "kpi_online_procedures",
    "kpi_procedures_online",
    "procedure_by_slug",
    "procedure_search",
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
