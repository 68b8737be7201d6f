from typing import Any

from django.core.management.base import BaseCommand

from ukai.counter.queue.seed import queue_seed


class Command(BaseCommand):
    help = (
        "窓口の受付番号のデモデータ（窓口と本日の番号札）を作ります（何度実行しても重複しません）"
        " / Create the queue's demo desks and today's tickets."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = queue_seed()
        self.stdout.write(
            f"受付番号: 窓口 {summary.desks_created} 件、本日の番号札 {summary.tickets_created} 件を作成"
            f" / queue: {summary.desks_created} desks, {summary.tickets_created} tickets created"
        )
