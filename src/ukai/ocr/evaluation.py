"""Measuring zone OCR: character accuracy, field exact match, checkbox accuracy, seconds per page.

``Scorer`` compares read values with the truth field by field, after the type's own
normalisation (a date read as 令和6年4月1日 equals R6.4.1) and without spaces. Names
are compared exactly (a variant kanji read as its common form is an error) and also
with variant kanji folded, so the report shows how much of the loss is variants.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from ukai.core.japanese.names import kanji_variant_fold

from .engine import OcrEngine, ocr_engine
from .fieldtypes import MARK_TYPES, comparable, ocr_repair
from .reading import PageRejected, ZoneSpec, page_align, page_read


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@dataclass
class _FieldStats:
    chars: int = 0
    errors: int = 0
    errors_folded: int = 0
    fields: int = 0
    exact: int = 0


@dataclass
class Scorer:
    per_field: dict[str, _FieldStats] = field(default_factory=lambda: defaultdict(_FieldStats))
    marks: int = 0
    marks_right: int = 0
    pages: int = 0
    rejected: int = 0
    seconds: list[float] = field(default_factory=list)
    misses: list[dict[str, str]] = field(default_factory=list)

    def add(self, *, name: str, field_type: str, read: str, truth: str) -> None:
        if field_type in MARK_TYPES:
            self.marks += 1
            self.marks_right += (read == "1") == (truth == "1")
            return
        got, want = comparable(field_type, read), comparable(field_type, truth)
        stats = self.per_field[name]
        stats.fields += 1
        stats.chars += len(want)
        stats.errors += min(len(want), edit_distance(got, want))
        stats.errors_folded += min(
            len(want), edit_distance(kanji_variant_fold(got), kanji_variant_fold(want))
        )
        if got == want:
            stats.exact += 1
        elif len(self.misses) < 50:
            self.misses.append({"field": name, "read": read, "truth": truth})

    def report(self) -> dict[str, Any]:
        chars = sum(s.chars for s in self.per_field.values())
        errors = sum(s.errors for s in self.per_field.values())
        folded = sum(s.errors_folded for s in self.per_field.values())
        fields = sum(s.fields for s in self.per_field.values())
        exact = sum(s.exact for s in self.per_field.values())
        ordered = sorted(self.seconds)
        return {
            "pages": self.pages,
            "pages_rejected": self.rejected,
            "character_accuracy": round(1 - errors / chars, 4) if chars else None,
            "character_accuracy_variants_folded": round(1 - folded / chars, 4) if chars else None,
            "field_exact_match": round(exact / fields, 4) if fields else None,
            "checkbox_accuracy": round(self.marks_right / self.marks, 4) if self.marks else None,
            "seconds_per_page": round(sum(ordered) / len(ordered), 3) if ordered else None,
            "p95_seconds_per_page": round(
                ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3
            )
            if ordered
            else None,
            "per_field": {
                name: {
                    "character_accuracy": round(1 - s.errors / s.chars, 4) if s.chars else None,
                    "exact_match": round(s.exact / s.fields, 4) if s.fields else None,
                }
                for name, s in sorted(self.per_field.items())
            },
            "misses": self.misses[:20],
        }


def evaluate_pages(
    *,
    geometry: Any,
    zones: list[ZoneSpec],
    cases: list[tuple[bytes, str, dict[str, str]]],
    engine: OcrEngine | None = None,
) -> dict[str, Any]:
    """Read each (image bytes, name, truth) case and score it."""
    engine = engine or ocr_engine()
    scorer = Scorer()
    for data, _name, truth in cases:
        started = time.perf_counter()
        scorer.pages += 1
        gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        try:
            if gray is None:
                raise PageRejected("scan_corrupt", "", "")
            reading = page_read(page_align(gray, geometry), geometry, zones, engine)
        except PageRejected:
            scorer.rejected += 1
            for zone in zones:
                if zone.name in truth:
                    scorer.add(
                        name=zone.name, field_type=zone.type, read="", truth=truth[zone.name]
                    )
            continue
        scorer.seconds.append(time.perf_counter() - started)
        for result in reading.fields:
            if result.name in truth:
                scorer.add(
                    name=result.name,
                    field_type=result.type,
                    read=ocr_repair(result.type, result.text),
                    truth=truth[result.name],
                )
    return scorer.report()


def evaluate(*, template: Any, cases: list[tuple[bytes, str, dict[str, str]]]) -> dict[str, Any]:
    """``evaluate_pages`` for a stored template."""
    from .services import template_geometry_for

    zones = [
        ZoneSpec(zone.name, zone.field_type, zone.box, zone.validation)
        for zone in template.zones.all()
    ]
    report = evaluate_pages(geometry=template_geometry_for(template), zones=zones, cases=cases)
    return {"template": template.name, **report}
