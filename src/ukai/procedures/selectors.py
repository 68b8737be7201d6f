"""Reads of the procedures module: the public catalog, search and current forms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils import timezone

from ukai.core.errors import NotFound
from ukai.core.japanese.kana import kana_fold

from .models import FINAL_STATUSES, Attachment, Case, CaseStatus, Draft, FormDefinition, Procedure
from .receipts import receipt_number_normalize, secret_hash

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


def procedure_for_application(slug: str) -> Procedure | None:
    """A published procedure, without the catalog's related rows (the application pages' hot path)."""
    if len(slug) > 100:
        return None
    return Procedure.objects.filter(slug=slug, is_published=True).first()


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


# --- applications -------------------------------------------------------------------------


def draft_for_session(*, draft_id: object, procedure: Procedure) -> Draft | None:
    """The verified, unexpired draft of this procedure that a browser session holds."""
    if not isinstance(draft_id, int):
        return None
    return (
        Draft.objects.filter(
            pk=draft_id,
            procedure=procedure,
            verified_at__isnull=False,
            expires_at__gt=timezone.now(),
        )
        .select_related("form_definition")
        .first()
    )


def case_by_status_secret(secret: str) -> Case | None:
    return (
        Case.objects.select_related("procedure", "form_definition")
        .filter(status_token_hash=secret_hash(secret))
        .first()
    )


def case_by_receipt(receipt_number: str, *, department_codes: set[str] | None) -> Case | None:
    """A case by its receipt number, if it belongs to one of ``department_codes`` (None: any)."""
    cases = Case.objects.select_related("procedure", "form_definition", "assigned_to")
    if department_codes is not None:
        cases = cases.filter(department_code__in=department_codes)
    return cases.filter(receipt_number=receipt_number).first()


def case_inbox(
    *,
    department_codes: set[str] | None,
    status: str = "",
    procedure_slug: str = "",
    q: str = "",
    overdue_only: bool = False,
    mine: Any = None,
    today: date | None = None,
) -> QuerySet[Case]:
    """The cases of a department's inbox, newest first, with the filters of the inbox page."""
    cases = Case.objects.select_related("procedure", "assigned_to")
    if department_codes is not None:
        cases = cases.filter(department_code__in=department_codes)
    if status == "open":
        cases = cases.exclude(status__in=FINAL_STATUSES)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    if procedure_slug:
        cases = cases.filter(procedure__slug=procedure_slug)
    if overdue_only:
        cases = cases.filter(due_date__lt=today or timezone.localdate()).exclude(
            status__in=FINAL_STATUSES
        )
    if mine is not None:
        cases = cases.filter(assigned_to=mine)
    if q:
        receipt = receipt_number_normalize(q)
        if receipt is not None:
            cases = cases.filter(receipt_number=receipt)
        else:
            cases = cases.filter(applicant_name__icontains=q)
    return cases.order_by("-submitted_at", "-pk")


def case_status_counts(*, department_codes: set[str] | None) -> dict[str, int]:
    cases = Case.objects.all()
    if department_codes is not None:
        cases = cases.filter(department_code__in=department_codes)
    counts = {row["status"]: row["n"] for row in cases.values("status").annotate(n=Count("pk"))}
    return {status: counts.get(status, 0) for status in CaseStatus.values}


def attachment_of_case(*, case: Case, attachment_id: UUID | str) -> Attachment | None:
    return Attachment.objects.filter(case=case, pk=attachment_id).first()


def cases_by_receipt(receipts: list[str]) -> list[Case]:
    """The cases with these receipt numbers (typed any way), in the order given.

    For printing one visit's cases together (``pdf.cases_pdf``). Raises ``NotFound``
    naming the first receipt number that is not a case.
    """
    normalized = [receipt_number_normalize(r) or r for r in receipts]
    found = {
        c.receipt_number: c
        for c in Case.objects.select_related("procedure", "form_definition").filter(
            receipt_number__in=normalized
        )
    }
    for typed, number in zip(receipts, normalized, strict=True):
        if number not in found:
            raise NotFound(what_ja="受付番号", what_en="Receipt number", identifier=typed)
    return [found[number] for number in normalized]
