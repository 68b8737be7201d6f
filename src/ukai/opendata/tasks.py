"""Background work: the harvest schedule (a task that queues its own next run, as in ADR 0010)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ukai.core.background import background_task

from . import datastore, harvest
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
    result = harvest.harvest_run(source=source)
    for resource_id in result.checked_resource_ids:
        datastore_load_on_commit(resource_id)
    return result.summary()


# --- datastore (ADR 0024) ---------------------------------------------------------------------


def datastore_load_on_commit(resource_id: Any) -> None:
    """Queue the load of the resource's newest version once the upload is committed."""
    key = str(resource_id)
    transaction.on_commit(lambda: datastore_load_run.enqueue(key))


@background_task(max_attempts=3, backoff_seconds=60)
def datastore_load_run(resource_id: str) -> str:
    """Load the rows into a new table, swap it in, and drop the replaced table a little later."""
    table, retired = datastore.datastore_load(resource_id=resource_id)
    run_after = timezone.now() + datastore.RETIRED_TABLE_GRACE
    for table_id in retired:
        datastore_table_drop_run.using(run_after=run_after).enqueue(table_id)
    if table is None:
        return "not tabular"
    return f"{table.table_name}: {table.state}, {table.rows_loaded} rows"


@background_task(max_attempts=3, backoff_seconds=60)
def datastore_table_drop_run(table_id: int) -> bool:
    return datastore.datastore_table_drop(table_id=table_id)
