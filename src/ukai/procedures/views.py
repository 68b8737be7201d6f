"""Public pages: the procedure catalog (by life event, category, search) and a procedure."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ukai.core.errors import UkaiError
from ukai.core.service import department_list, municipality_current
from ukai.core.validators import CONTROL_CHARACTERS

from . import draft_handover, selectors, services, tasks, webform
from .formspec import FormSpec, StepSpec, form_spec_of, form_spec_parse
from .models import (
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    Draft,
    FormDefinition,
    LifeEvent,
    Procedure,
)
from .outline import form_outline
from .resident_auth import ResidentAuth, resident_auth_methods
from .validation import FieldError, form_answers_from_json, form_validate

logger = logging.getLogger(__name__)


class StartForm(forms.Form):
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        error_messages={
            "required": _("メールアドレスを入力してください。"),
            "invalid": _("メールアドレスの形式が正しくありません（例：taro@example.jp）。"),
        },
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[: selectors.MAX_QUERY_LENGTH]
    life_event = request.GET.get("life_event", "")
    life_event = life_event if life_event in LifeEvent.values else ""
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    filtered = bool(q or life_event or category)
    procedures = selectors.procedure_search(q=q, life_event=life_event, category=category)
    return render(
        request,
        "procedures/home.html",
        {
            "q": q,
            "life_event": life_event,
            "life_event_label": LifeEvent(life_event).label if life_event else "",
            "category": category,
            "category_label": Category(category).label if category else "",
            "filtered": filtered,
            "procedures": procedures,
            "with_form": selectors.procedure_ids_with_published_form(),
            "life_events": LifeEvent.choices,
            "categories": Category.choices,
            "english": not _ja(),
        },
    )


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = selectors.procedure_by_slug(slug)
    if procedure is None:
        raise Http404
    municipality = municipality_current()
    department = (
        department_list(municipality=municipality).filter(code=procedure.department_code).first()
        if municipality is not None
        else None
    )
    form = selectors.form_definition_current(procedure=procedure)
    outline = (
        form_outline(form_spec_parse(form.definition), english=not _ja())
        if form is not None
        else None
    )
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "department": department,
            "form": form,
            "outline": outline,
            "related": [p for p in procedure.related.all() if p.is_published],
            "english": not _ja(),
        },
    )


# --- the resident's application: start by e-mail, steps, check, submit, status, correction --------

DRAFT_SESSION_PREFIX = "procedures:draft:"
SUBMITTED_SESSION_KEY = "procedures:submitted"


def _procedure_with_form(slug: str) -> tuple[Procedure, FormDefinition]:
    procedure = selectors.procedure_by_slug(slug)
    if procedure is None or not procedure.is_online:  # its form serves the counter and the post
        raise Http404
    form = selectors.form_definition_current(procedure=procedure)
    if form is None:
        raise Http404
    return procedure, form


def _draft(request: HttpRequest, procedure: Procedure) -> Draft | None:
    """The session's draft of this procedure (it names the form version it answers)."""
    draft_id = request.session.get(f"{DRAFT_SESSION_PREFIX}{procedure.pk}")
    draft = selectors.draft_for_session(draft_id=draft_id, procedure=procedure)
    if draft is not None:
        draft.procedure = procedure
    return draft


def _draft_or_start(request: HttpRequest, slug: str) -> tuple[Procedure, Draft, FormSpec]:
    procedure = selectors.procedure_for_application(slug)
    if procedure is None or not procedure.is_online:
        raise Http404
    draft = _draft(request, procedure)
    if draft is None:
        raise _StartFirst
    return procedure, draft, form_spec_of(draft.form_definition)


class _StartFirst(Exception):
    """No confirmed draft in this browser: the resident starts with their e-mail address."""


def _step_index(spec: FormSpec, step_key: str) -> int:
    for index, step in enumerate(spec.steps):
        if step.key == step_key:
            return index
    raise Http404


def _step_errors(spec: FormSpec, step_key: str, answers: dict[str, Any]) -> list[FieldError]:
    _, errors = form_validate(spec, answers)
    return [e for e in errors if webform.step_of_path(spec, e.path) == step_key]


