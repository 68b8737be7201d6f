"""Reads of the chatbot: collections, entries, conversations and the plan's KPIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import PUBLIC_COLLECTION, Collection, Entry, Field, HandOff, Message


def collection_get(*, name: str) -> Collection | None:
    return Collection.objects.filter(name=name).first()


def entry_list_published(*, collection: Collection) -> QuerySet[Entry]:
    return collection.entries.filter(status=Entry.Status.PUBLISHED).order_by("pk")


def entries_by_id(*, ids: list[int]) -> dict[int, Entry]:
    entries = Entry.objects.filter(pk__in=ids).select_related("translation_of")
    return {entry.pk: entry for entry in entries}


def entry_translations(*, originals: list[Entry]) -> dict[tuple[int, str], Entry]:
    """Published translations of ``originals``, by (original id, language)."""
    translations = Entry.objects.filter(
        translation_of__in=[o.pk for o in originals], status=Entry.Status.PUBLISHED
    ).select_related("translation_of")
    return {(t.translation_of_id or 0, t.language): t for t in translations}


def entry_get_public(*, entry_id: int) -> Entry | None:
    if not 0 < entry_id < 2**63:
        return None
    return Entry.objects.filter(
        pk=entry_id, collection__name=PUBLIC_COLLECTION, status=Entry.Status.PUBLISHED
    ).first()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _month_window(as_of: date) -> tuple[datetime, datetime]:
    """The 30 days up to and including ``as_of``."""
    end = _day_start(as_of + timedelta(days=1))
    return end - timedelta(days=30), end


def kpi_fields_covered(*, as_of: date) -> dict[str, float | str]:
    fields = (
        Entry.objects.filter(
            collection__name=PUBLIC_COLLECTION,
            status=Entry.Status.PUBLISHED,
            created_at__lt=_day_start(as_of + timedelta(days=1)),
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=as_of))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
        .exclude(field=Field.OTHER)
        .filter(translation_of__isnull=True)
        .values_list("field", flat=True)
        .distinct()
    )
    return {
        "value": float(len(set(fields))),
        "description": (
            "基準日に公開中のFAQが1件以上ある行政分野の数（「その他」を除く）。"
            "計画の目標は18分野以上。"
        ),
    }


def _messages_in_window(as_of: date) -> QuerySet[Message]:
    start, end = _month_window(as_of)
    return Message.objects.filter(asked_at__gte=start, asked_at__lt=end)


def kpi_questions_per_month(*, as_of: date) -> dict[str, float | str]:
    return {
        "value": float(_messages_in_window(as_of).count()),
        "description": "基準日までの30日間に、チャットボットが受けた質問の数。",
    }


def kpi_answer_rate(*, as_of: date) -> dict[str, float | str]:
    counts = _messages_in_window(as_of).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    total = counts["total"] or 0
    return {
        "value": round(counts["answered"] / total, 4) if total else 0.0,
        "description": (
            "基準日までの30日間の質問のうち、確信度がしきい値以上で回答した割合（0〜1）。"
            "しきい値未満のときは「わかりません」と答え、近い候補を示します。"
        ),
    }


def kpi_helpful_rate(*, as_of: date) -> dict[str, float | str]:
    counts = (
        _messages_in_window(as_of)
        .filter(helpful__isnull=False)
        .aggregate(total=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
    )
    total = counts["total"] or 0
    return {
        "value": round(counts["helpful"] / total, 4) if total else 0.0,
        "description": (
            "基準日までの30日間に「役に立ちましたか？」へ回答があった質問のうち、"
            "「はい」の割合（0〜1）。"
        ),
    }


def kpi_handoffs(*, as_of: date) -> dict[str, float | str]:
    return {
        "value": float(_messages_in_window(as_of).filter(handed_off=True).count()),
        "description": "基準日までの30日間に、チャットボットから担当課へ引き継いだ問い合わせの数。",
    }


STALE_AFTER_DAYS = 365


def entry_list_stale(*, as_of: date, department_codes: set[str] | None) -> QuerySet[Entry]:
    """Published entries past their review (not reviewed within a year) or their validity.

    Drafts and pending revisions are not live, so not stale: they wait for review.
    """
    entries = Entry.objects.filter(
        collection__name=PUBLIC_COLLECTION,
        status=Entry.Status.PUBLISHED,
        translation_of__isnull=True,
        revision_of__isnull=True,
    )
    if department_codes is not None:
        entries = entries.filter(department__in=department_codes)
    overdue = as_of - timedelta(days=STALE_AFTER_DAYS)
    return entries.filter(
        Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=overdue) | Q(valid_until__lt=as_of)
    ).order_by("reviewed_on", "key")


@dataclass
class QuestionGroup:
    """Unanswered questions that say the same thing, most asked first."""

    questions: list[str]
    count: int
    field: str


def unanswered_question_groups(
    *, as_of: date, limit: int = 500, similarity: float = 0.75
) -> list[QuestionGroup]:
    """The last 30 days' unanswered or unhelpful questions, grouped by meaning (USE vectors)."""
    start, end = _month_window(as_of)
    messages = list(
        Message.objects.filter(asked_at__gte=start, asked_at__lt=end)
        .filter(Q(answered=False) | Q(helpful=False))
        .order_by("-asked_at")
        .values_list("question", "field")[:limit]
    )
    if not messages:
        return []
    from .encoder import texts_encode
    from .text import query_clean

    vectors = texts_encode([query_clean(question) for question, _ in messages])
    centroids: list[np.ndarray] = []
    groups: list[QuestionGroup] = []
    for (question, field), vector in zip(messages, vectors, strict=True):
        best, best_similarity = -1, similarity
        for number, centroid in enumerate(centroids):
            value = float(centroid @ vector)
            if value >= best_similarity:
                best, best_similarity = number, value
        if best < 0:
            centroids.append(vector.copy())
            groups.append(QuestionGroup(questions=[question], count=1, field=field))
            continue
        group = groups[best]
        group.count += 1
        if question not in group.questions and len(group.questions) < 5:
            group.questions.append(question)
        merged = centroids[best] * (group.count - 1) + vector
        centroids[best] = merged / (np.linalg.norm(merged) or 1.0)
    return sorted(groups, key=lambda g: -g.count)


