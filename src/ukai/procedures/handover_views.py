"""The counter's page for a resident's online draft: type or scan the hand-over code, check,
correct and file it (書かない窓口, ADR 0045)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from ukai.core.errors import UkaiError
from ukai.core.service import Role, staff_required

from . import draft_handover, services, webform
from .formspec import UPLOAD_TYPES, FormSpec, form_spec_of
from .validation import (
    COUNTER_SIGNATURE_KEY,
    FieldError,
    counter_signature,
    form_validate,
)
from .views import _group_action

HANDOVER_ROLES = frozenset({Role.COUNTER, Role.DEPARTMENT, Role.MANAGER})


def _english() -> bool:
    return not (get_language() or "ja").startswith("ja")


def _message(exc: UkaiError) -> str:
    return exc.message_en if _english() else exc.message_ja


def _error_list(errors: list[FieldError]) -> list[dict[str, str]]:
    return [
        {
            "id": webform.dom_id(e.path),
            "message": e.message_en if _english() else e.message_ja,
        }
        for e in errors
    ]


def _unsigned(spec: FormSpec, answers: dict[str, Any]) -> list[dict[str, str]]:
    """Signature fields the resident has not signed on screen: signed on paper at the counter."""
    return [
        {"key": f.key, "label": f.label, "id": webform.dom_id(f.key)}
        for f in spec.fields()
        if f.type == "signature" and not isinstance(answers.get(f.key), dict)
    ]


def _counter_signed(spec: FormSpec, answers: dict[str, Any]) -> set[str]:
    return {
        f.key
        for f in spec.fields()
        if f.type == "signature"
        and isinstance(answers.get(f.key), dict)
        and COUNTER_SIGNATURE_KEY in answers[f.key]
    }


def _render(
    request: HttpRequest,
    *,
    mode: str,
    code: str = "",
    record: draft_handover.DraftRecord | None = None,
    answers: dict[str, Any] | None = None,
    errors: list[FieldError] | None = None,
    code_error: str = "",
    receipt_number: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "mode": mode,
        "code": code,
        "code_error": code_error,
        "receipt_number": receipt_number,
        "record": record,
        "english": _english(),
    }
    if record is not None:
        spec = form_spec_of(record.form_definition)
        current = answers if answers is not None else record.answers
        cleaned, remaining = form_validate(spec, current, at_counter=True)
        shown = errors if errors is not None else remaining
        context.update(
            {
                "rows": webform.check_rows(spec, cleaned),
                "errors": _error_list(shown),
                "error_count": len(remaining),
                "unsigned": _unsigned(spec, current),
                "counter_signed": sorted(_counter_signed(spec, current)),
                "steps": [
                    {
                        "step": step,
                        # Files and drawn signatures stay as the resident attached them.
                        "widgets": [
                            w
                            for w in webform.step_widgets(
                                spec,
                                step,
                                current,
                                [
                                    e
                                    for e in shown
                                    if webform.step_of_path(spec, e.path) == step.key
                                ],
                            )
                            if w.spec.type not in UPLOAD_TYPES
                        ],
                    }
                    for step in spec.steps
                ]
                if mode == "edit"
                else [],
            }
        )
    return render(request, "procedures/staff_handover.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """Type or scan a resident's hand-over code; check, correct and file the draft."""
    staff: Any = request.user
    if not (staff.is_superuser or staff.role in HANDOVER_ROLES):
        raise PermissionDenied
    if request.method == "GET":
        return _render(request, mode="enter")
    code = request.POST.get("code", "")[:100]
    action = request.POST.get("action", "open")
    try:
        record = draft_handover.draft_by_handover_code(code=code, staff=staff)
    except UkaiError as exc:
        return _render(
            request, mode="enter", code=code, code_error=_message(exc), status=exc.status
        )
    spec = form_spec_of(record.form_definition)
    if action == "submit":
        try:
            submitted = draft_handover.draft_submit_at_counter(
                code=code,
                answers=record.answers,
                staff=staff,
                status_link=lambda secret: request.build_absolute_uri(
                    reverse("procedures:status", args=[secret])
                ),
            )
        except services.FormAnswersInvalid as exc:
            return _render(
                request, mode="review", code=code, record=record, errors=exc.errors, status=422
            )
        except UkaiError as exc:
            return _render(
                request, mode="enter", code=code, code_error=_message(exc), status=exc.status
            )
        return _render(request, mode="done", receipt_number=submitted.case.receipt_number)
    if action == "edit":
        return _render(request, mode="edit", code=code, record=record)
    if action == "open":
        return _render(request, mode="review", code=code, record=record)
    # Saving corrections, or a button of the form (group 追加・削除, 郵便番号から住所を入力).
    answers = dict(record.answers)
    errors: list[FieldError] = []
    stay = False
    for step in spec.steps:
        answers.update(webform.step_answers(step, request.POST))
        stay = _group_action(step, answers, action) or stay
        if action.startswith("postal:"):
            errors += webform.postal_fill(step, answers, action.removeprefix("postal:"))
            stay = True
    for field in spec.fields():
        if field.type == "signature" and request.POST.get(f"counter_sign.{field.key}"):
            reference = f"窓口 {timezone.localdate().isoformat()} {staff.get_username()}"
            answers[field.key] = counter_signature(reference)
    remaining = draft_handover.draft_answers_correct_at_counter(
        code=code, answers=answers, staff=staff
    )
    record = draft_handover.draft_by_handover_code(code=code, staff=staff)
    if stay or errors:
        return _render(
            request,
            mode="edit",
            code=code,
            record=record,
            errors=errors or None,
            status=422 if errors else 200,
        )
    if remaining:
        return _render(request, mode="edit", code=code, record=record, status=422)
    return _render(request, mode="review", code=code, record=record)
