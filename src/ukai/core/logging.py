"""Structured JSON logs, one object a line, with the request id."""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .context import actor_current


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        actor = actor_current()
        record.request_id = actor.request_id
        record.actor = actor.username
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
