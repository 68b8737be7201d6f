"""Run the background task worker (``db_worker`` with heartbeats and retries)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from ukai.core.worker import UkaiWorker


class Command(db_worker.Command):
    help = "Ukai のバックグラウンド処理を実行します / Run Ukai's background task worker."

    def handle(self, **options: Any) -> None:
        # db_worker builds its Worker inside handle(); swap in ours.
        original = db_worker.Worker
        db_worker.Worker = UkaiWorker  # type: ignore[misc]
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
