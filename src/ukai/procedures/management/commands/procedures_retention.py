"""Apply the retention rules now (or schedule the daily 03:00 run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ukai.procedures import services, tasks


class Command(BaseCommand):
    help = (
        "保存期間を過ぎた申請を匿名化・削除し、期限切れの下書きを削除します / "
        "Anonymise or delete applications past their retention period and expired drafts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="件数だけを表示します / only count"
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="毎日03:00の実行をワーカーに登録します / queue the daily 03:00 run",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = tasks.retention_schedule()
            self.stdout.write(
                "毎日03:00の保存期間の処理を登録しました。"
                if queued
                else "毎日03:00の保存期間の処理は登録済みです。"
            )
            return
        summary = services.retention_apply(dry_run=options["dry_run"])
        verb = "対象" if options["dry_run"] else "処理"
        self.stdout.write(
            f"保存期間（{verb}）: 匿名化 {summary.anonymised}件、削除 {summary.deleted}件、"
            f"期限切れの下書き {summary.drafts_deleted}件 / retention: {summary.anonymised} "
            f"anonymised, {summary.deleted} deleted, {summary.drafts_deleted} expired drafts"
        )
