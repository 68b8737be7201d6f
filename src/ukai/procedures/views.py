"""Public pages: the procedure catalog (by life event, category, search) and a procedure."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from ukai.core.service import department_list, municipality_current

from . import selectors, webform
from .formspec import FormSpec, StepSpec, form_spec_parse
from .models import Category, FormDefinition, LifeEvent, Procedure
from .outline import form_outline
from .validation import FieldError, form_validate, form_value_display


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


# --- the resident's form (answers kept in the session; submitting is a later slice) ----------

SESSION_PREFIX = "procedures:answers:"


def _published_form(slug: str) -> tuple[Procedure, FormDefinition, FormSpec]:
    procedure = selectors.procedure_by_slug(slug)
    if procedure is None:
        raise Http404
    form = selectors.form_definition_current(procedure=procedure)
    if form is None:
        raise Http404
    return procedure, form, form_spec_parse(form.definition)


def _answers(request: HttpRequest, form: FormDefinition) -> dict[str, Any]:
    stored = request.session.get(f"{SESSION_PREFIX}{form.pk}", {})
    return stored if isinstance(stored, dict) else {}


def _step_index(spec: FormSpec, step_key: str) -> int:
    for index, step in enumerate(spec.steps):
        if step.key == step_key:
            return index
    raise Http404


def _step_errors(spec: FormSpec, step_key: str, answers: dict[str, Any]) -> list[FieldError]:
    _, errors = form_validate(spec, answers)
    return [e for e in errors if webform.step_of_path(spec, e.path) == step_key]


@require_GET
def apply_start(request: HttpRequest, slug: str) -> HttpResponse:
    _, _, spec = _published_form(slug)
    return redirect("procedures:apply_step", slug=slug, step=spec.steps[0].key)


@require_http_methods(["GET", "POST"])
def apply_step(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    procedure, form, spec = _published_form(slug)
    index = _step_index(spec, step)
    current = spec.steps[index]
    answers = _answers(request, form)
    errors: list[FieldError] = []
    if request.method == "POST":
        answers.update(webform.step_answers(current, request.POST))
        action = request.POST.get("action", "next")
        stay = _group_action(current, answers, action)  # 追加・削除: same step again
        if action.startswith("postal:"):
            errors = webform.postal_fill(current, answers, action.removeprefix("postal:"))
            stay = True
        request.session[f"{SESSION_PREFIX}{form.pk}"] = answers
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
            "errors": [
                {"id": webform.dom_id(e.path), "message": e.message_ja if _ja() else e.message_en}
                for e in errors
            ],
        },
        status=422 if errors else 200,
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


@require_GET
def apply_check(request: HttpRequest, slug: str) -> HttpResponse:
    procedure, form, spec = _published_form(slug)
    answers = _answers(request, form)
    cleaned, errors = form_validate(spec, answers)
    first_error_step = webform.step_of_path(spec, errors[0].path) if errors else ""
    return render(
        request,
        "procedures/apply_check.html",
        {
            "procedure": procedure,
            "form": form,
            "spec": spec,
            "rows": _check_rows(spec, cleaned),
            "error_count": len(errors),
            "first_error_step": first_error_step,
        },
    )


def _check_rows(spec: FormSpec, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for step in spec.steps:
        for field in step.fields:
            if field.key not in cleaned:
                continue
            value = cleaned[field.key]
            if field.type == "group":
                for number, item in enumerate(value, start=1):
                    for child in field.fields:
                        if child.key in item:
                            rows.append(
                                {
                                    "step": step,
                                    "label": f"{field.label}{number}：{child.label}",
                                    "value": form_value_display(child, item[child.key]),
                                }
                            )
                continue
            rows.append(
                {"step": step, "label": field.label, "value": form_value_display(field, value)}
            )
    return rows
