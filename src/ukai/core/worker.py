"""The task worker: django-tasks-db's worker plus heartbeats and retries."""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .background import retry_policy_for
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0


class UkaiWorker(Worker):
    """Runs tasks; reports a heartbeat; puts a failed task back while it has attempts left."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._stop = threading.Event()
        self._tasks_run = 0

    def heartbeat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "last_seen_at": timezone.now(),
                "tasks_run": self._tasks_run,
            },
            create_defaults={
                "hostname": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": timezone.now(),
                "last_seen_at": timezone.now(),
            },
        )

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self.heartbeat()
            except Exception:
                logger.exception("worker heartbeat failed")
            finally:
                close_old_connections()
        connection.close()

    def run(self) -> None:
        self.heartbeat()
        beat = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        beat.start()
        try:
            super().run()
        finally:
            self._stop.set()

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        super().run_task(db_task_result)
        self._tasks_run += 1
        if db_task_result.status != TaskResultStatus.FAILED:
            return
        policy = retry_policy_for(db_task_result.task_path)
        attempts = len(db_task_result.worker_ids)
        if attempts >= policy.max_attempts:
            logger.error(
                "task failed for good",
                extra={"task_id": str(db_task_result.id), "attempts": attempts},
            )
            return
        # Back to the queue with the error kept, so the tasks page shows why it
        # is being retried.
        DBTaskResult.objects.filter(pk=db_task_result.pk).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + policy.delay_after(attempts),
            finished_at=None,
        )
        logger.warning(
            "task failed, will retry",
            extra={"task_id": str(db_task_result.id), "attempts": attempts},
        )
