"""Staff edit a procedure's form as a new version: JSON with every problem located, a live
preview of every step, and publishing (by the department's 所属長 or an administrator)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ukai.core.errors import UkaiError
from ukai.core.service import Role, audit_log, staff_department_codes, staff_required

from . import services, webform
from .formspec import FormDefinitionInvalid, FormSpec, form_spec_parse
from .models import FormDefinition, Procedure
from .outline import form_outline

MAX_DEFINITION_CHARS = 500_000


class DefinitionForm(forms.Form):
    definition = forms.CharField(
        label=gettext_lazy("様式の定義（JSON）"),
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "proc-json"}),
        max_length=MAX_DEFINITION_CHARS,
        error_messages={"required": gettext_lazy("様式の定義を入力してください。")},
    )


def _editable_procedure(request: HttpRequest, slug: str) -> Procedure:
    procedure = Procedure.objects.filter(slug=slug[:100]).first()
    if procedure is None:
        raise Http404
    codes = staff_department_codes(staff=request.user)
    if procedure.department_code not in codes and not _is_admin(request.user):
        raise PermissionDenied
    return procedure


def _is_admin(staff: Any) -> bool:
    return bool(staff.is_superuser or staff.role == Role.ADMIN)


def _can_publish(staff: Any) -> bool:
    return bool(_is_admin(staff) or staff.role == Role.MANAGER)


def _parse(text: str) -> tuple[FormSpec | None, list[dict[str, str]]]:
    try:
        definition = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            {
                "loc": f"{exc.lineno}行{exc.colno}列",
                "message": f"JSON の書き方に誤りがあります（{exc.msg}）。",
            }
        ]
    try:
        return form_spec_parse(definition), []
    except FormDefinitionInvalid as exc:
        return None, [{"loc": p["loc"] or "(全体)", "message": p["message"]} for p in exc.problems]


def _preview(spec: FormSpec) -> list[dict[str, Any]]:
    return [
        {"step": step, "widgets": webform.step_widgets(spec, step, {}, [])} for step in spec.steps
    ]


@staff_required
@require_http_methods(["GET"])
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    return render(
        request,
        "procedures/staff_form_versions.html",
        {
            "procedure": procedure,
            "versions": list(procedure.form_definitions.order_by("-version")),
            "can_publish": _can_publish(request.user),
        },
    )


@staff_required
@require_POST
def version_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A new draft version, copied from the latest version (or an empty step)."""
    procedure = _editable_procedure(request, slug)
    latest = procedure.form_definitions.order_by("-version").first()
    if latest is not None and latest.status == FormDefinition.Status.DRAFT:
        return redirect("procedures_staff:form_edit", slug=slug, version=latest.version)
    definition = (
        latest.definition
        if latest is not None
        else {
            "title": procedure.name,
            "steps": [
                {
                    "key": "applicant",
                    "title": "申請者",
                    "fields": [
                        {"key": "applicant_name", "type": "name", "label": "氏名", "required": True}
                    ],
                }
            ],
        }
    )
    draft = services.form_definition_create(procedure=procedure, definition=definition)
    audit_log(action="create", obj=draft, purpose="申請様式の新しい版の作成")
    return redirect("procedures_staff:form_edit", slug=slug, version=draft.version)


def _version(procedure: Procedure, version: int) -> FormDefinition:
    found = procedure.form_definitions.filter(version=version).first()
    if found is None:
        raise Http404
    return found


@staff_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    procedure = _editable_procedure(request, slug)
    form_definition = _version(procedure, version)
    read_only = form_definition.status == FormDefinition.Status.PUBLISHED
    text = json.dumps(form_definition.definition, ensure_ascii=False, indent=2)
    form = DefinitionForm(request.POST or None, initial={"definition": text})
    if read_only:
        form.fields["definition"].widget.attrs["readonly"] = True
    spec: FormSpec | None = None
    problems: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        if read_only:
            raise PermissionDenied
        if form.is_valid():
            spec, problems = _parse(form.cleaned_data["definition"])
            action = request.POST.get("action", "save")
            if spec is not None and action in {"save", "publish"}:
                try:
                    services.form_definition_update(
                        form_definition=form_definition,
                        definition=json.loads(form.cleaned_data["definition"]),
                    )
                    audit_log(action="update", obj=form_definition, purpose="申請様式の編集")
                    if action == "publish":
                        if not _can_publish(request.user):
                            raise PermissionDenied
                        services.form_definition_publish(form_definition=form_definition)
                        audit_log(action="publish", obj=form_definition, purpose="申請様式の公開")
                        messages.success(
                            request, _("第%(version)s版を公開しました。") % {"version": version}
                        )
                        return redirect("procedures_staff:form_versions", slug=slug)
                except UkaiError as exc:
                    problems = [{"loc": "", "message": exc.message_ja}]
                else:
                    messages.success(request, _("下書きを保存しました。"))
                    return redirect("procedures_staff:form_edit", slug=slug, version=version)
            if problems:
                status = 422
        else:
            status = 422
    else:
        spec = form_spec_parse(form_definition.definition)
    return render(
        request,
        "procedures/staff_form_edit.html",
        {
            "procedure": procedure,
            "form_definition": form_definition,
            "form": form,
            "read_only": read_only,
            "problems": problems,
            "preview": _preview(spec) if spec is not None else None,
            "outline": form_outline(spec, english=False) if spec is not None else None,
            "can_publish": _can_publish(request.user),
        },
        status=status,
    )


@staff_required
@require_POST
def preview(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """The live preview (an HTML fragment for the editor's script)."""
    _version(_editable_procedure(request, slug), version)
    spec, problems = _parse(request.POST.get("definition", "")[:MAX_DEFINITION_CHARS])
    return render(
        request,
        "procedures/includes/form_preview.html",
        {"preview": _preview(spec) if spec is not None else None, "problems": problems},
        status=200 if spec is not None else 422,
    )
