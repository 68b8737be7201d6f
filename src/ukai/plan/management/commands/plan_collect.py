"""Run the plan's indicator collectors now (for cron), or queue the self-renewing daily task."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.plan import services
from ukai.plan.selectors import plan_current
from ukai.plan.tasks import daily_collection_schedule, next_run_at


class Command(BaseCommand):
    help = (
        "計画の指標を今すぐ集計します。--schedule で毎日の自動集計をワーカーに登録します。"
        " / Run the plan's collectors now; --schedule queues the daily task for the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="集計の基準日 YYYY-MM-DD / the date to collect for")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="毎日02:00の自動集計を登録します（登録済みなら何もしません）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if daily_collection_schedule():
                self.stdout.write(
                    f"毎日の自動集計を登録しました（次回 {next_run_at():%Y-%m-%d %H:%M}）"
                )
            else:
                self.stdout.write("毎日の自動集計はすでに登録されています。")
            return
        plan = plan_current()
        if plan is None:
            raise CommandError("計画が登録されていません。manage.py plan_seed を実行してください。")
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of は YYYY-MM-DD で指定してください: {exc}") from exc
        summary = services.collectors_run(plan=plan, as_of=as_of)
        for run in summary.runs:
            value = f" = {run.value.value:g}" if run.value else ""
            self.stdout.write(
                f"{run.indicator.code:<8} {run.collector_id:<36} {run.status}{value} {run.message}"
            )
        self.stdout.write(
            f"成功 {summary.count('ok')}、未計測 {summary.count('no_data')}、失敗 {summary.count('failed')}"
        )
        if summary.count("failed"):
            raise CommandError("失敗した集計があります / some collectors failed")
