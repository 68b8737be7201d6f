"""Load Gifu City's life events for the one-stop counter (existing ones are kept as staff edited them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from ukai.counter.services import life_events_seed

DATA = Path(__file__).resolve().parents[2] / "data" / "lifeevents.json"


class Command(BaseCommand):
    help = "書かない窓口のライフイベントを登録します / Load the counter's life events."

    def handle(self, *args: Any, **options: Any) -> None:
        events = json.loads(DATA.read_text(encoding="utf-8"))["events"]
        created, kept = life_events_seed(events)
        self.stdout.write(
            f"ライフイベント: {created}件を登録、{kept}件は登録済み / "
            f"life events: {created} created, {kept} already present"
        )
