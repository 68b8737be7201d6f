"""Background tasks of the chatbot: take ids, call services."""

from __future__ import annotations

from django.db import transaction

from ukai.core.background import background_task

from . import services


@background_task(max_attempts=3, backoff_seconds=30)
def chatbot_index_refresh(collection_id: int) -> int:
    """Rebuild the collection's index in the worker and keep its vectors on disk."""
    return services.collection_index_refresh(collection_id=collection_id)


def index_refresh_on_commit(collection_id: int | None) -> None:
    """Enqueue the rebuild once the transaction that changed the entries commits."""
    if collection_id is not None:
        transaction.on_commit(lambda: chatbot_index_refresh.enqueue(collection_id))
