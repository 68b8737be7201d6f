"""A typed plugin registry: one per kind of engine (OCR, ASR, translation, payments …).

    ocr_registry: Registry[OcrEngine] = Registry("ocr")

    @ocr_registry.register("ppocrv5")
    class PpOcrV5(OcrEngine):
        verbose_name = "PP-OCRv5 (ONNX)"

Settings choose engines as an ordered list with fallbacks::

    UKAI_ENGINES = {"ocr": [{"engine": "ppocrv5", "options": {"model_dir": "/srv/models"}},
                            {"engine": "tesseract"}]}

``registry.run_with_fallback(lambda engine: engine.read(image))`` tries them in
order. Tests build a fresh ``Registry`` instead of touching a module's own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings

logger = logging.getLogger(__name__)


class PluginConfigError(Exception):
    """A plugin cannot work as configured (missing model file, bad option …)."""


class PluginUnavailable(Exception):
    """A plugin cannot serve this call right now; the next engine is tried."""


class Plugin:
    """Base of every engine. Subclasses set ``verbose_name`` and may override ``check_config``."""

    identifier: str = ""
    verbose_name: ClassVar[str] = ""
    # A demo engine is for development only: the UI names it as such and no
    # feature's acceptance test may rely on it.
    is_demo: ClassVar[bool] = False

    def __init__(self, **options: Any) -> None:
        self.options = options

    def check_config(self) -> None:
        """Raise ``PluginConfigError`` if the engine cannot work as configured."""


PluginT = TypeVar("PluginT", bound=Plugin)
R = TypeVar("R")


@dataclass(frozen=True)
class PluginStatus:
    identifier: str
    verbose_name: str
    is_demo: bool
    ok: bool
    message: str = ""


@dataclass
class FallbackAttempt:
    identifier: str
    error: str


@dataclass
class FallbackResult(Generic[R]):
    value: R
    engine: str
    attempts: list[FallbackAttempt] = field(default_factory=list)


class NoEngineAvailable(Exception):
    def __init__(self, kind: str, attempts: list[FallbackAttempt]) -> None:
        self.kind = kind
        self.attempts = attempts
        tried = ", ".join(f"{a.identifier}: {a.error}" for a in attempts) or "none configured"
        super().__init__(f"No {kind} engine could serve the request ({tried}).")


_ALL_REGISTRIES: dict[str, Registry[Any]] = {}


class Registry(Generic[PluginT]):
    def __init__(self, kind: str, *, track: bool = True) -> None:
        self.kind = kind
        self._plugins: dict[str, type[PluginT]] = {}
        if track:
            _ALL_REGISTRIES[kind] = self

    def register(self, identifier: str) -> Callable[[type[PluginT]], type[PluginT]]:
        if not identifier or not identifier.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"Invalid plugin id {identifier!r}")

        def decorate(cls: type[PluginT]) -> type[PluginT]:
            if identifier in self._plugins:
                raise ValueError(f"{self.kind} plugin {identifier!r} is already registered")
            cls.identifier = identifier
            self._plugins[identifier] = cls
            return cls

        return decorate

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._plugins

    def __iter__(self) -> Iterator[str]:
        return iter(self._plugins)

    def __len__(self) -> int:
        return len(self._plugins)

    def plugin_class(self, identifier: str) -> type[PluginT]:
        try:
            return self._plugins[identifier]
        except KeyError:
            known = ", ".join(sorted(self._plugins)) or "none"
            raise KeyError(
                f"Unknown {self.kind} plugin {identifier!r} (registered: {known})"
            ) from None

    def create(self, identifier: str, **options: Any) -> PluginT:
        return self.plugin_class(identifier)(**options)

    def choices(self) -> list[tuple[str, str]]:
        """For model fields that store a plugin id: ``(id, name)`` pairs."""
        return [(key, cls.verbose_name or key) for key, cls in sorted(self._plugins.items())]

    def configuration(self) -> list[Mapping[str, Any]]:
        engines: Mapping[str, Sequence[Mapping[str, Any]]] = getattr(settings, "UKAI_ENGINES", {})
        configured = list(engines.get(self.kind, []))
        if configured:
            return configured
        return [{"engine": key} for key in self._plugins]

    def configured(self) -> list[PluginT]:
        """The engines settings ask for, in order (all registered ones if unset)."""
        return [
            self.create(entry["engine"], **dict(entry.get("options", {})))
            for entry in self.configuration()
        ]

    def check_config(self) -> list[PluginStatus]:
        """Check every configured engine; never raises."""
        statuses = []
        for entry in self.configuration():
            identifier = str(entry.get("engine", ""))
            try:
                plugin = self.create(identifier, **dict(entry.get("options", {})))
                plugin.check_config()
            except (KeyError, TypeError, PluginConfigError) as exc:
                cls = self._plugins.get(identifier)
                statuses.append(
                    PluginStatus(
                        identifier=identifier,
                        verbose_name=(cls.verbose_name if cls else identifier),
                        is_demo=bool(cls and cls.is_demo),
                        ok=False,
                        message=str(exc),
                    )
                )
                continue
            statuses.append(
                PluginStatus(
                    identifier=identifier,
                    verbose_name=plugin.verbose_name or identifier,
                    is_demo=plugin.is_demo,
                    ok=True,
                )
            )
        return statuses

    def run_with_fallback(self, call: Callable[[PluginT], R]) -> FallbackResult[R]:
        """Call the first configured engine that works; fall back on failure."""
        attempts: list[FallbackAttempt] = []
        for plugin in self.configured():
            try:
                value = call(plugin)
            except (PluginUnavailable, PluginConfigError) as exc:
                logger.warning(
                    "engine unavailable, trying the next",
                    extra={"kind": self.kind, "engine": plugin.identifier, "error": str(exc)},
                )
                attempts.append(FallbackAttempt(plugin.identifier, str(exc)))
                continue
            return FallbackResult(value=value, engine=plugin.identifier, attempts=attempts)
        raise NoEngineAvailable(self.kind, attempts)


def registries() -> dict[str, Registry[Any]]:
    """Every module's registry, by kind (for the administrators' engine page)."""
    return dict(_ALL_REGISTRIES)
