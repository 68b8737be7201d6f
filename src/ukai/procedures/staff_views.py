"""The departments' inboxes: cases of their procedures, the case page and its actions, exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ukai.core.errors import UkaiError
from ukai.core.japanese.calendar import business_days_between
from ukai.core.service import (
    audit_log,
    department_list,
    municipality_current,
    spreadsheet_cell,
    staff_department_codes,
    staff_required,
)

from . import pdf, selectors, services, tasks, webform
from .formspec import form_spec_of
from .handover import case_export_record
from .models import CASE_TRANSITIONS, Case, CaseStatus, Procedure
from .receipts import receipt_number_normalize
from .staff_forms import AssignForm, CorrectionForm, InboxFilterForm, NoteForm, StatusForm
from .validation import form_answers_from_json

INBOX_PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


def _department_codes(staff: Any) -> set[str]:
    return staff_department_codes(staff=staff)


def _department_names(codes: set[str]) -> list[str]:
    municipality = municipality_current()
    if municipality is None:
        return sorted(codes)
    return list(
        department_list(municipality=municipality)
        .filter(code__in=codes)
        .order_by("sort_order", "code")
        .values_list("name", flat=True)
    )


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    codes = _department_codes(request.user)
    procedures = list(
        Procedure.objects.filter(department_code__in=codes).order_by("sort_order", "slug")
    )
    form = InboxFilterForm(
        request.GET or {"status": "open"}, procedures=[(p.slug, p.name) for p in procedures]
    )
    filters = form.cleaned_data if form.is_valid() else {"status": "open"}
    today = timezone.localdate()
    cases = selectors.case_inbox(
        department_codes=codes,
        status=filters.get("status", ""),
        procedure_slug=filters.get("procedure", ""),
        q=filters.get("q", ""),
        overdue_only=bool(filters.get("overdue")),
        mine=request.user if filters.get("mine") else None,
        today=today,
    )
    page = Paginator(cases, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for case in page.object_list:
        days_left = _days_left(case, today)
        overdue = -days_left if days_left is not None and days_left < 0 else 0
        rows.append((case, days_left, overdue))
    if rows:
        # The list shows applicants' names: reading it is audited.
        audit_log(
            action="read",
            object_type="procedures.case",
            object_id=",".join(row[0].receipt_number for row in rows)[:200],
            fields=["applicant_name"],
            purpose="受付箱の一覧の表示",
        )
    return render(
        request,
        "procedures/staff_inbox.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": selectors.case_status_counts(department_codes=codes),
            "statuses": CaseStatus.choices,
            "departments": _department_names(codes),
            "has_departments": bool(codes),
            "procedures": procedures,
        },
    )


def _days_left(case: Case, today: Any) -> int | None:
    if case.due_date is None or case.is_final:
        return None
    return business_days_between(today, case.due_date)


def _case_or_404(request: HttpRequest, receipt_number: str) -> Case:
    normalized = receipt_number_normalize(receipt_number)
    if normalized is None:
        raise Http404
    case = selectors.case_by_receipt(normalized, department_codes=_department_codes(request.user))
    if case is None:
        raise Http404
    return case


def _field_choices(case: Case) -> list[tuple[str, str]]:
    spec = form_spec_of(case.form_definition)
    return [
        (f.key, f.label)
        for f in spec.fields()
        if f.type not in {"file", "signature"} and f.key in case.answers
    ]


def _status_choices(case: Case) -> list[tuple[str, str]]:
    allowed = CASE_TRANSITIONS.get(case.status, frozenset()) - {CaseStatus.CORRECTION}
    return [(value, str(label)) for value, label in CaseStatus.choices if value in allowed]


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    status_form: StatusForm | None = None,
    correction_form: CorrectionForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    spec = form_spec_of(case.form_definition)
    labels = {f.key: f.label for f in spec.fields()}
    initial = {"revision": case.revision}
    audit_log(action="read", obj=case, purpose="申請内容の確認")
    return render(
        request,
        "procedures/staff_case.html",
        {
            "case": case,
            "procedure": case.procedure,
            "rows": webform.check_rows(spec, form_answers_from_json(spec, case.answers)),
            "events": list(case.events.select_related("actor")),
            "steps": list(case.steps.all()),
            "attachments": list(case.attachments.all()),
            "correction_labels": [labels.get(p, p) for p in case.correction_paths],
            "days_left": _days_left(case, timezone.localdate()),
            "status_form": status_form
            or StatusForm(initial=initial, statuses=_status_choices(case), prefix="status"),
            "correction_form": correction_form
            or CorrectionForm(initial=initial, fields=_field_choices(case), prefix="correction"),
            "note_form": note_form or NoteForm(prefix="note"),
            "can_correct": CaseStatus.CORRECTION in CASE_TRANSITIONS.get(case.status, frozenset()),
            "can_change": bool(_status_choices(case)),
            "assign_revision": case.revision,
        },
        status=status,
    )


@staff_required
@require_GET
def case_detail(request: HttpRequest, receipt_number: str) -> HttpResponse:
    return _render_case(request, _case_or_404(request, receipt_number))


def _conflict_or_error(request: HttpRequest, case: Case, exc: UkaiError) -> HttpResponse:
    english = not (get_language() or "ja").startswith("ja")
    messages.error(request, exc.message_en if english else exc.message_ja)
    return redirect("procedures_staff:case", receipt_number=case.receipt_number)


@staff_required
@require_POST
def case_status(request: HttpRequest, receipt_number: str) -> HttpResponse:
    case = _case_or_404(request, receipt_number)
    form = StatusForm(request.POST, statuses=_status_choices(case), prefix="status")
    if not form.is_valid():
        return _render_case(request, case, status_form=form, status=422)
    try:
        tasks.case_status_change(
            case=case,
            revision=form.cleaned_data["revision"],
            status=form.cleaned_data["status"],
            message=form.cleaned_data["message"],
            note=form.cleaned_data["note"],
            staff=request.user,
        )
    except UkaiError as exc:
        return _conflict_or_error(request, case, exc)
    messages.success(request, _("状態を変更しました。"))
    return redirect("procedures_staff:case", receipt_number=case.receipt_number)


@staff_required
@require_POST
def case_correction(request: HttpRequest, receipt_number: str) -> HttpResponse:
    case = _case_or_404(request, receipt_number)
    form = CorrectionForm(request.POST, fields=_field_choices(case), prefix="correction")
    if not form.is_valid():
        return _render_case(request, case, correction_form=form, status=422)
    try:
        tasks.case_correction_request(
            case=case,
            revision=form.cleaned_data["revision"],
            paths=form.cleaned_data["paths"],
            message=form.cleaned_data["message"],
            staff=request.user,
        )
    except UkaiError as exc:
        return _conflict_or_error(request, case, exc)
    messages.success(request, _("補正を依頼しました。申請者の状況のページに表示されます。"))
    return redirect("procedures_staff:case", receipt_number=case.receipt_number)


@staff_required
@require_POST
def case_note(request: HttpRequest, receipt_number: str) -> HttpResponse:
    case = _case_or_404(request, receipt_number)
    form = NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return _render_case(request, case, note_form=form, status=422)
    services.case_note_add(case=case, note=form.cleaned_data["note"], staff=request.user)
    messages.success(request, _("メモを追加しました。"))
    return redirect("procedures_staff:case", receipt_number=case.receipt_number)


@staff_required
@require_POST
def case_assign(request: HttpRequest, receipt_number: str) -> HttpResponse:
    case = _case_or_404(request, receipt_number)
    form = AssignForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.case_assign(
            case=case,
            revision=form.cleaned_data["revision"],
            staff=request.user,
            assignee=request.user if form.cleaned_data["assign"] == "me" else None,
        )
    except UkaiError as exc:
        return _conflict_or_error(request, case, exc)
    return redirect("procedures_staff:case", receipt_number=case.receipt_number)


@staff_required
@require_POST
def case_steps_rerun(request: HttpRequest, receipt_number: str) -> HttpResponse:
    case = _case_or_404(request, receipt_number)
    tasks.case_steps_rerun(case.pk)
    messages.success(request, _("受付後の処理をもう一度実行するよう予約しました。"))
    return redirect("procedures_staff:case", receipt_number=case.receipt_number)


@staff_required
@require_GET
def case_attachment(
    request: HttpRequest, receipt_number: str, attachment_id: UUID
) -> HttpResponseBase:
    """A resident's attachment, shown in the browser (images and PDFs were checked on upload)."""
    case = _case_or_404(request, receipt_number)
    attachment = selectors.attachment_of_case(case=case, attachment_id=attachment_id)
    if attachment is None:
        raise Http404
    audit_log(action="read", obj=attachment, purpose="添付ファイルの確認")
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if attachment.content_type.startswith("image/"):
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_required
@require_GET
def case_pdf(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """The case printed like the paper form (for the paper file, or a core system without import)."""
    case = _case_or_404(request, receipt_number)
    audit_log(action="export", obj=case, purpose="申請書のPDFの出力")
    response = HttpResponse(pdf.case_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.receipt_number}.pdf"'
    return response


@staff_required
@require_http_methods(["GET"])
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """A procedure's cases for a core system: CSV (UTF-8 with BOM, for Excel) or JSON."""
    codes = _department_codes(request.user)
    procedure = Procedure.objects.filter(slug=slug, department_code__in=codes).first()
    if procedure is None or fmt not in {"csv", "json"}:
        raise Http404
    status = request.GET.get("status", "")
    cases = selectors.case_inbox(department_codes=codes, procedure_slug=slug, status=status)
    cases = cases.select_related("form_definition").order_by("submitted_at", "pk")
    records = [case_export_record(case) for case in cases[:EXPORT_MAX_ROWS]]
    audit_log(
        action="export",
        object_type="procedures.case",
        object_id=slug,
        fields=["applicant_email", "applicant_name", "answers"],
        purpose=f"申請データの書き出し（{fmt.upper()}、{len(records)}件）",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{slug}-{stamp}.{fmt}"
    if fmt == "json":
        body = json.dumps(
            {"procedure": slug, "count": len(records), "cases": records},
            ensure_ascii=False,
            indent=2,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(_csv(procedure, records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_CSV_FIXED = [
    ("receipt_number", "受付番号"),
    ("status", "状態"),
    ("submitted_at", "受付日時"),
    ("due_date", "処理期限"),
    ("completed_at", "完了日時"),
    ("form_version", "様式の版"),
    ("channel", "受付の方法"),
    ("assurance", "本人確認の方法"),
    ("applicant_email", "メールアドレス"),
]


def _csv(procedure: Procedure, records: list[dict[str, Any]]) -> str:
    """One row per case; each top-level answer a column (groups and names as JSON)."""
    keys: list[str] = []
    for record in records:
        for key in record["answers"]:
            if key not in keys:
                keys.append(key)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _k, label in _CSV_FIXED] + keys)
    for record in records:
        row = [_cell(record.get(key)) for key, _label in _CSV_FIXED]
        row += [_cell(record["answers"].get(key)) for key in keys]
        writer.writerow(row)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "1" if value else "0"
    return spreadsheet_cell(value)
