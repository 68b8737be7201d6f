"""Reads of the procedures module: the public catalog, search and current forms."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from ukai.core.japanese.kana import kana_fold

from .models import FormDefinition, Procedure

MAX_QUERY_LENGTH = 100


def procedure_search_key(text: str) -> str:
    """NFKC, case-folded and kana-folded (ひらがな = カタカナ = ｶﾀｶﾅ), spaces removed."""
    return kana_fold(text).casefold()


def _haystack(procedure: Procedure) -> str:
    parts = (
        procedure.name,
        procedure.name_kana,
        procedure.name_en,
        procedure.description,
        procedure.description_easy,
        procedure.description_en,
    )
    return "\n".join(procedure_search_key(p) for p in parts)


def procedure_list_published() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_published=True).prefetch_related("related")


def procedure_search(
    *, q: str = "", life_event: str = "", category: str = "", channel: str = ""
) -> list[Procedure]:
    """Published procedures matching every given filter, in display order.

    ``q`` matches as substrings of the normalised name, reading and
    descriptions; each space-separated word must match (AND). The catalog has
    hundreds of rows at most, so this runs in Python (docs/adr/0042).
    """
    found: Iterable[Procedure] = procedure_list_published()
    if category:
        found = [p for p in found if p.category == category]
    if life_event:
        found = [p for p in found if life_event in p.life_events]
    if channel:
        found = [p for p in found if channel in p.channels]
    words = [procedure_search_key(w) for w in q[:MAX_QUERY_LENGTH].split()]
    words = [w for w in words if w]
    if words:
        found = [p for p in found if all(w in _haystack(p) for w in words)]
    return list(found)


def procedure_by_slug(slug: str, *, published_only: bool = True) -> Procedure | None:
    if len(slug) > 100:
        return None
    procedures = procedure_list_published() if published_only else Procedure.objects.all()
    return procedures.filter(slug=slug).first()


def form_definition_current(*, procedure: Procedure) -> FormDefinition | None:
    """The latest published version of the procedure's form (what a new submission uses)."""
    return (
        procedure.form_definitions.filter(status=FormDefinition.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def procedure_ids_with_published_form() -> set[int]:
    return set(
        FormDefinition.objects.filter(status=FormDefinition.Status.PUBLISHED).values_list(
            "procedure_id", flat=True
        )
    )
