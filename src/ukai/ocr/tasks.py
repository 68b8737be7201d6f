"""Background tasks of the OCR module: take ids, call services."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ukai.core.background import background_task

from . import fullpage, pipelines, services
from .models import Pipeline, PipelineRun, PipelineStep


@background_task(max_attempts=2, backoff_seconds=30)
def ocr_job_read(job_id: int) -> str:
    """Align and read every page of an uploaded scan."""
    return services.job_read(job_id=job_id).status


def job_read_on_commit(job_id: int) -> None:
    """Enqueue the reading once the upload's transaction commits."""
    transaction.on_commit(lambda: ocr_job_read.enqueue(job_id))


@background_task(max_attempts=2, backoff_seconds=30)
def ocr_page_read(page_id: int) -> str:
    """Read an unmatched page against the template staff assigned to it."""
    return services.page_read_assigned(page_id=page_id).status


def page_read_on_commit(page_id: int) -> None:
    transaction.on_commit(lambda: ocr_page_read.enqueue(page_id))


# --- pipelines (RPA) ---------------------------------------------------------------------
# One chain of ``ocr_pipeline_tick`` runs the scheduled pipelines: each tick queues the next
# one for the time the next pipeline is due, unless a tick is already waiting for that time or
# earlier (never doubled; docs/adr/0086). No scheduled pipeline: no tick is queued.


def _ticks_waiting() -> Any:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=ocr_pipeline_tick.module_path, status=TaskResultStatus.READY
    )


def pipeline_tick_schedule() -> bool:
    """Queue a tick for the next due pipeline unless one waits for then or earlier; True if queued."""
    due = pipelines.next_due_at()
    if due is None:
        return False
    waiting = _ticks_waiting()
    from django_tasks_db.models import get_date_max

    # A task queued to run at once is stored with the greatest date.
    if waiting.filter(Q(run_after=get_date_max()) | Q(run_after__lte=due)).exists():
        return False
    # A later tick (a pipeline was made more frequent) gives way to the earlier one.
    waiting.delete()
    ocr_pipeline_tick.using(run_after=due if due > timezone.now() else None).enqueue()
    return True


@background_task(max_attempts=1)
def ocr_pipeline_tick() -> dict[str, int]:
    """Run the pipelines that are due, finish runs whose pages are all verified, queue the next tick."""
    due = pipelines.pipelines_claim_due()
    # The next tick is queued first (the claimed pipelines' next times are already moved on),
    # so that a failure here never ends the chain; this tick is RUNNING, not READY.
    pipeline_tick_schedule()
    for pipeline in due:
        pipelines.pipeline_run(pipeline=pipeline, trigger=PipelineRun.Trigger.SCHEDULE)
    finished = 0
    for run in pipelines.runs_waiting_ready():
        pipelines.run_finish(run=run)
        finished += 1
    return {"ran": len(due), "finished": finished}


@background_task(max_attempts=1)
def ocr_pipeline_run(pipeline_id: int) -> str:
    """Run a pipeline on demand (the page's button, ``manage.py ocr_pipeline_run``)."""
    pipeline = Pipeline.objects.select_related("template").get(pk=pipeline_id)
    run = pipelines.pipeline_run(pipeline=pipeline, trigger=PipelineRun.Trigger.MANUAL)
    return run.status if run is not None else "empty"


@background_task(max_attempts=1)
def ocr_pipeline_finish(run_id: int) -> str:
    """The after-verification steps of a run whose last page was just verified."""
    run = PipelineRun.objects.select_related("pipeline").get(pk=run_id)
    if run.status == PipelineRun.Status.WAITING and pipelines.run_ready(run=run):
        run = pipelines.run_finish(run=run)
    return run.status


@background_task(max_attempts=1)
def ocr_pipeline_step_retry(step_id: int) -> str:
    """Run a failed step again (the run history's 再試行 button)."""
    step = PipelineStep.objects.select_related("run__pipeline").get(pk=step_id)
    return pipelines.step_retry(step=step).status


def pipeline_finish_on_commit(run_id: int) -> None:
    transaction.on_commit(lambda: ocr_pipeline_finish.enqueue(run_id))


def pipeline_run_on_commit(pipeline_id: int) -> None:
    transaction.on_commit(lambda: ocr_pipeline_run.enqueue(pipeline_id))


def step_retry_on_commit(step_id: int) -> None:
    transaction.on_commit(lambda: ocr_pipeline_step_retry.enqueue(step_id))


# --- full-page OCR ------------------------------------------------------------------------


@background_task(max_attempts=2, backoff_seconds=60)
def ocr_searchable_pdf_file(source: str, target: str) -> dict[str, int]:
    """Make a searchable copy of a large PDF (``service.searchable_pdf_later``)."""
    data = Path(source).read_bytes()
    result = fullpage.searchable_pdf(data)
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.part")
    partial.write_bytes(result)
    os.replace(partial, out)
    return {"bytes_in": len(data), "bytes_out": len(result)}


# --- retention ----------------------------------------------------------------------------
# One self-rescheduling daily task, as procedures does for its cases: each run queues the next
# (first, so that a failure never ends the chain); never doubled.

RETENTION_RUN_AT = dt.time(3, 30)


def retention_pending() -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=ocr_retention_daily.module_path, status=TaskResultStatus.READY
    ).exists()


def retention_schedule() -> bool:
    """Queue tomorrow's 03:30 retention run unless one is waiting; True if queued."""
    if retention_pending():
        return False
    local = timezone.localtime()
    run_at = timezone.make_aware(
        dt.datetime.combine(local.date() + dt.timedelta(days=1), RETENTION_RUN_AT)
    )
    ocr_retention_daily.using(run_after=run_at).enqueue()
    return True


@background_task(max_attempts=3, backoff_seconds=300)
def ocr_retention_daily() -> dict[str, int]:
    """Delete the uploads and page images past ``UKAI_OCR_RETENTION_DAYS``; queue tomorrow's run."""
    retention_schedule()
    summary = services.retention_apply()
    return {"jobs": summary.jobs, "files": summary.files}
