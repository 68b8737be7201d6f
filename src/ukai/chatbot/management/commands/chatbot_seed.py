"""``manage.py chatbot_seed``: load the Gifu City FAQs into the public collection (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ukai.chatbot.services import faq_seed_load
from ukai.chatbot.tasks import index_refresh_on_commit


class Command(BaseCommand):
    help = "岐阜市のFAQをチャットボットの公開コレクションに読み込みます（何度実行しても同じ結果）。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = faq_seed_load()
        if result.errors:
            raise CommandError("\n".join(result.errors))
        index_refresh_on_commit(result.changed_collection_id)
        self.stdout.write(
            f"チャットボットFAQ: 追加 {result.created} 件、更新 {result.updated} 件、変更なし {result.unchanged} 件 "
            f"/ chatbot FAQs: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
