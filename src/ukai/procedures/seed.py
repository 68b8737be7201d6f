"""The demo catalog: Gifu City procedures and their form definitions from ``data/``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from . import services
from .models import CaseStatus, Procedure, RetentionRule
from .selectors import form_definition_current

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_FIELDS = (
    "name",
    "name_kana",
    "name_en",
    "description",
    "description_easy",
    "description_en",
    "department_code",
    "legal_basis",
    "eligibility",
    "eligibility_en",
    "required_documents",
    "fee_yen",
    "fee_note",
    "fee_note_en",
    "processing_days",
    "processing_note",
    "processing_note_en",
    "channels",
    "life_events",
    "category",
)


@dataclass(frozen=True)
class SeedSummary:
    created: int
    updated: int
    forms_published: int


def catalog_files() -> list[Path]:
    """``procedures.json``, then every ``procedures-*.json`` (e.g. the one-stop counter's), sorted."""
    return [DATA_DIR / "procedures.json", *sorted(DATA_DIR.glob("procedures-*.json"))]


def _catalog() -> list[dict[str, Any]]:
    procedures: list[dict[str, Any]] = []
    for path in catalog_files():
        procedures.extend(json.loads(path.read_text(encoding="utf-8"))["procedures"])
    return procedures


def _form_files() -> dict[str, dict[str, Any]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((DATA_DIR / "forms").glob("*.json"))
    }


def procedures_seed() -> SeedSummary:
    """Create or update the demo procedures and publish their forms; running it again changes nothing.

    A form whose data file differs from the latest published version gets a new
    published version (published versions themselves are never edited).
    """
    created = updated = published = 0
    with transaction.atomic():
        by_slug: dict[str, Procedure] = {}
        for order, entry in enumerate(_catalog()):
            values = {field: entry[field] for field in CATALOG_FIELDS}
            values["sort_order"] = order
            # "listed": false keeps a procedure out of the catalog (the chatbot's inquiry form).
            values["is_published"] = entry.get("listed", True)
            procedure = Procedure.objects.filter(slug=entry["slug"]).first()
            if procedure is None:
                procedure = Procedure.objects.create(slug=entry["slug"], **values)
                created += 1
            elif any(getattr(procedure, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(procedure, key, value)
                procedure.save()
                updated += 1
            by_slug[procedure.slug] = procedure
        for entry in _catalog():
            wanted = [by_slug[s] for s in entry["related"]]
            procedure = by_slug[entry["slug"]]
            if {p.pk for p in procedure.related.all()} != {p.pk for p in wanted}:
                procedure.related.set(wanted)
        for slug, definition in _form_files().items():
            procedure = by_slug[slug]
            current = form_definition_current(procedure=procedure)
            if current is not None and current.definition == definition:
                continue
            # A new version, never a staff member's draft overwritten.
            draft = services.form_definition_create(procedure=procedure, definition=definition)
            services.form_definition_publish(form_definition=draft)
            published += 1
        # Five years after completion or rejection, keep only what statistics need
        # (the usual retention of application documents); departments adjust per procedure.
        for status in (CaseStatus.COMPLETED, CaseStatus.REJECTED):
            RetentionRule.objects.get_or_create(
                procedure=None,
                status=status,
                defaults={"days": 5 * 365 + 1, "action": RetentionRule.Action.ANONYMISE},
            )
    return SeedSummary(created=created, updated=updated, forms_published=published)
