"""Run the background task worker (``db_worker`` with heartbeats and retries)."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from ukai.core.worker import UkaiWorker


def _lower_priority(nice: int) -> None:
    """Background work yields to the web requests residents wait for: a burst of PDFs,
    transcriptions or OCR jobs waits rather than slowing pages.

    With Linux's autogroups, nice values only order processes of one session; a worker that
    leads its own session (started by systemd or a supervisor) sets its group's nice too.
    """
    os.nice(nice)
    if os.getsid(0) == os.getpid():
        with (
            contextlib.suppress(OSError),
            open("/proc/self/autogroup", "w", encoding="ascii") as autogroup,
        ):
            autogroup.write(str(nice))


class Command(db_worker.Command):
    help = "Ukai のバックグラウンド処理を実行します / Run Ukai's background task worker."

    def handle(self, **options: Any) -> None:
        if not options.get("batch"):
            _lower_priority(int(getattr(settings, "UKAI_WORKER_NICE", 10)))
        # db_worker builds its Worker inside handle(); swap in ours.
        original = db_worker.Worker
        db_worker.Worker = UkaiWorker  # type: ignore[misc]
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
