"""Background tasks of the procedures module: take ids, call services."""

from __future__ import annotations

from typing import Any

from django.db import transaction

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

    The steps are queued once the case's transaction commits; if the queue write
    is lost, the steps stay pending on the case page, where staff re-run them.
    """
    submitted = services.case_submit(**kwargs)
    case_id = submitted.case.pk
    transaction.on_commit(lambda: case_steps_run.enqueue(case_id))
    return submitted


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
