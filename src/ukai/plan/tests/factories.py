"""Test helpers for the plan module: the seeded plan, staff by role, a fresh registry."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from ukai.core.service import Role
from ukai.plan.base import CollectedValue, Collector
from ukai.plan.registry import collector_registry
from ukai.plan.services import plan_seed_load

_counter = itertools.count(1)
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def seeded_plan() -> Any:
    return plan_seed_load().plan


def staff(*, role: str = Role.ICT, **fields: Any) -> Any:
    n = next(_counter)
    defaults = {"username": f"plan-staff-{n}", "display_name": f"計画 職員{n}（テスト）"}
    defaults.update(fields)
    user = get_user_model().objects.create_user(password="pass-12345-word", role=role, **defaults)
    return user


def evidence_pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


class FixedCollector(Collector):
    """Returns the value given in the test (a stand-in for another module's data)."""

    verbose_name = "テスト用の固定値"
    value: float = 0.0

    def collect(self, *, as_of: date) -> CollectedValue | None:
        return CollectedValue(self.value, f"テスト用の固定値 {self.value}（{as_of}）")


class RaisingCollector(Collector):
    verbose_name = "テスト用の失敗するコレクター"

    def collect(self, *, as_of: date) -> CollectedValue | None:
        raise RuntimeError("データベースに接続できません")


@contextmanager
def temporary_collector(identifier: str, cls: type[Collector], **attrs: Any) -> Iterator[None]:
    """Register a collector in the module's own registry for one test (pages use it)."""
    subclass = type(f"Temp_{identifier.replace('-', '_')}", (cls,), dict(attrs))
    collector_registry.register(identifier)(subclass)
    try:
        yield
    finally:
        collector_registry._plugins.pop(identifier, None)
