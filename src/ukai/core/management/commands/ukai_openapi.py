"""Write the API's OpenAPI schema, or check that the committed one is current."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.config.api import api


def openapi_text() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "OpenAPI スキーマを出力・照合します / Write or check the OpenAPI schema."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--output", type=Path)
        group.add_argument("--check", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        current = openapi_text()
        if options["output"]:
            path: Path = options["output"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(current, encoding="utf-8")
            self.stdout.write(f"{path} を更新しました / written")
            return
        committed_path: Path = options["check"]
        committed = committed_path.read_text(encoding="utf-8") if committed_path.exists() else ""
        if committed != current:
            diff = "".join(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    current.splitlines(keepends=True),
                    fromfile=str(committed_path),
                    tofile="current",
                )
            )
            self.stdout.write(diff)
            raise CommandError(
                "API が変わりました。`make openapi` でスキーマを更新してコミットしてください。 / "
                "The API changed: run `make openapi` and commit the schema."
            )
        self.stdout.write("OpenAPI スキーマは最新です / The OpenAPI schema is current.")
