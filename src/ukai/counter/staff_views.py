"""The counter's staff pages: a visit from reception to the cases, life events, the dashboard.

Every page works without JavaScript (POST, then redirect); the interview hides
questions that do not apply and the signature pad draws on a canvas when
scripts run. Errors of a step are shown on the step and change nothing.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ukai.core.errors import UkaiError
from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.wareki import wareki_format, wareki_parse
from ukai.core.service import department_list, municipality_current, staff_required
from ukai.procedures import service as procedures
from ukai.residents import service as residents

from . import formfields, lifeevents, selectors, services
from .access import (
    staff_can_edit_rules,
    staff_can_read_rules,
    staff_can_see_dashboard,
    staff_can_serve,
)
from .models import Baseline, LifeEvent, Visit, VisitStatus, VisitStep
from .queue import service as queue
from .templatetags.counter_i18n import english, localized_value

STEP_VIEWS = {
    VisitStep.IDENTIFY: "counter:identify",
    VisitStep.INTERVIEW: "counter:interview",
    VisitStep.PROCEDURES: "counter:procedures",
    VisitStep.FORMS: "counter:forms",
    VisitStep.SIGN: "counter:sign",
    VisitStep.DONE: "counter:done",
}
STEPS = [
    (VisitStep.IDENTIFY, gettext_lazy("本人確認")),
    (VisitStep.INTERVIEW, gettext_lazy("聞き取り")),
    (VisitStep.PROCEDURES, gettext_lazy("手続の確認")),
    (VisitStep.FORMS, gettext_lazy("申請書")),
    (VisitStep.SIGN, pgettext_lazy("visit step", "署名")),
    (VisitStep.DONE, pgettext_lazy("visit step", "完了")),
]
MANUAL_ROWS = 6


def _serve(request: HttpRequest) -> None:
    if not staff_can_serve(staff=request.user):
        raise PermissionDenied


def _departments() -> dict[str, str]:
    municipality = municipality_current()
    if municipality is None:
        return {}
    return {d.code: d.name for d in department_list(municipality=municipality)}


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    _serve(request)
    try:
        return selectors.visit_get(visit_id=visit_id)
    except UkaiError as exc:
        raise Http404(exc.message) from None


def _revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _go(visit: Visit) -> HttpResponseRedirect:
    if visit.status == VisitStatus.CANCELLED:
        return redirect("counter:home")
    return redirect(STEP_VIEWS[VisitStep(visit.step)], visit_id=visit.pk)


def _context(visit: Visit, current: str, **extra: Any) -> dict[str, Any]:
    order = [s for s, _label in STEPS]
    reached = order.index(VisitStep(visit.step))
    steps = [
        {
            "key": key,
            "label": label,
            "url": reverse(STEP_VIEWS[key], args=[visit.pk])
            if i <= reached and visit.status == VisitStatus.OPEN
            else "",
            "current": key == current,
            "done": i < reached,
        }
        for i, (key, label) in enumerate(STEPS)
    ]
    ticket = None
    if visit.ticket_id:
        try:
            ticket = queue.ticket_get(ticket_id=visit.ticket_id)
        except UkaiError:
            ticket = None
    return {
        "visit": visit,
        "steps": steps,
        "ticket": ticket,
        "departments": _departments(),
        **extra,
    }


def _names_en() -> dict[str, str]:
    """Published procedures' English names by slug, read only for a page shown in English."""
    if not english():
        return {}
    return {p.slug: p.name_en for p in procedures.procedure_search() if p.name_en}


def _open_visit_step(
    view: Callable[[HttpRequest, Visit], HttpResponse],
) -> Callable[..., HttpResponseBase]:
    """A step of an open visit (GET shows it, POST saves it); a closed visit goes to its summary."""

    @staff_required
    @require_http_methods(["GET", "POST"])
    @functools.wraps(view)
    def step(request: HttpRequest, visit_id: int) -> HttpResponse:
        visit = _visit(request, visit_id)
        if visit.status != VisitStatus.OPEN:
            return _go(visit)
        return view(request, visit)

    return step


