"""``manage.py chatbot_import --collection NAME FILE.jsonl``: entries into a named collection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.chatbot.models import PUBLIC_COLLECTION
from ukai.chatbot.services import entries_import, jsonl_records
from ukai.chatbot.tasks import index_refresh_on_commit


class Command(BaseCommand):
    help = (
        "JSONL（1行1件: id, question, answer, field）からFAQを名前付きコレクションに読み込みます。"
        " / Import FAQ entries from JSONL into a named collection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collection", required=True, help="コレクション名 / collection name")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["collection"]
        if name == PUBLIC_COLLECTION:
            raise CommandError(
                "公開コレクションには chatbot_seed を使ってください。"
                " / Use chatbot_seed for the public collection."
            )
        try:
            text = Path(options["file"]).read_text(encoding="utf-8")
            records = jsonl_records(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"ファイルを読めません / cannot read the file: {exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = entries_import(collection_name=name, records=records)
        if result.errors:
            raise CommandError("\n".join(result.errors[:20]))
        index_refresh_on_commit(result.changed_collection_id)
        self.stdout.write(
            f"{name}: 追加 {result.created} 件、更新 {result.updated} 件、変更なし {result.unchanged} 件"
            f" / {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
