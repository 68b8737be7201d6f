"""Reads of the background task queue for the administrators' page and metrics."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django_tasks_db.models import DBTaskResult


def task_counts() -> dict[str, int]:
    """Number of tasks per state (READY, RUNNING, SUCCESSFUL, FAILED)."""
    rows = DBTaskResult.objects.values("status").annotate(n=Count("id"))
    counts = {"READY": 0, "RUNNING": 0, "SUCCESSFUL": 0, "FAILED": 0}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def task_list(*, status: str = "") -> QuerySet[DBTaskResult[Any, Any]]:
    """Tasks, newest first; a READY task that has already run once is a retry."""
    tasks = DBTaskResult.objects.order_by("-enqueued_at")
    if status:
        tasks = tasks.filter(status=status)
    return tasks


def task_get(*, task_id: str) -> DBTaskResult[Any, Any] | None:
    return DBTaskResult.objects.filter(pk=task_id).first()
