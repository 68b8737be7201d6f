"""``manage.py ocr_template_export NAME FOLDER``: write a template as JSON + blank image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.ocr.models import FormTemplate
from ukai.ocr.services import template_export


class Command(BaseCommand):
    help = (
        "様式テンプレートをJSONと白紙画像に書き出します（ocr_template_import で取り込める形式）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            template = FormTemplate.objects.get(name=options["name"])
        except FormTemplate.DoesNotExist as exc:
            raise CommandError(
                f"{options['name']}: 様式テンプレートがありません / no such template"
            ) from exc
        path = template_export(template=template, folder=options["folder"])
        self.stdout.write(str(path))
