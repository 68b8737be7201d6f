"""``manage.py ocr_pipeline_import FILE.json``: create or replace an OCR pipeline (RPA)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.ocr.pipelines import PipelineInvalid, pipeline_import
from ukai.ocr.tasks import pipeline_tick_schedule


class Command(BaseCommand):
    help = (
        "自動処理（RPA）の定義（JSON）を取り込みます。誤りがあれば全件を示し、何も書き込みません。"
        " / Import an OCR pipeline definition; on any problem, list them all and write nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            definition = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: ファイルが見つかりません / file not found") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path}: JSONとして読めません / not valid JSON ({exc})") from exc
        try:
            pipeline, created = pipeline_import(definition=definition)
        except PipelineInvalid as exc:
            raise CommandError(
                f"{path}: {exc.message_ja} / {exc.message_en}\n"
                + "\n".join(f"  - {p}" for p in exc.problems)
            ) from exc
        pipeline_tick_schedule()
        verb = "追加 / created" if created else "更新 / updated"
        self.stdout.write(f"{pipeline.name}: {verb}")
