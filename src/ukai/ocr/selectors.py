"""Reads of the OCR module: templates, jobs, the review order of a page, and the time KPI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import FormTemplate, PageField, ReadingJob, ScanPage


def template_list(*, active_only: bool = True) -> QuerySet[FormTemplate]:
    templates = FormTemplate.objects.annotate(zone_count=Count("zones"))
    return templates.filter(is_active=True) if active_only else templates


def job_list(*, limit: int = 50) -> list[ReadingJob]:
    return list(ReadingJob.objects.select_related("template").order_by("-created_at")[:limit])


def job_pages(*, job: ReadingJob) -> QuerySet[ScanPage]:
    return job.pages.annotate(
        review_count=Count("fields", filter=_needs_review_filter()),
    ).order_by("number")


def _needs_review_filter() -> Any:
    from django.db.models import Q

    return Q(fields__needs_review=True)


def page_next_open(*, job: ReadingJob, after: int = 0) -> ScanPage | None:
    """The next page of the job still waiting for verification (after page number ``after``)."""
    pages = job.pages.filter(status=ScanPage.Status.READ)
    return (
        pages.filter(number__gt=after).order_by("number").first()
        or pages.order_by("number").first()
    )


def page_fields_for_review(*, page: ScanPage) -> list[PageField]:
    """The page's fields, invalid and low-confidence first, then those always reviewed (names,
    addresses), then the rest in form order."""
    fields = list(page.fields.select_related("zone"))

    def rank(field: PageField) -> tuple[int, int]:
        if not field.valid:
            return (0, field.zone.order)
        if field.needs_review and not field.zone.needs_review_always:
            return (1, field.zone.order)
        if field.zone.needs_review_always:
            return (2, field.zone.order)
        return (3, field.zone.order)

    return sorted(fields, key=rank)


@dataclass(frozen=True)
class TimeComparison:
    template: FormTemplate
    ocr_pages: int
    ocr_seconds: float | None
    manual_pages: int
    manual_seconds: float | None

    @property
    def reduction(self) -> float | None:
        """1 − (OCR time per page ÷ manual time per page); None until both are measured."""
        if not self.ocr_seconds or not self.manual_seconds:
            return None
        return 1 - self.ocr_seconds / self.manual_seconds


def time_comparison(*, as_of: date | None = None, days: int = 365) -> list[TimeComparison]:
    """Average staff time per verified page, OCR + verification against manual entry, per template."""
    end = timezone.make_aware(
        datetime.combine((as_of or timezone.localdate()) + timedelta(days=1), time.min)
    )
    start = end - timedelta(days=days)
    pages = ScanPage.objects.filter(
        status=ScanPage.Status.VERIFIED,
        verified_at__gte=start,
        verified_at__lt=end,
        active_seconds__gt=0,
    )
    rows: dict[int, dict[str, Any]] = {}
    # A page's own template (pages of one upload may be different forms, docs/adr/0089).
    pages = pages.annotate(form=Coalesce("template", "job__template")).exclude(form=None)
    for row in pages.values("form", "job__mode").annotate(n=Count("pk"), avg=Avg("active_seconds")):
        rows.setdefault(row["form"], {})[row["job__mode"]] = (row["n"], row["avg"])
    templates = FormTemplate.objects.in_bulk(list(rows))
    result = []
    for template_id, modes in sorted(rows.items()):
        ocr = modes.get(ReadingJob.Mode.OCR, (0, None))
        manual = modes.get(ReadingJob.Mode.MANUAL, (0, None))
        result.append(
            TimeComparison(
                template=templates[template_id],
                ocr_pages=ocr[0],
                ocr_seconds=ocr[1],
                manual_pages=manual[0],
                manual_seconds=manual[1],
            )
        )
    return result


def kpi_input_time_reduction(*, as_of: date) -> dict[str, float | str]:
    """Plan measure 2-2: reduction (%) of staff input time per page with AI-OCR vs manual entry."""
    measured = [row for row in time_comparison(as_of=as_of) if row.reduction is not None]
    pages = sum(row.ocr_pages for row in measured)
    if not pages:
        return {
            "value": 0.0,
            "description": (
                "AI-OCRの確認画面と手入力画面（同じ様式）の両方で計測したページがまだありません。"
                "基準日までの1年間に確認したページの1枚あたりの作業時間を比べます。"
            ),
        }
    # Weighted by the pages read with OCR: the templates that carry the work count most.
    value = sum((row.reduction or 0.0) * row.ocr_pages for row in measured) / pages
    return {
        "value": round(100 * value, 1),
        "description": (
            "基準日までの1年間に確認したページについて、AI-OCR読取＋職員の確認にかかった1枚あたりの時間を、"
            "同じ様式を手入力したときの時間と比べた削減率（%）。様式ごとに求め、OCRで読んだ枚数で加重平均。"
            f"対象{len(measured)}様式、OCR {pages}枚。"
        ),
    }
