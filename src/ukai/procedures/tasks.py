"""Background tasks of the procedures module: take ids, call services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ukai.core.background import background_task

from . import services


class StepsNotDone(Exception):
    """Raised so that the worker retries the case's failed steps with back-off."""


@background_task(max_attempts=5, backoff_seconds=60)
def case_steps_run(case_id: int) -> int:
    """The steps after a submission (confirmation e-mail, hand-over); retried while one fails."""
    not_done = services.case_steps_run(case_id=case_id)
    if not_done:
        raise StepsNotDone(", ".join(not_done))
    return case_id


def case_submit(**kwargs: Any) -> services.Submitted:
    """Accept an application (``services.case_submit``) and queue the steps after it.

    The task is queued in the case's own transaction (the database task backend):
    one write instead of two, and never a case without its queued steps.
    """
    return services.case_submit(**kwargs, queue_steps=case_steps_run.enqueue)


def case_steps_rerun(case_id: int) -> None:
    transaction.on_commit(lambda: case_steps_run.enqueue(case_id))


@background_task(max_attempts=5, backoff_seconds=60)
def case_event_notify(event_id: int) -> bool:
    """E-mail the resident about a state change or a correction request (once per event)."""
    return services.case_event_notify(event_id=event_id)


def case_status_change(**kwargs: Any) -> Any:
    """``services.case_status_change`` and, once committed, the e-mail to the resident."""
    event = services.case_status_change(**kwargs)
    transaction.on_commit(lambda: case_event_notify.enqueue(event.pk))
    return event


def case_correction_request(**kwargs: Any) -> Any:
    """``services.case_correction_request`` and, once committed, the e-mail to the resident."""
    event = services.case_correction_request(**kwargs)
    transaction.on_commit(lambda: case_event_notify.enqueue(event.pk))
    return event


RETENTION_RUN_AT = dt.time(3, 0)


def retention_pending() -> bool:
    """Whether a daily retention run is already queued (so that it is never doubled)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=procedures_retention_daily.module_path, status=TaskResultStatus.READY
    ).exists()


def retention_schedule() -> bool:
    """Queue tomorrow's 03:00 retention run unless one is waiting; True if queued."""
    if retention_pending():
        return False
    local = timezone.localtime()
    run_at = timezone.make_aware(
        dt.datetime.combine(local.date() + dt.timedelta(days=1), RETENTION_RUN_AT)
    )
    procedures_retention_daily.using(run_after=run_at).enqueue()
    return True


@background_task(max_attempts=3, backoff_seconds=300)
def procedures_retention_daily() -> dict[str, int]:
    """Apply the retention rules, then queue tomorrow's run (first, so a failure never ends the chain)."""
    retention_schedule()
    summary = services.retention_apply()
    return {
        "anonymised": summary.anonymised,
        "deleted": summary.deleted,
        "drafts_deleted": summary.drafts_deleted,
    }
