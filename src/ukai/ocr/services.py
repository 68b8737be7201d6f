"""Writes of the OCR module: templates, reading jobs, verification and CSV export."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from ukai.core.errors import UkaiError
from ukai.core.service import audit_log
from ukai.procedures.service import (
    Assurance,
    Channel,
    FormAnswersInvalid,
    case_scan_attach,
    case_submit,
    form_definition_current,
    form_spec_parse,
    procedure_by_slug,
)

from .engine import OcrEngine, ocr_engine
from .fieldtypes import FIELD_TYPES, MARK_TYPES, RULE_KEYS, field_check, ocr_repair
from .models import FormTemplate, PageField, ReadingJob, ScanPage, TemplateZone
from .reading import (
    MATCH_MARGIN,
    MATCH_MIN_SCORE,
    Alignment,
    PageReading,
    PageRejected,
    TemplateGeometry,
    ZoneSpec,
    match_score,
    page_align,
    page_match,
    page_read,
    template_geometry,
)
from .scans import Limits, scan_check, scan_pages

logger = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
MAX_ZONES = 200
PAGE_IMAGE_QUALITY = 88


def match_min_score() -> float:
    """Automatic matching: the least score (share of the form's features in place) to accept."""
    return float(getattr(settings, "UKAI_OCR_MATCH_MIN_SCORE", MATCH_MIN_SCORE))


def match_margin() -> float:
    """Automatic matching: how many times the runner-up's score the best must reach."""
    return float(getattr(settings, "UKAI_OCR_MATCH_MARGIN", MATCH_MARGIN))


def review_below() -> float:
    """Fields read with less confidence than this are put first for review."""
    return float(getattr(settings, "UKAI_OCR_REVIEW_BELOW", 0.95))


def upload_limits() -> Limits:
    return Limits(
        max_bytes=int(getattr(settings, "UKAI_OCR_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)),
        max_pages=int(getattr(settings, "UKAI_OCR_MAX_PAGES", 200)),
    )


# --- templates ---------------------------------------------------------------------------


class TemplateInvalid(UkaiError):
    """A template file with problems; ``problems`` lists each with its location."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            code="ocr_template_invalid",
            message_ja=f"様式テンプレートに{len(problems)}件の誤りがあります。",
            message_en=f"The form template has {len(problems)} problem(s).",
            extra={"problems": problems},
        )
        self.problems = problems


@dataclass(frozen=True)
class TemplateFile:
    definition: dict[str, Any]
    image_bytes: bytes
    image_name: str
    width: int
    height: int


def template_file_check(definition: Any, *, base_dir: Path) -> TemplateFile:
    """Check a template definition (the import format) fully; raise ``TemplateInvalid`` listing every problem."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        raise TemplateInvalid(
            ["(file): JSONのオブジェクトではありません / the file is not a JSON object"]
        )
    name = definition.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        problems.append(
            "name: 英小文字・数字・-・_ の識別名が必要です / a slug (a-z, 0-9, -, _) is required"
        )
    title = definition.get("title", name)
    if not isinstance(title, str) or not title.strip():
        problems.append("title: 様式名が必要です / a title is required")
    dpi = definition.get("dpi")
    if not isinstance(dpi, int) or isinstance(dpi, bool) or not 72 <= dpi <= 1200:
        problems.append(
            "dpi: 72〜1200の整数が必要です / an integer between 72 and 1200 is required"
        )
    width = height = 0
    image_bytes = b""
    image = definition.get("image")
    if not isinstance(image, str) or not image:
        problems.append(
            "image: 白紙の様式画像のパスが必要です / the blank image's path is required"
        )
    else:
        path = (base_dir / image).resolve()
        if not path.is_relative_to(base_dir.resolve()):
            problems.append(
                f"image: 「{image}」はJSONファイルのフォルダの外です / “{image}” is outside the file's folder"
            )
        elif not path.is_file():
            problems.append(f"image: 「{image}」が見つかりません / “{image}” was not found")
        else:
            image_bytes = path.read_bytes()
            try:
                with Image.open(io.BytesIO(image_bytes)) as opened:
                    opened.load()
                    width, height = opened.size
            except (UnidentifiedImageError, OSError):
                problems.append(
                    f"image: 「{image}」は画像として読めません / “{image}” is not a readable image"
                )
    defaults = definition.get("procedure_defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(k, str) for k in defaults):
        problems.append(
            "procedure_defaults: 手続の項目キーと回答のオブジェクトが必要です"
            " / an object of the procedure's field keys and answers is required"
        )
    zones = definition.get("zones")
    if not isinstance(zones, list) or not zones:
        problems.append("zones: 読取項目の一覧が必要です / a list of zones is required")
        zones = []
    elif len(zones) > MAX_ZONES:
        problems.append(f"zones: 項目は{MAX_ZONES}個までです / at most {MAX_ZONES} zones")
    seen: set[str] = set()
    for index, zone in enumerate(zones):
        where = f"zones[{index}]"
        if not isinstance(zone, dict):
            problems.append(f"{where}: オブジェクトが必要です / an object is required")
            continue
        zone_name = zone.get("name")
        if isinstance(zone_name, str) and NAME_PATTERN.match(zone_name):
            where = f"zones[{index}] ({zone_name})"
            if zone_name in seen:
                problems.append(f"{where}.name: 名前が重複しています / duplicate name")
            seen.add(zone_name)
        else:
            problems.append(
                f"{where}.name: 英小文字・数字・-・_ の識別名が必要です / a slug is required"
            )
        if zone.get("type") not in FIELD_TYPES:
            problems.append(
                f"{where}.type: 「{zone.get('type')}」は使えません（{', '.join(FIELD_TYPES)}） / unknown type"
            )
        box = zone.get("box")
        if (
            not isinstance(box, list)
            or len(box) != 4
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in box)
        ):
            problems.append(
                f"{where}.box: [x, y, 幅, 高さ] の整数4つが必要です / [x, y, width, height] integers"
            )
        else:
            x, y, w, h = box
            if w <= 0 or h <= 0 or x < 0 or y < 0:
                problems.append(
                    f"{where}.box: 幅と高さは正、x と y は0以上 / width and height > 0, x, y ≥ 0"
                )
            elif width and height and (x + w > width or y + h > height):
                problems.append(
                    f"{where}.box: 画像（{width}×{height}）からはみ出しています / outside the image ({width}×{height})"
                )
        validation = zone.get("validation", {})
        if not isinstance(validation, dict) or not set(validation) <= RULE_KEYS:
            unknown = sorted(set(validation) - RULE_KEYS) if isinstance(validation, dict) else []
            problems.append(
                f"{where}.validation: 使えるのは {', '.join(sorted(RULE_KEYS))} です {unknown} / unknown rules"
            )
        elif "pattern" in validation:
            try:
                re.compile(str(validation["pattern"]))
            except re.error:
                problems.append(
                    f"{where}.validation.pattern: 正規表現が正しくありません / invalid regular expression"
                )
        double = zone.get("double_entry", False)
        if not isinstance(double, bool):
            problems.append(f"{where}.double_entry: true か false / true or false")
        elif double and zone.get("type") in MARK_TYPES:
            problems.append(
                f"{where}.double_entry: チェック欄と印には使えません / not for a checkbox or seal"
            )
        mapping = zone.get("mapping")
        if mapping is not None and (
            not isinstance(mapping, dict)
            or not isinstance(mapping.get("procedure"), str)
            or not isinstance(mapping.get("field"), str)
            or not mapping["procedure"]
            or not mapping["field"]
            or not set(mapping) <= {"procedure", "field", "value"}
        ):
            problems.append(
                f'{where}.mapping: {{"procedure": 手続, "field": 項目}} が必要です / {{"procedure", "field"}} strings'
            )
    if problems:
        raise TemplateInvalid(problems)
    return TemplateFile(
        definition=definition,
        image_bytes=image_bytes,
        image_name=Path(str(image)).name,
        width=width,
        height=height,
    )


@transaction.atomic
def template_import(*, checked: TemplateFile) -> tuple[FormTemplate, bool]:
    """Create or replace a template from a checked file; returns (template, created)."""
    definition = checked.definition
    blank = np.asarray(Image.open(io.BytesIO(checked.image_bytes)).convert("L"), dtype=np.uint8)
    try:
        template_geometry(blank)
    except PageRejected as exc:
        raise TemplateInvalid([f"image: {exc.message_ja} / {exc.message_en}"]) from exc
    template, created = FormTemplate.objects.get_or_create(
        name=definition["name"],
        defaults={"dpi": definition["dpi"], "width": checked.width, "height": checked.height},
    )
    if not created and (template.jobs.exists() or template.pages.exists()):
        raise TemplateInvalid(
            [
                f"name: 「{template.name}」は読取済みのページがあるため置き換えられません。別の名前で取り込んでください"
                f" / “{template.name}” has read pages and cannot be replaced; import under a new name"
            ]
        )
    template.title = str(definition.get("title") or definition["name"])
    defaults = definition.get("procedure_defaults", {})
    template.procedure_defaults = defaults if isinstance(defaults, dict) else {}
    template.dpi = definition["dpi"]
    template.width, template.height = checked.width, checked.height
    png = io.BytesIO()
    Image.fromarray(blank).save(png, format="PNG", optimize=True)
    template.blank_image.save(f"{template.name}.png", ContentFile(png.getvalue()), save=False)
    template.save()
    template.zones.all().delete()
    TemplateZone.objects.bulk_create(
        [
            TemplateZone(
                template=template,
                order=index,
                name=zone["name"],
                label=str(zone.get("label") or zone["name"]),
                field_type=zone["type"],
                x=zone["box"][0],
                y=zone["box"][1],
                width=zone["box"][2],
                height=zone["box"][3],
                validation=zone.get("validation", {}),
                always_review=bool(zone.get("always_review", False)),
                double_entry=zone.get("double_entry", False) is True,
                procedure_slug=(zone.get("mapping") or {}).get("procedure", ""),
                procedure_field=(zone.get("mapping") or {}).get("field", ""),
                procedure_value=(zone.get("mapping") or {}).get("value"),
            )
            for index, zone in enumerate(definition["zones"])
        ]
    )
    audit_log(
        action="create" if created else "update", obj=template, purpose="様式テンプレートの取込"
    )
    return template, created


def template_save_from_editor(
    *,
    name: str,
    title: str,
    dpi: int,
    zones: Any,
    image_bytes: bytes | None,
    template: FormTemplate | None = None,
) -> tuple[FormTemplate, bool]:
    """Create or update a template from the browser's editor, through the same checks as the
    JSON import (``TemplateInvalid`` lists every problem; nothing is written then)."""
    if image_bytes is None:
        if template is None:
            raise TemplateInvalid(
                ["image: 白紙の様式画像が必要です / the blank form image is required"]
            )
        with template.blank_image.open("rb") as source:
            image_bytes = source.read()
    definition = {"name": name, "title": title, "image": "blank", "dpi": dpi, "zones": zones}
    with tempfile.TemporaryDirectory(prefix="ukai-ocr-template-") as folder:
        base = Path(folder)
        (base / "blank").write_bytes(image_bytes)
        checked = template_file_check(definition, base_dir=base)
    if template is not None and template.name != name:
        raise TemplateInvalid(["name: 識別名は変更できません / the identifier cannot change"])
    return template_import(checked=checked)


def template_zones_for_editor(template: FormTemplate) -> list[dict[str, Any]]:
    """The zones in the import format (what the editor shows and posts back)."""
    zones = []
    for zone in template.zones.all():
        entry: dict[str, Any] = {
            "name": zone.name,
            "label": zone.label,
            "type": zone.field_type,
            "box": list(zone.box),
        }
        if zone.validation:
            entry["validation"] = zone.validation
        if zone.always_review:
            entry["always_review"] = True
        if zone.double_entry:
            entry["double_entry"] = True
        if zone.procedure_slug:
            entry["mapping"] = {"procedure": zone.procedure_slug, "field": zone.procedure_field}
            if zone.procedure_value is not None:
                entry["mapping"]["value"] = zone.procedure_value
        zones.append(entry)
    return zones


def template_export(*, template: FormTemplate, folder: Path) -> Path:
    """Write the template as the import format (JSON + blank PNG) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    image_name = f"{template.name}.png"
    with template.blank_image.open("rb") as source:
        (folder / image_name).write_bytes(source.read())
    zones = template_zones_for_editor(template)
    definition = {
        "name": template.name,
        "title": template.title,
        "image": image_name,
        "dpi": template.dpi,
        "zones": zones,
    }
    if template.procedure_defaults:
        definition["procedure_defaults"] = template.procedure_defaults
    path = folder / f"{template.name}.json"
    path.write_text(json.dumps(definition, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


_GEOMETRY_LOCK = threading.Lock()
_GEOMETRIES: dict[tuple[int, str], TemplateGeometry] = {}


def template_geometry_for(template: FormTemplate) -> TemplateGeometry:
    """The template's registration features, computed once per process and version."""
    key = (template.pk, template.updated_at.isoformat())
    with _GEOMETRY_LOCK:
        geometry = _GEOMETRIES.get(key)
    if geometry is None:
        with template.blank_image.open("rb") as source:
            blank = np.asarray(Image.open(source).convert("L"), dtype=np.uint8)
        geometry = template_geometry(blank)
        with _GEOMETRY_LOCK:
            _GEOMETRIES[key] = geometry
    return geometry


# --- reading jobs ------------------------------------------------------------------------


def job_create(
    *,
    template: FormTemplate | None,
    data: bytes,
    filename: str,
    mode: str = ReadingJob.Mode.OCR,
    staff: Any = None,
) -> ReadingJob:
    """Check an upload and store it as a job to read; a refused upload raises ``UkaiError`` and
    stores nothing. The caller enqueues the reading (``tasks.job_read_on_commit``). Without a
    template each page is matched to one of the active templates (docs/adr/0089)."""
    pages = scan_check(data, filename, limits=upload_limits())
    with transaction.atomic():
        job = ReadingJob(
            template=template,
            mode=mode,
            original_name=filename[:255],
            pages_total=pages,
            created_by=staff if getattr(staff, "pk", None) else None,
        )
        job.upload.save(Path(filename).name or "upload", ContentFile(data), save=False)
        job.save()
        audit_log(action="create", obj=job, purpose="帳票のスキャン画像の登録")
    return job


def _page_image(image: np.ndarray[Any, Any]) -> ContentFile[bytes]:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PAGE_IMAGE_QUALITY])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise RuntimeError("JPEG encoding failed")
    return ContentFile(encoded.tobytes())


