"""Background work: the harvest schedule (a task that queues its own next run, as in ADR 0010)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ukai.core.background import background_task

from . import harvest
from .models import HarvestSource

TICK = dt.timedelta(hours=1)


def harvest_tick_pending() -> bool:
    """Whether the next hourly tick is already queued (so that the chain is never doubled)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=harvest_tick.module_path, status=TaskResultStatus.READY
    ).exists()


def harvest_schedule() -> bool:
    """Queue the next tick unless one is waiting; True if queued."""
    if harvest_tick_pending():
        return False
    harvest_tick.using(run_after=timezone.now() + TICK).enqueue()
    return True


@background_task(max_attempts=1)
def harvest_tick() -> int:
    """Every hour: queue the next tick first, then harvest the sources that are due."""
    harvest_schedule()
    due = harvest.harvest_sources_due()
    for source in due:
        harvest_source_run.enqueue(source.pk)
    return len(due)


@background_task(max_attempts=3, backoff_seconds=300)
def harvest_source_run(source_id: int) -> str:
    source = HarvestSource.objects.select_related("organization").get(pk=source_id)
    return harvest.harvest_run(source=source).summary()
