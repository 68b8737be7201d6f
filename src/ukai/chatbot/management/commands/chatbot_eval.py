"""``manage.py chatbot_eval --collection NAME QUERIES.jsonl``: print retrieval figures as JSON.

With ``--tune``, first fit the fusion weights and the confidence calibration on these
queries (use the development split) and write them to ``chatbot/data/tuning.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.chatbot import selectors, services
from ukai.chatbot.evaluation import evaluate, queries_parse, tune
from ukai.chatbot.retrieval import TUNING_PATH


class Command(BaseCommand):
    help = "評価用の質問でコレクションの検索精度を測ります。 / Measure retrieval quality."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collection", required=True)
        parser.add_argument("queries", type=Path)
        parser.add_argument(
            "--tune",
            action="store_true",
            help=f"重みとしきい値をこの質問で調整し {TUNING_PATH.name} に保存します",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        collection = selectors.collection_get(name=options["collection"])
        if collection is None:
            raise CommandError(
                f"コレクション「{options['collection']}」はありません。chatbot_import で作ってください。"
                f" / No collection {options['collection']!r}; create it with chatbot_import."
            )
        try:
            text = Path(options["queries"]).read_text(encoding="utf-8")
            queries = queries_parse(services.jsonl_records(text))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"ファイルを読めません / cannot read the file: {exc}") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not queries:
            raise CommandError("質問が1件もありません。 / The file has no queries.")
        index = services.collection_index(collection=collection)
        keys_by_id = dict(collection.entries.values_list("pk", "key"))
        tuning = services.tuning_current()
        if options["tune"]:
            tuning = tune(index=index, keys_by_id=keys_by_id, queries=queries, base=tuning)
            tuning.save()
            self.stderr.write(f"tuning written to {TUNING_PATH}: {tuning}")
        figures = evaluate(index=index, keys_by_id=keys_by_id, queries=queries, tuning=tuning)
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