UNMATCHED_IMAGE_MAX_WIDTH = 1654


def _unmatched_image(scan: np.ndarray[Any, Any]) -> ContentFile[bytes]:
    """An unmatched page's scan as staff see it to choose its form (A4 at 200 dpi at most)."""
    width = scan.shape[1]
    if width > UNMATCHED_IMAGE_MAX_WIDTH:
        factor = UNMATCHED_IMAGE_MAX_WIDTH / width
        scan = cv2.resize(scan, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return _page_image(scan)


def _page_store(
    *,
    job: ReadingJob,
    number: int,
    template: FormTemplate | None,
    zones: list[TemplateZone],
    reading: PageReading | None,
    rejected: PageRejected | None,
    match_scores: list[dict[str, Any]] | None = None,
    unmatched_scan: np.ndarray[Any, Any] | None = None,
    page: ScanPage | None = None,
) -> ScanPage:
    """Store one page: rejected with its reason, unmatched with its scan and the candidates'
    scores, or registered with its fields (one transaction). ``page``: an unmatched page that
    staff assigned a template to, stored again."""
    with transaction.atomic():
        if page is None:
            page = ScanPage(job=job, number=number)
        page.template = template
        page.match_scores = match_scores or page.match_scores or []
        if rejected is not None or reading is None:
            rejected = rejected or PageRejected(
                "page_unread", "読み取れませんでした。", "Not read."
            )
            page.status = (
                ScanPage.Status.UNMATCHED
                if rejected.code in UNMATCHED_CODES
                else ScanPage.Status.REJECTED
            )
            page.rejection_code = rejected.code
            page.rejection_ja = rejected.message_ja
            page.rejection_en = rejected.message_en
            if unmatched_scan is not None:
                page.image.save(
                    f"job{job.pk}-p{number}-scan.jpg", _unmatched_image(unmatched_scan), save=False
                )
            page.save()
            return page
        page.rejection_code = page.rejection_ja = page.rejection_en = ""
        page.status = ScanPage.Status.READ
        page.rotation = reading.alignment.rotation
        page.inliers = reading.alignment.inliers
        page.read_seconds = round(reading.alignment.seconds + reading.read_seconds, 3)
        page.image.save(
            f"job{job.pk}-p{number}.jpg", _page_image(reading.alignment.image), save=False
        )
        page.save()
        threshold = review_below()
        fields = []
        by_name = {field.name: field for field in reading.fields}
        for zone in zones:
            found = by_name.get(zone.name)
            text = ocr_repair(zone.field_type, found.text) if found else ""
            confidence = found.confidence if found else 0.0
            check = field_check(zone.field_type, text, zone.validation)
            manual = job.mode == ReadingJob.Mode.MANUAL
            fields.append(
                PageField(
                    page=page,
                    zone=zone,
                    read_value="" if manual else text,
                    confidence=0.0 if manual else confidence,
                    method="manual" if manual else (found.method if found else ""),
                    value="" if manual else check.value,
                    valid=True if manual else check.valid,
                    error_ja="" if manual else check.message_ja,
                    error_en="" if manual else check.message_en,
                    needs_review=manual
                    or not check.valid
                    or confidence < threshold
                    or zone.needs_review_always,
                )
            )
        PageField.objects.bulk_create(fields)
        return page


UNMATCHED_CODES = ("page_unmatched", "page_assigned_no_match")


def _unmatched() -> PageRejected:
    return PageRejected(
        "page_unmatched",
        "様式を判別できません。どの様式とも十分に一致しませんでした。"
        "ページの画像を見て様式を選ぶと、その様式で読み取ります。",
        "The form could not be identified: no template matched clearly enough. "
        "Look at the page and choose its form to read it.",
    )


@dataclass
class _TemplateParts:
    template: FormTemplate
    zones: list[TemplateZone]
    specs: list[ZoneSpec]
    geometry: TemplateGeometry


def _template_parts(template: FormTemplate) -> _TemplateParts:
    zones = list(template.zones.all())
    return _TemplateParts(
        template=template,
        zones=zones,
        specs=[ZoneSpec(zone.name, zone.field_type, zone.box, zone.validation) for zone in zones],
        geometry=template_geometry_for(template),
    )


def match_candidates() -> list[_TemplateParts]:
    """The active templates a page of an upload without a template may be (features cached)."""
    return [_template_parts(template) for template in FormTemplate.objects.filter(is_active=True)]


def _reading(
    alignment: Alignment, parts: _TemplateParts, mode: str, engine: OcrEngine | None
) -> PageReading:
    if engine is not None and mode == ReadingJob.Mode.OCR:
        return page_read(alignment, parts.geometry, parts.specs, engine)
    # Manual entry: registered (for the zone images), not read.
    return PageReading(alignment=alignment)


def job_read(*, job_id: int, engine: OcrEngine | None = None) -> ReadingJob:
    """Align and read every page of a job, storing each page as it is done (the worker's task).

    A job without a template matches each page to the active templates (``page_match``): a
    page no template is sure enough for is stored as unmatched, with its scan and the scores."""
    job = ReadingJob.objects.select_related("template").get(pk=job_id)
    if job.status == ReadingJob.Status.DONE:
        return job
    job.status = ReadingJob.Status.RUNNING
    job.started_at = timezone.now()
    job.error_code = job.error_ja = job.error_en = ""
    job.save(update_fields=["status", "started_at", "error_code", "error_ja", "error_en"])
    # A retried task starts over: the pages of the failed attempt go.
    job.pages.all().delete()
    ReadingJob.objects.filter(pk=job.pk).update(pages_done=0)
    chosen = _template_parts(job.template) if job.template is not None else None
    candidates = match_candidates() if chosen is None else []
    if chosen is None and not candidates:
        _job_fail(
            job,
            code="ocr_no_templates",
            message_ja="使用中の様式テンプレートがないため、様式を判別できません。",
            message_en="There is no active form template to match the pages to.",
        )
        job.refresh_from_db()
        return job
    if job.mode == ReadingJob.Mode.OCR:
        engine = engine or ocr_engine()
    with job.upload.open("rb") as source:
        data = source.read()
    number = 0
    try:
        for scan in scan_pages(data, job.original_name):
            number += 1
            rejected: PageRejected | None = None
            reading: PageReading | None = None
            parts = chosen
            scores: list[dict[str, Any]] = []
            unmatched_scan = None
            try:
                if chosen is not None:
                    alignment = page_align(scan, chosen.geometry)
                    score = match_score(alignment.inliers, chosen.geometry)
                    if score < match_min_score():
                        # Registered, but weakly: a form sharing the chosen one's frame does
                        # that. Refuse it when another template is clearly the page's form.
                        other = _other_template_named(scan, chosen.template, chosen_score=score)
                        if other is not None:
                            raise other
                else:
                    match = page_match(
                        scan,
                        [(candidate, candidate.geometry) for candidate in candidates],
                        min_score=match_min_score(),
                        margin=match_margin(),
                    )
                    scores = [
                        {"template": c.template.name, "title": c.template.title, "score": score}
                        for c, score in match.scores
                    ]
                    parts = match.key
                    if parts is None or match.alignment is None:
                        raise _unmatched()
                    alignment = match.alignment
                assert parts is not None
                reading = _reading(alignment, parts, job.mode, engine)
            except PageRejected as exc:
                if exc.code == "page_unmatched":
                    unmatched_scan = scan
                elif chosen is not None and exc.code == "page_no_match":
                    rejected = _other_template_named(scan, chosen.template)
                rejected = rejected or exc
                parts = chosen
            _page_store(
                job=job,
                number=number,
                template=parts.template if parts is not None else None,
                zones=parts.zones if parts is not None else [],
                reading=reading,
                rejected=rejected,
                match_scores=scores,
                unmatched_scan=unmatched_scan,
            )
            ReadingJob.objects.filter(pk=job.pk).update(pages_done=F("pages_done") + 1)
    except UkaiError as exc:
        # A page that cannot be decoded: the job fails and keeps no half-read pages.
        _job_fail(job, code=exc.code, message_ja=exc.message_ja, message_en=exc.message_en)
        job.refresh_from_db()
        return job
    except Exception:
        # Anything else (a bug, the disk): fail visibly, keep nothing, and let the worker retry.
        _job_fail(
            job,
            code="ocr_internal_error",
            message_ja="読み取り中にエラーが発生しました。自動で再試行します。続く場合は管理者に連絡してください。",
            message_en="An error occurred while reading; it is retried automatically. Tell an administrator if it persists.",
        )
        raise
    ReadingJob.objects.filter(pk=job.pk).update(
        status=ReadingJob.Status.DONE,
        finished_at=timezone.now(),
        pages_total=number,
        pages_done=number,
    )
    job.refresh_from_db()
    return job


def page_template_assign(*, page: ScanPage, template: FormTemplate, staff: Any) -> ScanPage:
    """Staff say which form an unmatched page is; the caller queues the reading
    (``tasks.page_read_on_commit``). Audited."""
    if page.status != ScanPage.Status.UNMATCHED:
        raise UkaiError(
            code="ocr_page_not_unmatched",
            message_ja="このページは様式が判別済みです。",
            message_en="This page's form is already known.",
            status=409,
        )
    if not template.is_active:
        raise UkaiError(
            code="ocr_template_inactive",
            message_ja="使用中の様式を選んでください。",
            message_en="Choose a form template that is in use.",
            status=422,
        )
    with transaction.atomic():
        page.template = template
        page.rejection_code = "page_assigned"
        page.save(update_fields=["template", "rejection_code"])
        audit_log(
            action="update",
            obj=page,
            fields=["template"],
            purpose=f"様式の手動割り当て（{template.name}）",
        )
    return page


def page_read_assigned(*, page_id: int, engine: OcrEngine | None = None) -> ScanPage:
    """Read an unmatched page against the template staff assigned to it (the worker's task).

    The page is registered to that template (not matched again: staff decided); a page that
    cannot be registered to it stays unmatched with the reason."""
    page = ScanPage.objects.select_related("job", "template").get(pk=page_id)
    if page.status != ScanPage.Status.UNMATCHED or page.template is None:
        return page
    parts = _template_parts(page.template)
    with page.image.open("rb") as source:
        scan = np.asarray(Image.open(io.BytesIO(source.read())).convert("L"), dtype=np.uint8)
    if page.job.mode == ReadingJob.Mode.OCR:
        engine = engine or ocr_engine()
    try:
        reading = _reading(page_align(scan, parts.geometry), parts, page.job.mode, engine)
    except PageRejected:
        title = page.template.title
        with transaction.atomic():
            page.template = None
            page.rejection_code = "page_assigned_no_match"
            page.rejection_ja = f"選んだ様式「{title}」とページの位置を合わせられませんでした。別の様式を選んでください。"
            page.rejection_en = (
                f"The page could not be registered to the chosen form “{title}”; choose another."
            )
            page.save(update_fields=["template", "rejection_code", "rejection_ja", "rejection_en"])
        return page
    old_image = page.image.name
    stored = _page_store(
        job=page.job,
        number=page.number,
        template=parts.template,
        zones=parts.zones,
        reading=reading,
        rejected=None,
        page=page,
    )
    if old_image and old_image != stored.image.name:
        stored.image.storage.delete(old_image)
    return stored


def _other_template_named(
    scan: Any, chosen: FormTemplate, *, chosen_score: float = 0.0
) -> PageRejected | None:
    """When a page does not match the chosen template (or only weakly, ``chosen_score``), say
    which active template it is: one that ``page_match`` accepts among the others and that
    beats the chosen one's score by the margin."""
    others = [parts for parts in match_candidates() if parts.template.pk != chosen.pk]
    if not others:
        return None
    match = page_match(
        scan,
        [(parts, parts.geometry) for parts in others],
        min_score=match_min_score(),
        margin=match_margin(),
    )
    if match.key is None or (match.scores[0][1] or 0.0) < match_margin() * chosen_score:
        return None
    other = match.key.template
    return PageRejected(
        "page_other_template",
        f"このページは「{other.title}」の様式です（選んだ様式は「{chosen.title}」）。"
        "その様式を選ぶか「様式を自動で判別する」でアップロードし直してください。",
        f"This page is the form “{other.title}”, not the chosen “{chosen.title}”; "
        "upload it again with that form or with automatic matching.",
    )


def _job_fail(job: ReadingJob, *, code: str, message_ja: str, message_en: str) -> None:
    with transaction.atomic():
        job.pages.all().delete()
        ReadingJob.objects.filter(pk=job.pk).update(
            status=ReadingJob.Status.FAILED,
            error_code=code,
            error_ja=message_ja,
            error_en=message_en,
            pages_done=0,
            finished_at=timezone.now(),
        )


# --- verification ------------------------------------------------------------------------

MAX_ACTIVE_SECONDS_PER_VISIT = 30 * 60.0


@dataclass
class VerifyResult:
    page: ScanPage
    errors: dict[str, tuple[str, str]]  # zone name -> (Japanese, English)
    values: dict[str, str]
    corrected: int = 0
    # Critical fields: typed once, then asked for again (``second_entry``) before anything is stored.
    needs_second_entry: bool = False
    double_entry: int = 0


SECOND_ENTRY_MISMATCH = (
    "1回目と2回目の入力が一致しません。画像を見て正しい値を入力してください。",
    "The first and second entries differ; check the image and enter the right value.",
)


def page_verify(
    *,
    page: ScanPage,
    values: dict[str, str],
    active_seconds: float,
    staff: Any,
    second_entry: dict[str, str] | None = None,
) -> VerifyResult:
    """Confirm a page's values; every field must pass its type and rules. Corrections are audited.

    A zone marked ``double_entry`` must be typed twice: without ``second_entry`` a page that
    passes its checks returns ``needs_second_entry`` and stores nothing; with it, each such
    field's second value (typed blind) must equal the first, or the field is in error and the
    mismatch is audited (docs/adr/0087).
    """
    if page.status != ScanPage.Status.READ:
        raise UkaiError(
            code="ocr_page_not_open",
            message_ja="このページは確認済みか、読み取れなかったページです。",
            message_en="This page has already been verified or could not be read.",
            status=409,
        )
    fields = list(page.fields.select_related("zone"))
    errors: dict[str, tuple[str, str]] = {}
    cleaned: dict[str, str] = {}
    for field in fields:
        typed = values.get(field.zone.name, "")
        if field.zone.field_type in MARK_TYPES:
            typed = "1" if typed in ("1", "on", "true") else "0"
        check = field_check(field.zone.field_type, typed, field.zone.validation)
        cleaned[field.zone.name] = check.value if check.valid else typed
        if not check.valid:
            errors[field.zone.name] = (check.message_ja, check.message_en)
    seconds = max(0.0, min(float(active_seconds), MAX_ACTIVE_SECONDS_PER_VISIT))
    double = [
        field
        for field in fields
        if field.zone.double_entry and field.zone.field_type not in MARK_TYPES
    ]
    if double and not errors and second_entry is None:
        ScanPage.objects.filter(pk=page.pk).update(active_seconds=F("active_seconds") + seconds)
        return VerifyResult(
            page=page, errors={}, values=cleaned, needs_second_entry=True, double_entry=len(double)
        )
    if double and not errors and second_entry is not None:
        for field in double:
            name = field.zone.name
            typed = second_entry.get(name, "")
            again = field_check(field.zone.field_type, typed, field.zone.validation)
            if (again.value if again.valid else typed) != cleaned[name]:
                errors[name] = SECOND_ENTRY_MISMATCH
        if errors:
            audit_log(
                action="update",
                obj=page,
                fields=sorted(errors),
                purpose="二重入力の不一致（保存せず入力し直し）",
            )
    if errors:
        # Time spent on a refused attempt still counts towards the page.
        ScanPage.objects.filter(pk=page.pk).update(active_seconds=F("active_seconds") + seconds)
        return VerifyResult(page=page, errors=errors, values=cleaned)
    corrected = 0
    with transaction.atomic():
        for field in fields:
            value = cleaned[field.zone.name]
            if value != field.value:
                field.corrected = field.page.job.mode == ReadingJob.Mode.OCR
                corrected += 1
                audit_log(
                    action="update",
                    obj=field,
                    fields=["value"],
                    purpose=(
                        "AI-OCR読取結果の修正"
                        if field.page.job.mode == ReadingJob.Mode.OCR
                        else "手入力による帳票の入力"
                    ),
                )
            field.value = value
            field.valid = True
            field.error_ja = field.error_en = ""
            field.save(update_fields=["value", "valid", "error_ja", "error_en", "corrected"])
        page.status = ScanPage.Status.VERIFIED
        page.verified_by = staff if getattr(staff, "pk", None) else None
        page.verified_at = timezone.now()
        page.active_seconds = page.active_seconds + seconds
        page.save(update_fields=["status", "verified_by", "verified_at", "active_seconds"])
        audit_log(
            action="verify",
            obj=page,
            purpose="帳票の読取結果の確認"
            + (f"（二重入力{len(double)}項目一致）" if double else ""),
        )
    return VerifyResult(
        page=page, errors={}, values=cleaned, corrected=corrected, double_entry=len(double)
    )


# --- output ------------------------------------------------------------------------------

CSV_ENCODINGS = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp932": "Shift_JIS (CP932)"}


def template_csv_export(
    *, template: FormTemplate, encoding: str = "utf-8-sig", run_id: int | None = None
) -> bytes:
    """Verified pages of a template (or of one pipeline run) as CSV rows for a core system;
    the export is audited."""
    if encoding not in CSV_ENCODINGS:
        raise UkaiError(
            code="ocr_csv_encoding",
            message_ja="文字コードは UTF-8 か Shift_JIS（CP932）を選んでください。",
            message_en="Choose UTF-8 or Shift_JIS (CP932).",
        )
    zones = list(template.zones.all())
    pages = (
        ScanPage.objects.filter(template=template, status=ScanPage.Status.VERIFIED)
        .filter(**({"job__pipeline_run_id": run_id} if run_id is not None else {}))
        .select_related("job")
        .prefetch_related("fields__zone")
        .order_by("verified_at", "pk")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["page_id", "file", "page", "verified_at", *[zone.name for zone in zones]])
    count = 0
    for page in pages:
        values = {field.zone.name: field.value for field in page.fields.all()}
        writer.writerow(
            [
                page.pk,
                page.job.original_name,
                page.number,
                timezone.localtime(page.verified_at).isoformat() if page.verified_at else "",
                *[values.get(zone.name, "") for zone in zones],
            ]
        )
        count += 1
    text = buffer.getvalue()
    try:
        # CP932 cannot hold every variant kanji: say which page, rather than write "?".
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise UkaiError(
            code="ocr_csv_unencodable",
            message_ja=f"「{bad}」はShift_JIS（CP932）で表せません。UTF-8で出力してください。",
            message_en=f"“{bad}” cannot be written in Shift_JIS (CP932); export as UTF-8.",
        ) from exc
    audit_log(
        action="export",
        object_type="ocr.pagefield",
        object_id=template.name,
        fields=["value"],
        purpose=f"確認済み帳票データのCSV出力（{count}件）",
    )
    return data


# --- a verified page becomes an application of the mapped procedure ---------------------------


def page_answers(*, page: ScanPage) -> tuple[str, dict[str, Any]]:
    """The mapped procedure and its answers from a verified page (and the template's defaults)."""
    answers: dict[str, Any] = {}
    slug = ""
    for field in page.fields.select_related("zone"):
        zone = field.zone
        if not zone.procedure_slug or not zone.procedure_field:
            continue
        slug = slug or zone.procedure_slug
        key, _, part = zone.procedure_field.partition(".")
        if zone.field_type in MARK_TYPES:
            if field.value != "1":
                continue
            value: Any = zone.procedure_value if zone.procedure_value is not None else True
            current = answers.get(key)
            if isinstance(current, list):
                current.append(value)
                continue
            if current is not None and current != value:
                answers[key] = [current, value]  # two ticks of one multiple choice
                continue
            answers[key] = value
        elif part:
            answers.setdefault(key, {})[part] = field.value
        else:
            answers[key] = field.value
    for key, value in (page.template.procedure_defaults if page.template else {}).items():
        answers.setdefault(key, value)
    return slug, answers


class PageNotMapped(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="page_not_mapped",
            message_ja="この様式の項目は、どの手続にも対応付けられていません。",
            message_en="This form's zones are not mapped to any procedure.",
            status=422,
        )


def page_case_create(*, page: ScanPage, staff: Any) -> str:
    """File a verified page as an application of its mapped procedure, the scan attached.

    Returns the receipt number. Refuses (and files nothing) when the page is not verified,
    was already filed, or its answers do not satisfy the procedure's form: the problem
    lists each field by its label.
    """
    if page.status != ScanPage.Status.VERIFIED:
        raise UkaiError(
            code="page_not_verified",
            message_ja="確認済みのページだけを申請として登録できます。",
            message_en="Only a verified page can be filed as an application.",
            status=409,
        )
    if page.case_receipt:
        raise UkaiError(
            code="page_already_filed",
            message_ja=f"このページは登録済みです（受付番号 {page.case_receipt}）。",
            message_en=f"This page was already filed (receipt number {page.case_receipt}).",
            status=409,
        )
    if not page.image:
        raise UkaiError(
            code="page_image_deleted",
            message_ja="保存期間が過ぎてスキャン画像が削除されたため、申請として登録できません。",
            message_en="The scan was deleted when its retention period ended; it cannot be filed.",
            status=409,
        )
    slug, answers = page_answers(page=page)
    procedure = procedure_by_slug(slug) if slug else None
    form = form_definition_current(procedure=procedure) if procedure is not None else None
    if procedure is None or form is None:
        raise PageNotMapped()
    with page.image.open("rb") as scan:
        scan_image = scan.read()
    with transaction.atomic():
        locked = ScanPage.objects.select_for_update().get(pk=page.pk)
        if locked.case_receipt:
            raise UkaiError(
                code="page_already_filed",
                message_ja=f"このページは登録済みです（受付番号 {locked.case_receipt}）。",
                message_en=f"This page was already filed (receipt number {locked.case_receipt}).",
                status=409,
            )
        try:
            submitted = case_submit(
                procedure=procedure,
                form_definition=form,
                answers=answers,
                channel=Channel.POST,
                assurance=Assurance.PAPER,
            )
        except FormAnswersInvalid as exc:
            spec = form_spec_parse(form.definition)
            labels = {f.key: f.label for f in spec.fields()}
            named = "、".join(
                dict.fromkeys(labels.get(e.path.split(".")[0], e.path) for e in exc.errors)
            )
            raise UkaiError(
                code="page_answers_invalid",
                message_ja=(
                    f"手続「{procedure.name}」の申請として登録できません。"
                    f"次の項目を確認してください：{named}"
                ),
                message_en=f"Cannot file as “{procedure.name_en or procedure.name}”: check {named}.",
                status=422,
            ) from exc
        suffix = Path(page.image.name or "").suffix or ".jpg"
        case_scan_attach(
            case=submitted.case,
            name=f"{Path(page.job.original_name).stem}_p{page.number}{suffix}",
            data=scan_image,
        )
        locked.case_receipt = submitted.case.receipt_number
        locked.save(update_fields=["case_receipt"])
        audit_log(
            action="create", obj=locked, purpose=f"電子申請の受付箱へ登録（{locked.case_receipt}）"
        )
    page.case_receipt = locked.case_receipt
    return locked.case_receipt


# --- retention of uploads and page images ----------------------------------------------------

RETENTION_BATCH = 100


def retention_days() -> int:
    """Days an upload and its page images are kept after the job's last page is settled."""
    return int(getattr(settings, "UKAI_OCR_RETENTION_DAYS", 90))


@dataclass(frozen=True)
class RetentionSummary:
    jobs: int
    files: int


def retention_due(*, now: datetime | None = None) -> list[ReadingJob]:
    """Finished jobs with no page left to verify or to assign a form to, whose last activity
    (finished, verified, exported) is older than the retention period, files still kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    jobs = (
        ReadingJob.objects.filter(
            status__in=[ReadingJob.Status.DONE, ReadingJob.Status.FAILED],
            files_deleted_at=None,
            finished_at__lte=cutoff,
        )
        .exclude(pages__status__in=[ScanPage.Status.READ, ScanPage.Status.UNMATCHED])
        .annotate(last_verified=Max("pages__verified_at"), last_exported=Max("pages__exported_at"))
        .order_by("pk")
    )
    return [
        job
        for job in jobs
        if all(
            moment is None or moment <= cutoff for moment in (job.last_verified, job.last_exported)
        )
    ]


def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> RetentionSummary:
    """Delete the uploads and page images of jobs past the retention period (the verified values
    and the pages' rows stay); audited in batches. The files go first, then the references."""
    now = now or timezone.now()
    due = retention_due(now=now)
    files = 0
    for start in range(0, len(due), RETENTION_BATCH):
        batch = due[start : start + RETENTION_BATCH]
        names: list[tuple[Any, str]] = []
        for job in batch:
            if job.upload:
                names.append((job.upload.storage, str(job.upload.name)))
            for page in job.pages.exclude(image=""):
                names.append((page.image.storage, str(page.image.name)))
        files += len(names)
        if dry_run:
            continue
        for storage, name in names:
            storage.delete(name)
        with transaction.atomic():
            ids = [job.pk for job in batch]
            ScanPage.objects.filter(job_id__in=ids).update(image="")
            ReadingJob.objects.filter(pk__in=ids).update(upload="", files_deleted_at=now)
            audit_log(
                action="delete",
                object_type="ocr.readingjob",
                object_id=",".join(str(pk) for pk in ids)[:200],
                fields=["upload", "image"],
                purpose=f"保存期間の経過によるスキャン画像の削除（{len(batch)}件）",
            )
    return RetentionSummary(jobs=len(due), files=files)
