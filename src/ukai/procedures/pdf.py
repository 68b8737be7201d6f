"""A case as a PDF laid out like the paper form, with its receipt number (WeasyPrint, IPAex fonts).

The generic layout prints every step as a bordered section of label/value rows, dates in
和暦 and choices by label, as the municipal paper forms do; a procedure can have its own
layout in ``templates/procedures/pdf/<slug>.html`` (same context).

``cases_pdf`` prints the cases of one counter visit as one document (a cover page listing
them, then each case's form on its own pages); ``cases_pdf_preview`` prints the same forms
before the cases exist, for the resident to check and sign (「受付前（確認用）」).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from ukai.core.japanese.wareki import wareki_format
from ukai.core.service import department_list, municipality_current

from .formspec import FieldSpec, FormSpec, form_spec_of
from .models import Assurance, Attachment, Case, Channel, FormDefinition, Procedure
from .services import FormAnswersInvalid
from .validation import (
    COUNTER_SIGNATURE_KEY,
    form_answers_from_json,
    form_answers_to_json,
    form_validate,
    form_value_display,
)

if TYPE_CHECKING:
    from weasyprint import Document

# Printed where the receipt number goes on a form printed before its case exists.
PREVIEW_MARK = "受付前（確認用）"


def _section_rows(spec: FormSpec, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
    sections = []
    for step in spec.steps:
        rows: list[dict[str, Any]] = []
        for field in step.fields:
            if field.type == "group":
                items = cleaned.get(field.key) or []
                rows.append(
                    {
                        "label": field.label,
                        "group": [
                            [
                                (child.label, _value(child, item.get(child.key)))
                                for child in field.fields
                            ]
                            for item in items
                        ],
                    }
                )
            elif field.type == "signature" and isinstance(cleaned.get(field.key), dict):
                if COUNTER_SIGNATURE_KEY in cleaned[field.key]:
                    rows.append({"label": field.label, "value": "窓口で署名（一括）"})
                    continue
                rows.append({"label": field.label, "image": _signature_src(cleaned[field.key])})
            elif field.type in {"file", "signature"}:
                continue
            elif field.key in cleaned:
                rows.append({"label": field.label, "value": _value(field, cleaned[field.key])})
        if rows:
            sections.append({"title": step.title, "rows": rows})
    return sections


def _signature_src(value: dict[str, Any]) -> str:
    """The drawn signature as a data URI for the PDF ("" when the file is gone)."""
    attachment = Attachment.objects.filter(pk=str(value.get("attachment", ""))).first()
    if attachment is None or attachment.content_type != "image/png":
        return ""
    with attachment.file.open("rb") as signature:
        return "data:image/png;base64," + base64.b64encode(signature.read()).decode()


def _value(field: FieldSpec, value: Any) -> str:
    if value is None or value == "":
        return ""
    if field.type == "date":
        return wareki_format(value)
    return form_value_display(field, value)


def case_pdf_context(case: Case, *, preview: bool = False) -> dict[str, Any]:
    spec = form_spec_of(case.form_definition)
    cleaned = form_answers_from_json(spec, case.answers)
    submitted = timezone.localtime(case.submitted_at)
    return {
        "case": case,
        "spec": spec,
        "sections": _section_rows(spec, cleaned),
        "submitted_wareki": wareki_format(submitted.date()),
        "submitted_time": submitted.strftime("%H:%M"),
        "printed_wareki": wareki_format(timezone.localdate()),
        "preview": preview,
        "receipt_label": PREVIEW_MARK if preview else case.receipt_number,
    }


def _case_html(case: Case, *, preview: bool = False) -> str:
    try:
        template = get_template(f"procedures/pdf/{case.procedure.slug}.html")
    except TemplateDoesNotExist:
        template = get_template("procedures/pdf/case.html")
    return template.render(case_pdf_context(case, preview=preview))


def _document(html: str) -> Document:
    from weasyprint import HTML  # imported on use: loading Pango takes a moment

    return HTML(string=html).render()


def case_pdf(case: Case) -> bytes:
    pdf: bytes = _document(_case_html(case)).write_pdf()
    return pdf


def _department_names(codes: set[str]) -> dict[str, str]:
    municipality = municipality_current()
    if municipality is None:
        return {}
    return dict(
        department_list(municipality=municipality)
        .filter(code__in=codes)
        .values_list("code", "name")
    )


def _batch(cases: list[Case], *, preview: bool) -> bytes:
    """A cover page listing the cases, then each case's form from a new page, in order."""
    if not cases:
        raise ValueError("no cases to print")
    names = _department_names({c.department_code for c in cases})
    rows = [
        {
            "number": index,
            "receipt": PREVIEW_MARK if preview else case.receipt_number,
            "procedure": case.procedure.name,
            "department": names.get(case.department_code, case.department_code),
        }
        for index, case in enumerate(cases, start=1)
    ]
    cover = get_template("procedures/pdf/cover.html").render(
        {
            "rows": rows,
            "preview": preview,
            "printed_wareki": wareki_format(timezone.localdate()),
        }
    )
    documents = [_document(cover)] + [_document(_case_html(c, preview=preview)) for c in cases]
    pages = [page for document in documents for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf()
    return pdf


def cases_pdf(*, cases: list[Case]) -> bytes:
    """The cases of one visit as one PDF: a cover page, then each case's form (official layout)."""
    return _batch(cases, preview=False)


def cases_pdf_preview(*, items: list[tuple[Procedure, FormDefinition, dict[str, Any]]]) -> bytes:
    """The forms of a visit before they are filed, for the resident to check and sign.

    Each item is a procedure, the form version and its answers (as typed, or as stored JSON),
    validated as the counter does (``at_counter=True``); every receipt number reads
    「受付前（確認用）」. Raises ``FormAnswersInvalid`` (its ``extra["procedure"]`` names the
    procedure) for the first form whose answers do not pass, and prints nothing.
    """
    now = timezone.now()
    unsaved = []
    for procedure, form_definition, answers in items:
        spec = form_spec_of(form_definition)
        cleaned, errors = form_validate(spec, answers, at_counter=True)
        if errors:
            invalid = FormAnswersInvalid(errors)
            invalid.extra["procedure"] = procedure.slug
            raise invalid
        unsaved.append(
            Case(
                receipt_number=PREVIEW_MARK,
                procedure=procedure,
                form_definition=form_definition,
                department_code=procedure.department_code,
                channel=Channel.COUNTER,
                assurance=Assurance.COUNTER,
                answers=form_answers_to_json(spec, cleaned),
                submitted_at=now,
            )
        )
    return _batch(unsaved, preview=True)