def handoff_list(*, department_codes: set[str] | None, limit: int = 100) -> list[HandOff]:
    """The latest hand-offs to these departments (all when None), with their question."""
    handoffs = HandOff.objects.select_related("message")
    if department_codes is not None:
        handoffs = handoffs.filter(department__in=department_codes)
    return list(handoffs[:limit])


def entry_list_for_staff(
    *,
    department_codes: set[str] | None,
    as_of: date,
    field: str = "",
    status: str = "",
    stale: bool = False,
    text: str = "",
) -> QuerySet[Entry]:
    """Entries of the public collection for the staff list (no pending revisions).

    ``status`` "draft" or "review" also finds published entries whose pending
    revision is in that state; ``stale`` is the staff page's rule (a year since the
    last review, or past the validity end) applied to published entries.
    """
    entries = Entry.objects.filter(
        collection__name=PUBLIC_COLLECTION, revision_of__isnull=True, deleted_at__isnull=True
    ).select_related("pending_revision")
    if department_codes is not None:
        entries = entries.filter(department__in=department_codes)
    if field:
        entries = entries.filter(field=field)
    if status == Entry.Status.PUBLISHED:
        entries = entries.filter(status=Entry.Status.PUBLISHED)
    elif status:
        entries = entries.filter(Q(status=status) | Q(pending_revision__status=status))
    if stale:
        overdue = as_of - timedelta(days=STALE_AFTER_DAYS)
        entries = entries.filter(status=Entry.Status.PUBLISHED).filter(
            Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=overdue) | Q(valid_until__lt=as_of)
        )
    for word in text.split()[:5]:
        entries = entries.filter(
            Q(question__icontains=word) | Q(answer__icontains=word) | Q(key__iexact=word)
        )
    return entries.order_by("field", "key")


def entry_is_stale(*, entry: Entry, as_of: date) -> bool:
    if entry.status != Entry.Status.PUBLISHED:
        return False
    overdue = as_of - timedelta(days=STALE_AFTER_DAYS)
    return (
        entry.reviewed_on is None
        or entry.reviewed_on < overdue
        or (entry.valid_until is not None and entry.valid_until < as_of)
    )


def entry_get_for_staff(*, entry_id: int) -> Entry | None:
    """An entry of the public collection (not a pending revision, not deleted) by id."""
    if not 0 < entry_id < 2**63:
        return None
    return Entry.objects.filter(
        pk=entry_id,
        collection__name=PUBLIC_COLLECTION,
        revision_of__isnull=True,
        deleted_at__isnull=True,
    ).first()
