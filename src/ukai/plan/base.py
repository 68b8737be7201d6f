"""What an indicator collector is: one indicator's value, computed from Ukai's own data."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any, ClassVar, NamedTuple

from django.apps import apps

from ukai.core.plugins import Plugin


class CollectedValue(NamedTuple):
    value: float
    description: str


class CollectorError(Exception):
    """A collector's source answered with something that is not a value."""


class Collector(Plugin):
    """Computes one indicator value as of a date.

    ``collect`` returns ``None`` when its source does not exist yet (the module is not
    installed): the indicator then shows 「未計測」. It never returns a made-up number.
    """

    source_module: ClassVar[str] = ""  # the Ukai module whose data it reads

    def is_available(self) -> bool:
        return True

    def collect(self, *, as_of: date) -> CollectedValue | None:
        raise NotImplementedError


class ModuleKpiCollector(Collector):
    """Calls ``ukai.<module>.service.<function>(as_of=...)`` if that module is installed.

    The function returns ``{"value": float, "description": str}``. The module is found
    with ``apps.is_installed`` and ``importlib`` so that this module neither depends on it
    nor breaks while it does not exist.
    """

    function: ClassVar[str] = ""

    def _function(self) -> Any | None:
        if not apps.is_installed(f"ukai.{self.source_module}"):
            return None
        name = f"ukai.{self.source_module}.service"
        try:
            service = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # The module has no service.py yet; any other import error is a real failure.
            if exc.name == name:
                return None
            raise
        return getattr(service, self.function, None)

    def is_available(self) -> bool:
        return self._function() is not None

    def collect(self, *, as_of: date) -> CollectedValue | None:
        function = self._function()
        if function is None:
            return None
        result = function(as_of=as_of)
        try:
            value = float(result["value"])
            description = str(result["description"])
        except (TypeError, KeyError, ValueError) as exc:
            raise CollectorError(
                f"ukai.{self.source_module}.service.{self.function} returned {result!r}, "
                'not {"value": float, "description": str}'
            ) from exc
        if value != value or value in (float("inf"), float("-inf")):
            raise CollectorError(f"{self.function} returned a non-finite value {value!r}")
        return CollectedValue(value, description)
