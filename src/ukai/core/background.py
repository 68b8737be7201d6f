"""Background tasks: Django's Tasks API with a retry policy per task.

Define a task with ``@background_task(max_attempts=3)``; enqueue it with
``transaction.on_commit(lambda: my_task.enqueue(obj_id))``. The worker
(``manage.py ukai_worker``) retries a failing task with exponential back-off
until ``max_attempts``; after that it stays FAILED and is shown on the tasks page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django_tasks import task
from django_tasks.base import Task

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_seconds: float = 30.0

    def delay_after(self, attempts: int) -> timedelta:
        """Wait 1×, 2×, 4× … the back-off after the 1st, 2nd, 3rd failure."""
        return timedelta(seconds=self.backoff_seconds * (2 ** max(attempts - 1, 0)))


_POLICIES: dict[str, RetryPolicy] = {}
_DEFAULT = RetryPolicy(max_attempts=1)


def background_task(
    *, max_attempts: int = 3, backoff_seconds: float = 30.0, **options: Any
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Declare a background task that the worker retries on failure."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def decorate(function: Callable[P, T]) -> Task[P, T]:
        declared: Task[P, T] = task(**options)(function)
        _POLICIES[declared.module_path] = RetryPolicy(
            max_attempts=max_attempts, backoff_seconds=backoff_seconds
        )
        return declared

    return decorate


def retry_policy_for(task_path: str) -> RetryPolicy:
    return _POLICIES.get(task_path, _DEFAULT)
