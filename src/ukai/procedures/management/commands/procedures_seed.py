"""Load the Gifu City procedure catalog and its forms (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ukai.procedures.seed import procedures_seed
from ukai.procedures.tasks import retention_schedule


class Command(BaseCommand):
    help = "岐阜市の手続と申請様式を登録します / Load the Gifu City procedures and forms."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = procedures_seed()
        self.stdout.write(
            f"電子申請: 手続 {summary.created}件を登録、{summary.updated}件を更新、"
            f"様式 {summary.forms_published}件を公開 / procedures: {summary.created} created, "
            f"{summary.updated} updated, {summary.forms_published} forms published"
        )
        if retention_schedule():
            self.stdout.write("毎日03:00の保存期間の処理をワーカーに登録しました。")
