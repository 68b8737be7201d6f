"""A case as a PDF laid out like the paper form, with its receipt number (WeasyPrint, IPAex fonts).

The generic layout prints every step as a bordered section of label/value rows, dates in
和暦 and choices by label, as the municipal paper forms do; a procedure can have its own
layout in ``templates/procedures/pdf/<slug>.html`` (same context).
"""

from __future__ import annotations

import base64
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from ukai.core.japanese.wareki import wareki_format

from .formspec import FieldSpec, FormSpec, form_spec_of
from .models import Attachment, Case
from .validation import form_answers_from_json, form_value_display


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


def case_pdf_context(case: Case) -> dict[str, Any]:
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
    }


def case_pdf(case: Case) -> bytes:
    from weasyprint import HTML  # imported on use: loading Pango takes a moment

    try:
        template = get_template(f"procedures/pdf/{case.procedure.slug}.html")
    except TemplateDoesNotExist:
        template = get_template("procedures/pdf/case.html")
    html = template.render(case_pdf_context(case))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
