"""Health of the things Ukai depends on: the database and the task worker."""

from __future__ import annotations

import time
from typing import Any

from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat
from .selectors import worker_heartbeats_live
from .tasks_admin import task_counts


def _database_ok() -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False, time.perf_counter() - started
    return True, time.perf_counter() - started


def health_check() -> dict[str, Any]:
    """Report ``ok`` when the database answers and a worker reported recently.

    The worker is required: acknowledged work that no worker picks up would sit
    unnoticed, which is worse than a red health check.
    """
    db_ok, db_seconds = _database_ok()
    workers: list[dict[str, Any]] = []
    if db_ok:
        workers = [
            {
                "worker_id": hb.worker_id,
                "last_seen_at": hb.last_seen_at.isoformat(),
                "seconds_ago": round((timezone.now() - hb.last_seen_at).total_seconds(), 1),
            }
            for hb in worker_heartbeats_live()
        ]
    status = "ok" if db_ok and workers else "error"
    return {
        "status": status,
        "checks": {
            "database": {"status": "ok" if db_ok else "error", "ms": round(db_seconds * 1000, 2)},
            "worker": {"status": "ok" if workers else "error", "live": workers},
        },
    }


def health_gauges() -> dict[str, tuple[str, float]]:
    db_ok, db_seconds = _database_ok()
    gauges: dict[str, tuple[str, float]] = {
        "ukai_database_up": ("1 when the database answers", 1.0 if db_ok else 0.0),
        "ukai_database_ping_seconds": ("Time for SELECT 1", db_seconds),
    }
    if db_ok:
        gauges["ukai_workers_live"] = (
            "Workers that reported recently",
            float(worker_heartbeats_live().count()),
        )
        gauges["ukai_workers_known"] = ("Workers ever seen", float(WorkerHeartbeat.objects.count()))
        for status, count in task_counts().items():
            gauges[f"ukai_tasks_{status.lower()}"] = (f"Tasks in state {status}", float(count))
    return gauges
