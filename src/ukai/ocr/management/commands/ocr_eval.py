"""``manage.py ocr_eval --template NAME DIR``: accuracy and speed on page images with ``truth.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.ocr.evaluation import evaluate
from ukai.ocr.models import FormTemplate


class Command(BaseCommand):
    help = (
        'DIR の画像と truth.jsonl（{"image": ..., "fields": {...}}）で読取精度と速度を測り、JSONを1つ出力します。'
        " / Measure accuracy and speed; prints one JSON object."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--template", required=True)
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        template = FormTemplate.objects.filter(name=options["template"]).first()
        if template is None:
            raise CommandError(
                f"{options['template']}: 様式テンプレートがありません / no such template"
            )
        folder: Path = options["directory"]
        truth_path = folder / "truth.jsonl"
        if not truth_path.is_file():
            raise CommandError(f"{truth_path}: ありません / not found")
        cases = []
        for number, line in enumerate(truth_path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                cases.append(
                    ((folder / record["image"]).read_bytes(), record["image"], record["fields"])
                )
            except (json.JSONDecodeError, KeyError, OSError) as exc:
                raise CommandError(f"{truth_path}:{number}: {exc}") from exc
        report = evaluate(template=template, cases=cases)
        self.stdout.write(json.dumps(report, ensure_ascii=False))
