"""Load the Gifu City ICT plan (idempotent); ``ukai_demo`` runs every ``*_seed`` command."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ukai.plan.services import plan_seed_load
from ukai.plan.tasks import daily_collection_schedule


class Command(BaseCommand):
    help = "岐阜市ＩＣＴ活用推進計画を読み込みます（何度実行しても重複しません） / Load the Gifu ICT plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="毎日の自動集計をワーカーに登録しません / do not queue the daily collection",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = plan_seed_load()
        if not options["no_schedule"] and daily_collection_schedule(first_run_now=True):
            self.stdout.write("毎日02:00の指標の自動集計をワーカーに登録しました。")
        self.stdout.write(
            f"{summary.plan.name}（{summary.plan.start_fy}〜{summary.plan.end_fy}年度）: "
            f"基本方針 {summary.policies}、施策 {summary.measures}、指標 {summary.indicators}、"
            f"目標値 {summary.targets}、スケジュール {summary.schedule}、"
            f"マイルストーン {summary.milestones}"
        )
