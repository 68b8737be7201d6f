"""Load a form definition (JSON) as a new draft version of a procedure, optionally publishing it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.errors import UkaiError
from ukai.procedures import services
from ukai.procedures.formspec import FormDefinitionInvalid, form_spec_parse
from ukai.procedures.selectors import procedure_by_slug

MAX_FILE_BYTES = 2_000_000


class Command(BaseCommand):
    help = (
        "申請様式（JSON）を手続の新しい版として登録します（--publish で公開） / "
        "Load a form definition as a new draft version (--publish to publish it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="手続の識別子 / procedure slug")
        parser.add_argument("path", type=Path, help="様式の JSON ファイル / JSON file")
        parser.add_argument("--publish", action="store_true", help="公開する / publish it")
        parser.add_argument(
            "--check", action="store_true", help="検査だけ行う / only check the file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"ファイルが大きすぎます / file too large: {path}")
            definition = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"JSON を読めません / cannot read the JSON: {exc}") from None
        try:
            form_spec_parse(definition)
        except FormDefinitionInvalid as exc:
            lines = [f"  {p['loc'] or '(root)'}: {p['message']}" for p in exc.problems]
            raise CommandError("\n".join([str(exc), *lines])) from None
        if options["check"]:
            self.stdout.write("様式に誤りはありません / the definition is valid")
            return
        procedure = procedure_by_slug(options["slug"], published_only=False)
        if procedure is None:
            raise CommandError(f"手続（{options['slug']}）が見つかりません / no such procedure")
        try:
            draft = services.form_definition_create(procedure=procedure, definition=definition)
            if options["publish"]:
                draft = services.form_definition_publish(form_definition=draft)
        except UkaiError as exc:
            raise CommandError(str(exc)) from None
        state = "公開 / published" if options["publish"] else "下書き / draft"
        self.stdout.write(f"{procedure.name}: 第{draft.version}版を登録しました（{state}）")
