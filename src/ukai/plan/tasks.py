"""The daily collection: a background task that runs the collectors and schedules itself again.

See docs/adr/0010: ``manage.py plan_seed`` (run by ``ukai_demo``) or ``manage.py plan_collect
--schedule`` enqueues the first run; each run enqueues the next one for 02:00 (local time)
the next day, unless one is already waiting.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ukai.core.background import background_task

from . import services
from .selectors import plan_current

RUN_AT = dt.time(2, 0)


def next_run_at(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    day = local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, RUN_AT))


def daily_collection_pending() -> bool:
    """Whether a daily collection is already queued (so that it is never doubled)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=plan_collect_daily.module_path, status=TaskResultStatus.READY
    ).exists()


def daily_collection_schedule(*, first_run_now: bool = False) -> bool:
    """Queue the next daily collection unless one is waiting; True if queued.

    With ``first_run_now``, a plan that has never been collected is collected at
    once, so that a new instance (and the demo) shows figures as soon as the
    worker runs; otherwise the run waits for 02:00.
    """
    if daily_collection_pending():
        return False
    from .models import CollectorRun

    now = first_run_now and not CollectorRun.objects.exists()
    plan_collect_daily.using(run_after=None if now else next_run_at()).enqueue()
    return True


@background_task(max_attempts=3, backoff_seconds=300)
def plan_collect_daily() -> dict[str, int]:
    """Run every collector of the current plan, then queue tomorrow's run."""
    # Tomorrow's run is queued first, so that a failure today (retried, or finally
    # FAILED) never ends the chain. This run is RUNNING, not READY, so it does not count.
    daily_collection_schedule()
    plan = plan_current()
    counts = {"ok": 0, "no_data": 0, "failed": 0}
    if plan is not None:
        summary = services.collectors_run(plan=plan)
        counts = {status: summary.count(status) for status in counts}
    return counts
