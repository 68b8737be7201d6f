"""Load a few hundred fictional Gifu City households (idempotent: the same data every time)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ukai.residents.generator import resident_csv_write
from ukai.residents.services import residents_import

DEMO_HOUSEHOLDS = 300


class Command(BaseCommand):
    help = (
        "架空の岐阜市の世帯（デモ用）を住民記録に登録します / Load fictional Gifu City households."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=DEMO_HOUSEHOLDS)

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="ukai-residents-") as folder:
            path = Path(folder) / "residents.csv"
            resident_csv_write(path, households=options["households"])
            # The demo goes through the same import as a core system's export.
            report = residents_import(path=path)
        self.stdout.write(
            f"住民記録（架空）: 住民 {report.created}人を登録、{report.updated}人を更新 / "
            f"residents (fictional): {report.created} created, {report.updated} updated"
        )
