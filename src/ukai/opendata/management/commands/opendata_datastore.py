"""The datastore: which resources' rows are loaded; load the missing ones now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ukai.opendata import datastore
from ukai.opendata.models import DatastoreTable


class Command(BaseCommand):
    help = (
        "データストア（datastore_search で検索できる表）の状態を表示し、未読み込みの表を読み込みます / "
        "Show the datastore tables; load the missing ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--load-missing",
            action="store_true",
            help="最新版が未読み込みのリソースをこのプロセスで読み込む / load them in this process",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["load_missing"]:
            loaded = datastore.datastore_load_missing()
            self.stdout.write(f"読み込み {loaded}件 / loaded {loaded}")
        tables = DatastoreTable.objects.exclude(state=DatastoreTable.State.DROPPED).select_related(
            "resource", "version"
        )
        for table in tables.order_by("resource__name", "-created"):
            self.stdout.write(
                f"{table.table_name}\t{table.state}\t{table.rows_loaded}/{table.rows_expected or '?'}"
                f"\t{table.resource.name} v{table.version.number}\t{table.message}"
            )
