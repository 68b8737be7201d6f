"""Staff pages of the OCR pipelines (RPA): definitions, run history, retries, the inbox."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ukai.core.errors import UkaiError, message_for_language
from ukai.core.service import staff_required

from . import pipelines
from .forms import InboxForm, PipelineForm
from .models import Pipeline, PipelineStep
from .tasks import pipeline_run_on_commit, pipeline_tick_schedule, step_retry_on_commit

EXAMPLE = {
    "name": "juminhyo-mail",
    "title": "郵送の住民票請求",
    "template": "juminhyo-request",
    "source": "inbox",
    "schedule": {"every_minutes": 15},
    "after_verification": {"file_cases": True},
    "notify": ["shimin@example.jp"],
    "department": "shimin",
}


def _import(request: HttpRequest, form: PipelineForm) -> Pipeline | None:
    try:
        pipeline, created = pipelines.pipeline_import(
            definition=form.cleaned_data["definition"], staff=request.user
        )
    except pipelines.PipelineInvalid as error:
        form.add_error("definition", error.message)
        for problem in error.problems:
            form.add_error("definition", problem)
        return None
    except UkaiError as error:
        form.add_error("definition", error.message)
        return None
    pipeline_tick_schedule()
    messages.success(
        request,
        (
            _("自動処理「%(title)s」を作成しました。")
            if created
            else _("自動処理「%(title)s」を更新しました。")
        )
        % {"title": pipeline.title},
    )
    return pipeline


@staff_required
@require_http_methods(["GET", "POST"])
def pipeline_home(request: HttpRequest) -> HttpResponse:
    form = PipelineForm(
        request.POST or None,
        initial={"definition": json.dumps(EXAMPLE, ensure_ascii=False, indent=2)},
    )
    if request.method == "POST" and form.is_valid():
        pipeline = _import(request, form)
        if pipeline is not None:
            return redirect("ocr_staff:pipeline", name=pipeline.name)
    return render(
        request,
        "ocr/staff_pipelines.html",
        {
            "form": form,
            "pipelines": pipelines.pipeline_list(),
            "can_create": pipelines.staff_can_create_pipelines(staff=request.user),
        },
        status=422 if form.errors else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def pipeline_detail(request: HttpRequest, name: str) -> HttpResponse:
    pipeline = get_object_or_404(Pipeline.objects.select_related("template"), name=name)
    can_edit = pipelines.staff_can_edit_pipeline(
        staff=request.user, department_code=pipeline.department_code
    )
    form = PipelineForm(
        request.POST or None,
        initial={
            "definition": json.dumps(
                pipelines.pipeline_definition(pipeline), ensure_ascii=False, indent=2
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        submitted = form.cleaned_data["definition"]
        if not isinstance(submitted, dict) or submitted.get("name") != pipeline.name:
            form.add_error("definition", _("識別名は変更できません。"))
        elif _import(request, form) is not None:
            return redirect("ocr_staff:pipeline", name=pipeline.name)
    runs = pipelines.run_history(pipeline=pipeline)
    for run in runs:
        for step in run.steps.all():
            step.message = (  # type: ignore[attr-defined]
                message_for_language(step.error_ja, step.error_en) if step.error_ja else ""
            )
    return render(
        request,
        "ocr/staff_pipeline.html",
        {
            "pipeline": pipeline,
            "form": form,
            "can_edit": can_edit,
            "runs": runs,
            "inbox_form": InboxForm() if pipeline.source == Pipeline.Source.INBOX else None,
            "source_folder": pipelines.source_folder(pipeline),
        },
        status=422 if form.errors else 200,
    )


@staff_required
@require_POST
def pipeline_run_now(request: HttpRequest, name: str) -> HttpResponse:
    pipeline = get_object_or_404(Pipeline, name=name)
    if not pipeline.is_active:
        messages.error(request, _("この自動処理は停止中です。"))
    else:
        pipeline_run_on_commit(pipeline.pk)
        messages.success(request, _("実行を受け付けました。結果は下の実行履歴に表示されます。"))
    return redirect("ocr_staff:pipeline", name=pipeline.name)


@staff_required
@require_POST
def pipeline_inbox(request: HttpRequest, name: str) -> HttpResponse:
    pipeline = get_object_or_404(Pipeline, name=name)
    form = InboxForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            pipelines.inbox_add(pipeline=pipeline, data=upload.read(), filename=upload.name)
        except UkaiError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("受付箱に入れました。次の実行で読み取ります。"))
    else:
        messages.error(request, _("ファイルを選んでください。"))
    return redirect("ocr_staff:pipeline", name=pipeline.name)


@staff_required
@require_POST
def step_retry(request: HttpRequest, step_id: int) -> HttpResponse:
    step = get_object_or_404(PipelineStep.objects.select_related("run__pipeline"), pk=step_id)
    try:
        pipelines.step_retry_mark(step=step, staff=request.user)
    except UkaiError as error:
        messages.error(request, error.message)
    else:
        step_retry_on_commit(step.pk)
        messages.success(request, _("再試行を受け付けました。"))
    return redirect("ocr_staff:pipeline", name=step.run.pipeline.name)