def _conflict_or_error(request: HttpRequest, error: UkaiError) -> None:
    messages.error(request, error.message)


# --- Home: start a visit, open visits ---------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    _serve(request)
    events = list(selectors.life_events_active())
    error = ""
    if request.method == "POST":
        event = next((e for e in events if e.code == request.POST.get("life_event")), None)
        ticket_id: int | None = None
        ticket_number = ""
        raw_ticket = request.POST.get("ticket_id", "").strip()
        if raw_ticket:
            try:
                ticket = queue.ticket_get(ticket_id=int(raw_ticket))
                ticket_id, ticket_number = ticket.id, ticket.number
            except (ValueError, UkaiError):
                error = _("整理券が見つかりません。番号を確認してください。 / No such ticket.")
        if event is None:
            error = _("ライフイベントを選んでください。 / Choose a life event.")
        if not error and event is not None:
            visit = services.visit_start(
                life_event=event,
                staff=request.user,
                ticket_id=ticket_id,
                ticket_number=ticket_number,
            )
            return _go(visit)
    page = Paginator(selectors.visits_open(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "counter/home.html",
        {
            "events": events,
            "page": page,
            "error": error,
            "tickets": selectors.tickets_at_desks(),
            "ticket_id": request.GET.get("ticket", request.POST.get("ticket_id", "")),
            "can_edit_rules": staff_can_edit_rules(staff=request.user),
        },
        status=422 if error else 200,
    )


@staff_required
@require_GET
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _go(_visit(request, visit_id))


# --- Identification ----------------------------------------------------------------------------


def _manual_rows(request: HttpRequest, visit: Visit) -> list[dict[str, str]]:
    if request.method == "POST":
        return [
            {
                key: request.POST.get(f"p{i}-{key}", "")
                for key in ("name", "kana", "birth_date", "sex", "relationship")
            }
            for i in range(MANUAL_ROWS)
        ]
    rows = [dict(p) for p in visit.persons] if not visit.household_number else []
    return rows + [{} for _ in range(MANUAL_ROWS - len(rows))]


@_open_visit_step
def identify(request: HttpRequest, visit: Visit) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    birth = request.GET.get("birth_date", "").strip()
    applicant_id = request.GET.get("applicant", "")
    results: list[Any] = []
    household = None
    search_error = ""
    manual_errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("mode") == "manual":
                services.visit_identify_manual(
                    visit=visit,
                    revision=_revision(request),
                    persons=_manual_rows(request, visit),
                    contact={
                        k: request.POST.get(k, "")
                        for k in (
                            "phone",
                            "email",
                            "postal_code",
                            "address",
                            "former_address",
                            "former_municipality",
                        )
                    },
                    staff=request.user,
                )
            else:
                services.visit_identify(
                    visit=visit,
                    revision=_revision(request),
                    applicant_id=request.POST.get("applicant", ""),
                    concerned_ids=request.POST.getlist("concerned"),
                    staff=request.user,
                )
                phone = request.POST.get("phone", "").strip()
                if phone:
                    visit.refresh_from_db()
                    visit.contact = {**visit.contact, "phone": phone[:20]}
                    visit.save(update_fields=["contact", "updated_at"])
            visit.refresh_from_db()
            return _go(visit)
        except services.InterviewInvalid as exc:
            manual_errors = {k: f"{v[0]} / {v[1]}" for k, v in exc.errors.items()}
        except UkaiError as exc:
            _conflict_or_error(request, exc)
            visit.refresh_from_db()
    if (q or birth) and not applicant_id:
        birth_date = None
        if birth:
            try:
                birth_date = wareki_parse(birth)
            except JapaneseInputError as exc:
                search_error = f"{exc.message_ja} / {exc.message_en}"
        if not search_error:
            results = residents.resident_search(
                purpose=services.IDENTITY_PURPOSE, text=q, birth_date=birth_date, limit=20
            )
            if not results:
                search_error = services.ResidentNotFound().message
    if applicant_id:
        record = residents.resident_by_id(person_id=applicant_id, purpose=services.IDENTITY_PURPOSE)
        if record is None or not record.is_active:
            search_error = services.ResidentNotFound().message
        else:
            household = residents.household_of(resident=record, purpose=services.IDENTITY_PURPOSE)
    manual = _manual_rows(request, visit)
    return render(
        request,
        "counter/identify.html",
        _context(
            visit,
            VisitStep.IDENTIFY,
            q=q,
            birth=birth,
            results=[(r, wareki_format(r.birth_date)) for r in results],
            household=household,
            applicant_id=applicant_id,
            search_error=search_error,
            manual=[(i, row) for i, row in enumerate(manual)],
            manual_errors=manual_errors,
            manual_first=visit.life_event.code == "moving_in",
        ),
        status=422 if manual_errors else 200,
    )


# --- Interview ---------------------------------------------------------------------------------


@_open_visit_step
def interview(request: HttpRequest, visit: Visit) -> HttpResponse:
    if not visit.persons:
        return redirect("counter:identify", visit_id=visit.pk)
    spec = services.visit_spec(visit)
    errors: dict[str, tuple[str, str]] = {}
    raw: dict[str, str] = {k: str(v) for k, v in visit.answers.items()}
    if request.method == "POST":
        raw = {q.key: request.POST.get(q.key, "") for q in spec.questions}
        try:
            visit = services.visit_interview_save(
                visit=visit, revision=_revision(request), raw_answers=raw, staff=request.user
            )
            return _go(visit)
        except services.InterviewInvalid as exc:
            errors = exc.errors
        except UkaiError as exc:
            _conflict_or_error(request, exc)
            visit.refresh_from_db()
    facts = services.visit_facts(visit)
    questions = [
        {
            "q": q,
            "value": raw.get(q.key, ""),
            "error": errors.get(q.key),
            "choices": (
                [("yes", _("はい")), ("no", _("いいえ"))]
                if q.type == "yes_no"
                else [(c.value, localized_value(c, "label")) for c in q.choices]
            ),
            "show_when": json.dumps(q.show_when.model_dump(by_alias=True, exclude_none=True))
            if q.show_when
            else "",
        }
        for q in spec.questions
    ]
    return render(
        request,
        "counter/interview.html",
        _context(
            visit,
            VisitStep.INTERVIEW,
            questions=questions,
            errors=errors,
            facts=facts,
            facts_json=json.dumps(facts),
            fact_labels=[(lifeevents.FACTS[k], v) for k, v in facts.items()],
        ),
        status=422 if errors else 200,
    )


# --- Procedures --------------------------------------------------------------------------------


@_open_visit_step
def procedures_view(request: HttpRequest, visit: Visit) -> HttpResponse:
    if request.method == "POST":
        try:
            visit = services.visit_procedures_save(
                visit=visit,
                revision=_revision(request),
                selected=request.POST.getlist("selected"),
                added=[request.POST.get("add", "")],
                staff=request.user,
            )
            return _go(visit)
        except UkaiError as exc:
            _conflict_or_error(request, exc)
            visit.refresh_from_db()
    chosen = {row["slug"] for row in visit.procedures}
    catalog = [p for p in procedures.procedure_search(channel="counter") if p.slug not in chosen]
    departments = _departments()
    names_en = _names_en()
    rows = [
        {
            **row,
            "department": departments.get(row["department_code"], row["department_code"]),
            "name_en": names_en.get(row["slug"], ""),
        }
        for row in visit.procedures
    ]
    return render(
        request,
        "counter/procedures.html",
        _context(visit, VisitStep.PROCEDURES, catalog=catalog, rows=rows),
    )


# --- Forms -------------------------------------------------------------------------------------


def _form_blocks(visit: Visit, errors: dict[str, list[Any]]) -> list[dict[str, Any]]:
    blocks = []
    departments = _departments()
    names_en = _names_en()
    index = 0
    for row in visit.procedures:
        if not row.get("selected"):
            continue
        found = services.procedure_form(row["slug"])
        if found is None:
            continue
        _procedure, _form, spec = found
        problems = errors.get(row["slug"], [])
        by_path = {e.path: f"{e.message_ja} / {e.message_en}" for e in problems}
        blocks.append(
            {
                "row": {**row, "name_en": names_en.get(row["slug"], "")},
                "department": departments.get(row["department_code"], row["department_code"]),
                "title": localized_value(spec, "title"),
                "prefix": f"f{index}-",
                "widgets": formfields.widgets(
                    spec,
                    visit.forms.get(row["slug"], {}),
                    prefix=f"f{index}-",
                    errors=by_path,
                    prefilled=visit.prefilled.get(row["slug"], {}),
                ),
                "errors": problems,
                "problems": [
                    (e, formfields.error_anchor(spec, f"f{index}-", e.path)) for e in problems
                ],
                "spec": spec,
            }
        )
        index += 1
    return blocks


@_open_visit_step
def forms(request: HttpRequest, visit: Visit) -> HttpResponse:
    if visit.step in {VisitStep.IDENTIFY, VisitStep.INTERVIEW, VisitStep.PROCEDURES}:
        return _go(visit)
    errors: dict[str, list[Any]] = {}
    if request.method == "POST":
        posted = {}
        for block in _form_blocks(visit, {}):
            posted[block["row"]["slug"]] = formfields.answers_from_post(
                block["spec"], request.POST, prefix=block["prefix"]
            )
        try:
            errors = services.visit_forms_save(
                visit=visit, revision=_revision(request), forms=posted, staff=request.user
            )
            visit.refresh_from_db()
            if not errors and request.POST.get("action") != "check":
                return _go(visit)
        except UkaiError as exc:
            _conflict_or_error(request, exc)
            visit.refresh_from_db()
    blocks = _form_blocks(visit, errors)
    count = sum(len(b["errors"]) for b in blocks)
    return render(
        request,
        "counter/forms.html",
        _context(visit, VisitStep.FORMS, blocks=blocks, error_count=count),
        status=422 if count else 200,
    )


# --- Signature and finish ---------------------------------------------------------------------


def _summary(visit: Visit) -> list[dict[str, Any]]:
    rows = []
    departments = _departments()
    for row in visit.procedures:
        if not row.get("selected"):
            continue
        found = services.procedure_form(row["slug"])
        if found is None:
            continue
        spec = found[2]
        answers = visit.forms.get(row["slug"], {})
        cleaned, _errors = procedures.form_validate(spec, answers, at_counter=True)
        values = []
        for field_spec in spec.fields():
            if field_spec.key in cleaned:
                values.append(
                    (
                        localized_value(field_spec, "label"),
                        procedures.form_value_display(field_spec, cleaned[field_spec.key]),
                    )
                )
        rows.append(
            {
                "row": row,
                "title": localized_value(spec, "title"),
                "department": departments.get(row["department_code"], row["department_code"]),
                "values": values,
            }
        )
    return rows


@_open_visit_step
def sign(request: HttpRequest, visit: Visit) -> HttpResponse:
    if visit.step != VisitStep.SIGN:
        return _go(visit)
    error = ""
    if request.method == "POST":
        try:
            visit = services.visit_finish(
                visit=visit,
                revision=_revision(request),
                signature=request.POST.get("signature", ""),
                signed_on_paper=request.POST.get("signed_on_paper") == "on",
                staff=request.user,
            )
            if visit.ticket_id:
                # The desk may have ended the ticket's service already.
                with contextlib.suppress(UkaiError):
                    queue.service_end(ticket_id=visit.ticket_id, staff=request.user)
            messages.success(request, _("すべての申請を受け付けました。"))
            return _go(visit)
        except services.FormsInvalid as exc:
            messages.error(request, exc.message)
            return redirect("counter:forms", visit_id=visit.pk)
        except UkaiError as exc:
            error = exc.message
            visit.refresh_from_db()
    return render(
        request,
        "counter/sign.html",
        _context(visit, VisitStep.SIGN, summary=_summary(visit), error=error),
        status=422 if error else 200,
    )


@staff_required
@require_GET
def preview_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Every form of the visit as one PDF to print and sign (before the cases exist)."""
    visit = _visit(request, visit_id)
    try:
        pdf = services.visit_forms_pdf(visit)
    except UkaiError as exc:
        messages.error(request, exc.message)
        return redirect("counter:forms", visit_id=visit.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}-preview.pdf"'
    return response


@staff_required
@require_GET
def done(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    if visit.status == VisitStatus.OPEN:
        return _go(visit)
    departments = _departments()
    names_en = _names_en()
    in_person = sorted(
        {
            row["department_code"]
            for row in visit.procedures
            if row.get("selected") and row.get("in_person")
        }
    )
    return render(
        request,
        "counter/done.html",
        _context(
            visit,
            VisitStep.DONE,
            receipts=[
                {
                    **r,
                    "department": departments.get(r["department_code"], r["department_code"]),
                    "name_en": names_en.get(r.get("slug", ""), ""),
                }
                for r in visit.receipts
            ],
            in_person=[(code, departments.get(code, code)) for code in in_person],
            all_departments=sorted(departments.items(), key=lambda kv: kv[1]),
        ),
    )


@staff_required
@require_GET
def batch_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    if visit.status != VisitStatus.FINISHED:
        return _go(visit)
    cases = procedures.cases_by_receipt([r["receipt"] for r in visit.receipts])
    pdf = procedures.cases_pdf(cases=cases)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}.pdf"'
    return response


@staff_required
@require_POST
def route(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    code = request.POST.get("department", "")
    if code not in _departments():
        messages.error(request, _("案内先の課を選んでください。 / Choose the department."))
        return redirect("counter:done", visit_id=visit.pk)
    if visit.ticket_id:
        try:
            queue.ticket_route(ticket_id=visit.ticket_id, department_code=code, staff=request.user)
        except UkaiError as exc:
            messages.error(request, exc.message)
            return redirect("counter:done", visit_id=visit.pk)
    services.visit_route(visit=visit, department_code=code, staff=request.user)
    messages.success(request, _("他の窓口への案内を記録しました。"))
    return redirect("counter:done", visit_id=visit.pk)


@staff_required
@require_POST
def cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    try:
        services.visit_cancel(visit=visit, revision=_revision(request), staff=request.user)
        messages.success(request, _("来庁記録を取り消しました。申請は作成していません。"))
        return redirect("counter:home")
    except UkaiError as exc:
        _conflict_or_error(request, exc)
        return _go(selectors.visit_get(visit_id=visit.pk))


# --- Life events -------------------------------------------------------------------------------


@staff_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    if not staff_can_read_rules(staff=request.user):
        raise PermissionDenied
    return render(
        request,
        "counter/events.html",
        {"events": LifeEvent.objects.all(), "can_edit": staff_can_edit_rules(staff=request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not staff_can_read_rules(staff=request.user):
        raise PermissionDenied
    event = selectors.life_event_get(code=code)
    if event is None:
        raise UkaiError(
            code="life_event_not_found",
            message_ja="指定されたライフイベントはありません。",
            message_en="No such life event.",
            status=404,
        )
    can_edit = staff_can_edit_rules(staff=request.user)
    text = json.dumps(event.spec, ensure_ascii=False, indent=2)
    problems: list[dict[str, Any]] = []
    results: list[lifeevents.CaseResult] = []
    saved = False
    status = 200
    if request.method == "POST":
        text = request.POST.get("definition", "")
        try:
            definition = json.loads(text)
        except json.JSONDecodeError as exc:
            problems = [{"loc": f"{exc.lineno}行 {exc.colno}文字目", "message": exc.msg}]
            definition = None
        if definition is not None:
            try:
                if request.POST.get("action") == "save":
                    if not can_edit:
                        raise PermissionDenied
                    services.life_event_update(
                        event=event,
                        revision=_revision(request),
                        definition=definition,
                        staff=request.user,
                    )
                    messages.success(request, _("規則を保存しました。"))
                    return redirect("counter:event", code=event.code)
                _spec, results = services.life_event_check(definition)
            except lifeevents.LifeEventInvalid as exc:
                problems = exc.problems
            except services.LifeEventTestsFailed as exc:
                results = exc.results
                messages.error(request, exc.message)
            except UkaiError as exc:
                messages.error(request, exc.message)
        status = 422 if problems or any(not r.passed for r in results) else 200
    elif request.GET.get("run") == "1":
        _spec, results = services.life_event_check(event.spec)
    return render(
        request,
        "counter/event.html",
        {
            "event": event,
            "text": text,
            "problems": problems,
            "results": results,
            "can_edit": can_edit,
            "saved": saved,
            "facts": lifeevents.FACTS.items(),
        },
        status=status,
    )


# --- Dashboard ---------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    if not staff_can_see_dashboard(staff=request.user):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        if (
            not staff_can_edit_rules(staff=request.user)
            and getattr(request.user, "role", "") != "manager"
        ):
            raise PermissionDenied
        try:
            start = wareki_parse(request.POST.get("period_start", ""))
            end = wareki_parse(request.POST.get("period_end", ""))
            wait = float(request.POST.get("median_wait_minutes", ""))
            handling = float(request.POST.get("median_handling_minutes", ""))
            if end < start or wait < 0 or handling < 0 or wait > 9999 or handling > 9999:
                raise ValueError
            event_code = request.POST.get("life_event", "")
            services.baseline_add(
                life_event=selectors.life_event_get(code=event_code) if event_code else None,
                period_start=start,
                period_end=end,
                median_wait_minutes=wait,
                median_handling_minutes=handling,
                note=request.POST.get("note", ""),
                staff=request.user,
            )
            messages.success(request, _("基準値を登録しました。"))
            return redirect("counter:dashboard")
        except (JapaneseInputError, ValueError):
            error = _(
                "期間（開始・終了）と、待ち時間・手続時間の中央値（分、0以上）を正しく入力してください。"
                " / Enter the period and the medians in minutes (0 or more)."
            )
    today = timezone.localdate()
    start = today.replace(day=1) - timedelta(days=365)
    start = start.replace(day=1)
    year = selectors.figures(start=today - timedelta(days=364), end=today)
    baselines = selectors.baseline_by_event()
    overall = baselines.get(None)
    return render(
        request,
        "counter/dashboard.html",
        {
            "year": year,
            "rows": selectors.monthly(start=start, end=today),
            "baseline": overall,
            "wait_reduction": selectors.reduction(
                overall.median_wait_minutes if overall else None, year.median_wait
            ),
            "handling_reduction": selectors.reduction(
                overall.median_handling_minutes if overall else None, year.median_handling
            ),
            "baselines": Baseline.objects.select_related("life_event")[:20],
            "events": LifeEvent.objects.all(),
            "error": error,
            "today": today,
            "can_enter": staff_can_edit_rules(staff=request.user)
            or getattr(request.user, "role", "") == "manager",
            "default_start": date(today.year - 1, 4, 1).isoformat(),
            "default_end": date(today.year, 3, 31).isoformat(),
        },
        status=422 if error else 200,
    )
