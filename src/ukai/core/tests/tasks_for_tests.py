"""Tasks the worker tests enqueue (importable by path, as the worker needs)."""

from __future__ import annotations

from django.core.cache import cache

from ukai.core.background import background_task


class FlakyError(RuntimeError):
    pass


@background_task(max_attempts=3, backoff_seconds=3600)
def always_fails(label: str) -> None:
    raise FlakyError(f"boom {label}")


@background_task(max_attempts=2, backoff_seconds=0)
def fails_every_time_no_backoff() -> None:
    raise FlakyError("still broken")


@background_task(max_attempts=3, backoff_seconds=0)
def fails_once_then_succeeds(key: str) -> str:
    seen = cache.get(key, 0)
    cache.set(key, seen + 1)
    if seen == 0:
        raise FlakyError("first attempt fails")
    return "ok"