@require_http_methods(["GET", "POST"])
def apply_start(request: HttpRequest, slug: str) -> HttpResponse:
    procedure, form = _procedure_with_form(slug)
    draft = _draft(request, procedure)
    if draft is not None and request.method == "GET":
        spec = form_spec_of(draft.form_definition)
        return redirect("procedures:apply_step", slug=slug, step=spec.steps[0].key)
    email_form = StartForm(request.POST or None)
    if request.method == "POST" and email_form.is_valid():
        try:
            services.draft_link_rate_limit(client_address=request.META.get("REMOTE_ADDR", ""))
        except UkaiError as exc:
            email_form.add_error("email", exc.message_ja if _ja() else exc.message_en)
        else:
            email = email_form.cleaned_data["email"]
            draft, secret = services.draft_create(
                procedure=procedure, form_definition=form, email=email
            )
            link = request.build_absolute_uri(reverse("procedures:resume", args=[secret]))
            try:
                services.draft_link_send(draft=draft, link=link)
            except OSError:
                logger.exception("procedures: the link e-mail could not be sent")
                draft.delete()
                return render(
                    request,
                    "procedures/apply_start.html",
                    {
                        "procedure": procedure,
                        "form": form,
                        "email_form": email_form,
                        "send_failed": True,
                    },
                    status=503,
                )
            return render(
                request, "procedures/apply_sent.html", {"procedure": procedure, "email": email}
            )
    return render(
        request,
        "procedures/apply_start.html",
        {
            "procedure": procedure,
            "form": form,
            "email_form": email_form,
            "other_methods": [
                (method.identifier, method.label) for method in resident_auth_methods()
            ],
        },
        status=422 if email_form.errors else 200,
    )


def _auth_method(identifier: str) -> ResidentAuth:
    for method in resident_auth_methods():
        if method.identifier == identifier:
            return method
    raise Http404


@require_GET
def auth_start(request: HttpRequest, slug: str, method: str) -> HttpResponse:
    """Hand the resident to a configured authentication platform (a JPKI plugin)."""
    procedure, _form = _procedure_with_form(slug)
    request.session["procedures:auth_for"] = slug
    return _auth_method(method).start(request, procedure)


@require_http_methods(["GET", "POST"])
def auth_complete(request: HttpRequest, method: str) -> HttpResponse:
    """The platform's answer: a draft with the identity it vouches for, then the first step."""
    slug = str(request.session.get("procedures:auth_for", ""))
    procedure, form = _procedure_with_form(slug)
    try:
        identity = _auth_method(method).complete(request)
    except UkaiError as exc:
        return render(request, "procedures/link_invalid.html", {"error": exc}, status=exc.status)
    draft, _secret = services.draft_create(
        procedure=procedure,
        form_definition=form,
        email=identity.email,
        assurance=identity.assurance,
    )
    services.draft_open_verified(draft=draft)
    request.session.cycle_key()
    request.session[f"{DRAFT_SESSION_PREFIX}{procedure.pk}"] = draft.pk
    spec = form_spec_of(form)
    return redirect("procedures:apply_step", slug=slug, step=spec.steps[0].key)


@require_GET
def resume(request: HttpRequest, secret: str) -> HttpResponse:
    """The link from the e-mail: confirms the address and opens (or resumes) the application."""
    try:
        draft = services.draft_open(secret=secret[:100])
    except UkaiError as exc:
        return render(request, "procedures/link_invalid.html", {"error": exc}, status=exc.status)
    request.session.cycle_key()
    request.session[f"{DRAFT_SESSION_PREFIX}{draft.procedure_id}"] = draft.pk
    slug = draft.procedure.slug
    if draft.answers:
        return redirect("procedures:apply_check", slug=slug)
    spec = form_spec_of(draft.form_definition)
    return redirect("procedures:apply_step", slug=slug, step=spec.steps[0].key)


