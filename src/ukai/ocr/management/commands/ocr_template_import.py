"""``manage.py ocr_template_import FILE.json``: create or replace a form template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.ocr.services import TemplateInvalid, template_file_check, template_import


class Command(BaseCommand):
    help = (
        "様式テンプレート（JSON：白紙画像のパス、dpi、読取項目）を取り込みます。誤りがあれば全件を示し、何も書き込みません。"
        " / Import a form template; on any problem, list them all and write nothing."
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
            checked = template_file_check(definition, base_dir=path.resolve().parent)
            template, created = template_import(checked=checked)
        except TemplateInvalid as exc:
            raise CommandError(
                f"{path}: {exc.message_ja} / {exc.message_en}\n"
                + "\n".join(f"  - {p}" for p in exc.problems)
            ) from exc
        verb = "追加 / created" if created else "更新 / updated"
        self.stdout.write(f"{template.name}: {verb}（{template.zones.count()} zones）")
