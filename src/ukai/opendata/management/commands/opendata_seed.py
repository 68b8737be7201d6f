"""Load the Gifu City sample catalog (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ukai.opendata.seed import catalog_seed


class Command(BaseCommand):
    help = "岐阜市のオープンデータ（サンプル）を登録します / Load the Gifu City sample open data."

    def handle(self, *args: Any, **options: Any) -> None:
        created, kept = catalog_seed()
        self.stdout.write(
            f"オープンデータ: {created}件を登録、{kept}件は登録済み / "
            f"open data: {created} created, {kept} already present"
        )