def _refuse_controls(request: HttpRequest) -> HttpResponse | None:
    """The steps are multipart forms (for files), which the core's middleware does not read:
    refuse control characters here, before a NUL reaches the database."""
    for key, values in request.POST.lists():
        if CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values):
            return HttpResponse(
                "入力に使えない文字（制御文字）が含まれています。入力内容を確認してください。\n"
                "The input contains control characters that cannot be used. Please check it.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
    return None


# A step carries at most one file per field of 10 MB and some text: a larger body is
# refused from its Content-Length, before Django spools it to disk.
MAX_STEP_BODY = 25 * 1024 * 1024


def _refuse_huge(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= MAX_STEP_BODY:
        return None
    return HttpResponse(
        "送信された内容が大きすぎます（添付ファイルは1つ10 MBまでです）。ファイルを小さくしてから、もう一度お試しください。\n"
        "The request is too large (attachments are limited to 10 MB each). Please use smaller files and try again.",
        status=413,
        content_type="text/plain; charset=utf-8",
    )


@require_http_methods(["GET", "POST"])
def apply_step(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    if request.method == "POST" and (refused := _refuse_huge(request) or _refuse_controls(request)):
        return refused
    try:
        procedure, draft, spec = _draft_or_start(request, slug)
    except _StartFirst:
        return redirect("procedures:apply", slug=slug)
    form = draft.form_definition
    index = _step_index(spec, step)
    current = spec.steps[index]
    answers = dict(draft.answers)
    errors: list[FieldError] = []
    handover: draft_handover.HandoverCode | None = None
    if request.method == "POST":
        answers.update(webform.step_answers(current, request.POST))
        action = request.POST.get("action", "next")
        stay = _group_action(current, answers, action)  # 追加・削除: same step again
        if action.startswith("postal:"):
            errors = webform.postal_fill(current, answers, action.removeprefix("postal:"))
            stay = True
        if action.startswith("clear:"):
            services.attachment_clear(draft=draft, field_key=action.removeprefix("clear:"))
            answers.pop(action.removeprefix("clear:"), None)
            stay = True
        upload_errors = _store_uploads(request, draft, spec, current, answers)
        if upload_errors:
            errors, stay = upload_errors, True
        services.draft_answers_save(draft=draft, answers=answers)
        if action == "handover":  # 「窓口で続きを手続する」: keep this step's answers, show a code
            handover = draft_handover.handover_code_issue(draft=draft)
            stay, errors = True, upload_errors
        if action == "save":
            return render(
                request,
                "procedures/apply_saved.html",
                {"procedure": procedure, "draft": draft, "step": current},
            )
        if not stay:
            errors = _step_errors(spec, current.key, answers)
            if not errors:
                if index + 1 < len(spec.steps):
                    return redirect(
                        "procedures:apply_step", slug=slug, step=spec.steps[index + 1].key
                    )
                return redirect("procedures:apply_check", slug=slug)
    widgets = webform.step_widgets(spec, current, answers, errors)
    return render(
        request,
        "procedures/apply_step.html",
        {
            "procedure": procedure,
            "form": form,
            "spec": spec,
            "step": current,
            "step_number": index + 1,
            "step_count": len(spec.steps),
            "previous": spec.steps[index - 1] if index > 0 else None,
            "widgets": widgets,
            "english": not _ja(),
            "errors": _error_list(errors),
            **_handover_context(handover),
        },
        status=422 if errors else 200,
    )


def _handover_context(handover: draft_handover.HandoverCode | None) -> dict[str, Any]:
    """The 「窓口で続きを手続する」 disclosure's code and QR code, when the resident asked for one."""
    if handover is None:
        return {"handover": None}
    return {"handover": handover, "handover_svg": draft_handover.handover_qr_svg(handover)}


def _store_uploads(
    request: HttpRequest, draft: Draft, spec: FormSpec, step: StepSpec, answers: dict[str, Any]
) -> list[FieldError]:
    """Keep the files attached on this step; a rejected file is a field error and stores nothing."""
    errors = []
    for field in step.fields:
        try:
            if field.type == "signature" and request.POST.get(field.key):
                answers[field.key] = services.signature_store(
                    draft=draft, field=field, data_url=request.POST[field.key]
                )
                continue
            uploaded = request.FILES.get(field.key) if field.type == "file" else None
            if uploaded is None:
                continue
            answers[field.key] = services.attachment_store(
                draft=draft, field=field, uploaded=uploaded
            )
        except UkaiError as exc:
            errors.append(FieldError(field.key, exc.code, exc.message_ja, exc.message_en))
    return errors


def _error_list(errors: list[FieldError]) -> list[dict[str, str]]:
    return [
        {"id": webform.dom_id(e.path), "message": e.message_ja if _ja() else e.message_en}
        for e in errors
    ]


@require_POST
def apply_resend(request: HttpRequest, slug: str) -> HttpResponse:
    """「リンクをもう一度送る」 from the saved page: a new link replaces the old one."""
    try:
        procedure, draft, _spec = _draft_or_start(request, slug)
    except _StartFirst:
        return redirect("procedures:apply", slug=slug)
    try:
        services.draft_link_rate_limit(client_address=request.META.get("REMOTE_ADDR", ""))
    except UkaiError as exc:
        return render(request, "procedures/link_invalid.html", {"error": exc}, status=exc.status)
    secret = services.draft_link_renew(draft=draft)
    link = request.build_absolute_uri(reverse("procedures:resume", args=[secret]))
    services.draft_link_send(draft=draft, link=link)
    return render(
        request,
        "procedures/apply_sent.html",
        {"procedure": procedure, "email": draft.email, "resent": True},
    )


def _ja() -> bool:
    return (get_language() or "ja").startswith("ja")


def _group_action(step: StepSpec, answers: dict[str, Any], action: str) -> bool:
    """Apply 「追加」/「削除」 of a repeating group's item; True if the action was one."""
    verb, _, rest = action.partition(":")
    if verb not in {"add", "remove"}:
        return False
    key, _, number = rest.partition(":")
    spec = next((f for f in step.fields if f.key == key and f.type == "group"), None)
    if spec is None:
        return False
    items = answers.get(key)
    items = items if isinstance(items, list) else []
    if verb == "add" and len(items) < spec.max_items:
        items.append({})
    elif verb == "remove" and number.isdigit() and int(number) < len(items):
        del items[int(number)]
    answers[key] = items
    return True


@require_http_methods(["GET", "POST"])
def apply_check(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        procedure, draft, spec = _draft_or_start(request, slug)
    except _StartFirst:
        submitted = _submitted_here(request, slug)
        if submitted is not None:  # the browser's back button after submitting
            return redirect("procedures:submitted", slug=slug)
        return redirect("procedures:apply", slug=slug)
    form = draft.form_definition
    cleaned, errors = form_validate(spec, draft.answers)
    handover: draft_handover.HandoverCode | None = None
    if request.method == "POST" and request.POST.get("action") == "handover":
        handover = draft_handover.handover_code_issue(draft=draft)
    elif request.method == "POST" and not errors:
        try:
            result = tasks.case_submit(
                procedure=procedure,
                form_definition=form,
                answers=draft.answers,
                channel=Channel.ONLINE,
                assurance=draft.assurance,
                email=draft.email,
                status_link=lambda secret: request.build_absolute_uri(
                    reverse("procedures:status", args=[secret])
                ),
                draft=draft,
            )
        except services.FormAnswersInvalid:  # the rules changed under the resident: show why
            pass
        else:
            request.session.pop(f"{DRAFT_SESSION_PREFIX}{procedure.pk}", None)
            request.session[SUBMITTED_SESSION_KEY] = {
                "slug": slug,
                "case": result.case.pk,
                "secret": result.status_secret,
            }
            return redirect("procedures:submitted", slug=slug)
    first_error_step = webform.step_of_path(spec, errors[0].path) if errors else ""
    return render(
        request,
        "procedures/apply_check.html",
        {
            "procedure": procedure,
            "form": form,
            "spec": spec,
            "draft": draft,
            "rows": webform.check_rows(spec, cleaned),
            "error_count": len(errors),
            "first_error_step": first_error_step,
            **_handover_context(handover),
        },
        status=422 if errors and request.method == "POST" and handover is None else 200,
    )


def _submitted_here(request: HttpRequest, slug: str) -> dict[str, Any] | None:
    stored = request.session.get(SUBMITTED_SESSION_KEY)
    if isinstance(stored, dict) and stored.get("slug") == slug:
        return stored
    return None


@require_GET
def submitted(request: HttpRequest, slug: str) -> HttpResponse:
    """The confirmation page: the receipt number and the status page's link."""
    stored = _submitted_here(request, slug)
    if stored is None:
        return redirect("procedures:detail", slug=slug)
    case = selectors.case_by_status_secret(str(stored["secret"]))
    if case is None:
        raise Http404
    return render(
        request,
        "procedures/submitted.html",
        {
            "case": case,
            "procedure": case.procedure,
            "status_url": request.build_absolute_uri(
                reverse("procedures:status", args=[stored["secret"]])
            ),
        },
    )


def _case_for_resident(secret: str) -> Case:
    case = selectors.case_by_status_secret(secret[:100])
    if case is None:
        raise Http404
    return case


@require_GET
def status(request: HttpRequest, secret: str) -> HttpResponse:
    """The resident's status page (受付 → 審査中 → 補正依頼 → 完了 / 却下) with the city's messages."""
    case = _case_for_resident(secret)
    spec = form_spec_of(case.form_definition)
    labels = {f.key: f.label for f in spec.fields()}
    events = [e for e in case.events.all() if e.kind != CaseEvent.Kind.NOTE]
    return render(
        request,
        "procedures/status.html",
        {
            "case": case,
            "procedure": case.procedure,
            "secret": secret,
            "events": events,
            "correction_labels": [labels.get(p, p) for p in case.correction_paths],
            "rows": webform.check_rows(spec, form_answers_from_json(spec, case.answers)),
            "steps": CASE_PROGRESS,
        },
    )


CASE_PROGRESS = [CaseStatus.RECEIVED, CaseStatus.REVIEWING, CaseStatus.COMPLETED]


def _correction_step(spec: FormSpec, paths: list[str]) -> StepSpec:
    fields = [f for f in spec.fields() if f.key in paths]
    return StepSpec(key="correction", title="補正", title_en="Correction", fields=fields)


@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, secret: str) -> HttpResponse:
    """The correction (補正): only the fields staff named are open; the rest stays as submitted."""
    if request.method == "POST" and (refused := _refuse_controls(request)):
        return refused
    case = _case_for_resident(secret)
    if case.status != CaseStatus.CORRECTION or not case.correction_paths:
        return redirect("procedures:status", secret=secret)
    spec = form_spec_of(case.form_definition)
    step = _correction_step(spec, case.correction_paths)
    answers = dict(case.answers)
    errors: list[FieldError] = []
    if request.method == "POST":
        answers.update(webform.step_answers(step, request.POST))
        action = request.POST.get("action", "next")
        stay = _group_action(step, answers, action)
        if action.startswith("postal:"):
            errors = webform.postal_fill(step, answers, action.removeprefix("postal:"))
            stay = True
        if not stay and not errors:
            try:
                services.case_correct(
                    case=case, answers={k: answers.get(k) for k in case.correction_paths}
                )
            except services.FormAnswersInvalid as exc:
                errors = exc.errors
            except UkaiError:
                return redirect("procedures:status", secret=secret)
            else:
                return redirect(f"{reverse('procedures:status', args=[secret])}?corrected=1")
    outside = [e for e in errors if e.path.split(".", 1)[0] not in case.correction_paths]
    return render(
        request,
        "procedures/correct.html",
        {
            "case": case,
            "procedure": case.procedure,
            "secret": secret,
            "widgets": webform.step_widgets(spec, step, answers, errors),
            "errors": _error_list(errors),
            "outside_errors": bool(outside),
            "english": not _ja(),
        },
        status=422 if errors else 200,
    )
