"""``manage.py ocr_retention [--dry-run] [--schedule]``: delete uploads and page images past the
retention period now (``UKAI_OCR_RETENTION_DAYS``), or queue the daily task."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ukai.ocr import services, tasks


class Command(BaseCommand):
    help = (
        "保存期間（UKAI_OCR_RETENTION_DAYS）を過ぎたAI-OCRのアップロードとページ画像を削除します。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="数えるだけで削除しない")
        parser.add_argument(
            "--schedule", action="store_true", help="毎日の削除タスクを登録する（重複しない）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = tasks.retention_schedule()
            self.stdout.write(
                "毎日の削除タスクを登録しました / daily retention task queued"
                if queued
                else "毎日の削除タスクは登録済みです / daily retention task already queued"
            )
            return
        summary = services.retention_apply(dry_run=options["dry_run"])
        verb = "対象" if options["dry_run"] else "削除"
        self.stdout.write(
            f"{verb}: ジョブ{summary.jobs}件、ファイル{summary.files}個 / "
            f"{summary.jobs} jobs, {summary.files} files"
            + (" (dry run)" if options["dry_run"] else "")
        )
