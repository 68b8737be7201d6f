"""Staff pages of the OCR module: upload, progress, verification, CSV export."""

from __future__ import annotations

import io
import json
import time
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image, ImageDraw

from ukai.core.errors import UkaiError, message_for_language
from ukai.core.service import audit_log, staff_required
from ukai.procedures.service import procedure_by_slug

from . import selectors, services
from .fieldtypes import FIELD_TYPES, MARK_TYPES
from .forms import AssignForm, ExportForm, TemplateEditForm, UploadForm
from .models import FormTemplate, ReadingJob, ScanPage, TemplateZone
from .tasks import job_read_on_commit, page_read_on_commit, pipeline_finish_on_commit

_SIGNER = signing.TimestampSigner(salt="ukai.ocr.page-opened")
_ENTRY_SIGNER = signing.TimestampSigner(salt="ukai.ocr.first-entry")
ZONE_IMAGE_MARGIN = 12
ZONE_IMAGE_MAX_WIDTH = 720


@staff_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        limit = services.upload_limits().max_bytes
        if upload.size > limit:
            # Refused before reading it into memory; the same message as the service's.
            form.add_error(
                "upload",
                _("ファイルが大きすぎます。%(size)sMBまでです。")
                % {"size": limit // (1024 * 1024)},
            )
        else:
            try:
                job = services.job_create(
                    template=form.cleaned_data["template"],
                    data=upload.read(),
                    filename=upload.name,
                    mode=form.cleaned_data["mode"],
                    staff=request.user,
                )
            except UkaiError as error:
                form.add_error("upload", error.message)
            else:
                job_read_on_commit(job.pk)
                messages.success(request, _("アップロードしました。読み取りを始めます。"))
                return redirect("ocr_staff:job", job_id=job.pk)
    return render(
        request,
        "ocr/staff_home.html",
        {
            "form": form,
            "templates": selectors.template_list(),
            "jobs": selectors.job_list(limit=30),
            "comparisons": selectors.time_comparison(),
        },
    )


def _job_state(job: ReadingJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "pages_done": job.pages_done,
        "pages_total": job.pages_total,
        "percent": job.progress_percent,
        # Pages staff assigned a form to are read after the job: keep polling until they are.
        "finished": job.status in (ReadingJob.Status.DONE, ReadingJob.Status.FAILED)
        and not job.pages.filter(
            status=ScanPage.Status.UNMATCHED, rejection_code="page_assigned"
        ).exists(),
    }


@staff_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(ReadingJob.objects.select_related("template"), pk=job_id)
    pages = list(selectors.job_pages(job=job))
    for page in pages:
        page.message = message_for_language(page.rejection_ja, page.rejection_en)  # type: ignore[attr-defined]
    next_page = selectors.page_next_open(job=job)
    unmatched = [page for page in pages if page.status == ScanPage.Status.UNMATCHED]
    return render(
        request,
        "ocr/staff_job.html",
        {
            "job": job,
            "pages": pages,
            "unmatched": unmatched,
            "assignable": list(selectors.template_list()) if unmatched else [],
            "next_page": next_page,
            "state": _job_state(job),
            "error": message_for_language(job.error_ja, job.error_en) if job.error_code else "",
        },
    )


@staff_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = get_object_or_404(ReadingJob, pk=job_id)
    return JsonResponse(_job_state(job))


def _opened_token() -> str:
    return _SIGNER.sign(str(time.time()))


def _seconds_since(token: str) -> float | None:
    try:
        opened = float(_SIGNER.unsign(token, max_age=24 * 3600))
    except (signing.BadSignature, ValueError):
        return None
    return max(0.0, time.time() - opened)


def _active_seconds(request: HttpRequest) -> float:
    """Staff time on the page: the page's own count of active seconds (JavaScript), never more
    than the time since the page was served; without JavaScript, the time since it was served."""
    wall = _seconds_since(request.POST.get("opened", ""))
    try:
        counted = float(request.POST.get("active_seconds", "") or 0)
    except ValueError:
        counted = 0.0
    if wall is None:
        return 0.0
    return min(counted, wall) if counted > 0 else wall


@staff_required
@require_http_methods(["GET", "POST"])
def page_verify(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(
        ScanPage.objects.select_related("job__template", "template"), pk=page_id
    )
    if page.status in (ScanPage.Status.REJECTED, ScanPage.Status.UNMATCHED):
        raise Http404
    fields = selectors.page_fields_for_review(page=page)
    errors: dict[str, tuple[str, str]] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        second: dict[str, str] | None = None
        if request.POST.get("phase") == "second":
            # The second entry of the critical fields: the first values come back signed.
            try:
                typed = _ENTRY_SIGNER.unsign_object(
                    request.POST.get("entry", ""), max_age=24 * 3600
                )
            except (signing.BadSignature, ValueError):
                messages.error(request, _("入力の有効期限が切れました。もう一度入力してください。"))
                return redirect("ocr_staff:page", page_id=page.pk)
            second = {
                field.zone.name: request.POST.get(f"c_{field.zone.name}", "")
                for field in fields
                if field.zone.double_entry
            }
        else:
            typed = {
                field.zone.name: request.POST.get(f"f_{field.zone.name}", "")
                for field in fields
                if field.zone.field_type not in MARK_TYPES
                or request.POST.get(f"f_{field.zone.name}")
            }
        try:
            result = services.page_verify(
                page=page,
                values=typed,
                active_seconds=_active_seconds(request),
                staff=request.user,
                second_entry=second,
            )
        except UkaiError as error:
            messages.error(request, error.message)
            return redirect("ocr_staff:job", job_id=page.job_id)
        if result.needs_second_entry:
            return _second_entry(request, page, fields, typed)
        if not result.errors:
            if page.job.pipeline_run_id:
                # The run's after-verification steps, once its last page is verified.
                pipeline_finish_on_commit(page.job.pipeline_run_id)
            messages.success(
                request,
                _("ページ%(number)sを確認済みにしました（修正%(count)s件）。")
                % {"number": page.number, "count": result.corrected},
            )
            following = selectors.page_next_open(job=page.job, after=page.number)
            if following is not None:
                return redirect("ocr_staff:page", page_id=following.pk)
            return redirect("ocr_staff:job", job_id=page.job_id)
        errors = result.errors
    audit_log(action="read", obj=page, purpose="帳票の読取結果の確認", fields=["value"])
    threshold = services.review_below()
    rows = []
    for field in fields:
        name = field.zone.name
        problem = errors.get(name)
        if not problem and not field.valid and page.status == ScanPage.Status.READ:
            problem = (field.error_ja, field.error_en)
        rows.append(
            {
                "field": field,
                "zone": field.zone,
                "input_name": f"f_{name}",
                "value": typed.get(name, field.value) if request.method == "POST" else field.value,
                "is_mark": field.zone.field_type in MARK_TYPES,
                "error": message_for_language(*problem) if problem else "",
                "low_confidence": field.page.job.mode == ReadingJob.Mode.OCR
                and field.confidence < threshold,
                "needs_review": field.needs_review,
                "confidence_percent": round(field.confidence * 100),
            }
        )
    return render(
        request,
        "ocr/staff_page.html",
        {
            "page": page,
            "job": page.job,
            "rows": rows,
            "errors": [row for row in rows if row["error"]],
            "opened": _opened_token(),
            "editable": page.status == ScanPage.Status.READ,
            "manual": page.job.mode == ReadingJob.Mode.MANUAL,
            "mapped_procedure": _mapped_procedure_name(page),
        },
        status=422 if errors else 200,
    )


def _second_entry(
    request: HttpRequest, page: ScanPage, fields: Any, typed: dict[str, str]
) -> HttpResponse:
    """Ask for the critical fields again, blank: neither the first entry nor the reading shown."""
    rows = [
        {
            "field": field,
            "zone": field.zone,
            "input_name": f"c_{field.zone.name}",
            "value": "",
            "is_mark": False,
            "error": "",
            "needs_review": True,
        }
        for field in fields
        if field.zone.double_entry and field.zone.field_type not in MARK_TYPES
    ]
    return render(
        request,
        "ocr/staff_page.html",
        {
            "page": page,
            "job": page.job,
            "rows": rows,
            "errors": [],
            "opened": _opened_token(),
            "editable": True,
            "manual": page.job.mode == ReadingJob.Mode.MANUAL,
            "second_entry": True,
            "entry": _ENTRY_SIGNER.sign_object(typed, compress=True),
        },
    )


@staff_required
@require_POST
def page_assign(request: HttpRequest, page_id: int) -> HttpResponse:
    """Staff choose the form of a page automatic matching could not identify; it is then read."""
    page = get_object_or_404(ScanPage.objects.select_related("job"), pk=page_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("様式を選んでください。"))
        return redirect("ocr_staff:job", job_id=page.job_id)
    template = form.cleaned_data["template"]
    try:
        services.page_template_assign(page=page, template=template, staff=request.user)
    except UkaiError as error:
        messages.error(request, error.message)
    else:
        page_read_on_commit(page.pk)
        messages.success(
            request,
            _("%(number)sページを「%(title)s」として読み取ります。")
            % {"number": page.number, "title": template.title},
        )
    return redirect("ocr_staff:job", job_id=page.job_id)


def _mapped_procedure_name(page: ScanPage) -> str:
    zones = page.template.zones.all() if page.template else []
    slug = next((z.procedure_slug for z in zones if z.procedure_slug), "")
    procedure = procedure_by_slug(slug) if slug else None
    return procedure.name if procedure is not None else ""


@staff_required
@require_POST
def page_case(request: HttpRequest, page_id: int) -> HttpResponse:
    """File a verified page as an application of its mapped procedure."""
    page = get_object_or_404(ScanPage.objects.select_related("job__template"), pk=page_id)
    try:
        receipt = services.page_case_create(page=page, staff=request.user)
    except UkaiError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("申請として登録しました。受付番号：%(receipt)s") % {"receipt": receipt}
        )
    return redirect("ocr_staff:page", page_id=page.pk)


def _page_image_or_404(page: ScanPage) -> Image.Image:
    if not page.image:
        raise Http404
    with page.image.open("rb") as source:
        image = Image.open(io.BytesIO(source.read()))
        image.load()
    return image


def _png(image: Image.Image) -> HttpResponse:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_required
@require_GET
def zone_image(request: HttpRequest, page_id: int, zone_id: int) -> HttpResponse:
    page = get_object_or_404(ScanPage, pk=page_id)
    zone = get_object_or_404(TemplateZone, pk=zone_id, template_id=page.template_id)
    image = _page_image_or_404(page)
    x, y, w, h = zone.box
    margin = ZONE_IMAGE_MARGIN
    crop = image.crop((max(0, x - margin), max(0, y - margin), x + w + margin, y + h + margin))
    if crop.width > ZONE_IMAGE_MAX_WIDTH:
        crop = crop.resize(
            (ZONE_IMAGE_MAX_WIDTH, round(crop.height * ZONE_IMAGE_MAX_WIDTH / crop.width))
        )
    return _png(crop)


@staff_required
@require_GET
def page_image(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(ScanPage, pk=page_id)
    if not page.image:
        raise Http404
    audit_log(action="read", obj=page, purpose="帳票のスキャン画像の表示")
    with page.image.open("rb") as source:
        response = HttpResponse(source.read(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_required
@require_GET
def template_detail(request: HttpRequest, name: str) -> HttpResponse:
    template = get_object_or_404(FormTemplate, name=name)
    return render(
        request,
        "ocr/staff_template.html",
        {
            "template": template,
            "zones": list(template.zones.all()),
            "form": ExportForm(initial={"encoding": "utf-8-sig"}),
            "verified": ScanPage.objects.filter(
                template=template, status=ScanPage.Status.VERIFIED
            ).count(),
        },
    )


PREVIEW_WIDTH = 900


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, name: str | None = None) -> HttpResponse:
    """Create a template, or change an existing one's zones, drawing them on the blank form."""
    template = get_object_or_404(FormTemplate, name=name) if name else None
    initial: dict[str, Any] = {"dpi": 200, "zones": "[]"}
    if template is not None:
        initial = {
            "title": template.title,
            "name": template.name,
            "dpi": template.dpi,
            "zones": json.dumps(
                services.template_zones_for_editor(template), ensure_ascii=False, indent=1
            ),
        }
    form = TemplateEditForm(
        request.POST or None, request.FILES or None, initial=initial, editing=template is not None
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("image")
        try:
            saved, created = services.template_save_from_editor(
                name=form.cleaned_data["name"],
                title=form.cleaned_data["title"],
                dpi=form.cleaned_data["dpi"],
                zones=form.cleaned_data["zones"],
                image_bytes=upload.read() if upload else None,
                template=template,
            )
        except services.TemplateInvalid as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("様式テンプレートを作成しました。")
                if created
                else _("様式テンプレートを更新しました。"),
            )
            return redirect("ocr_staff:template", name=saved.name)
    return render(
        request,
        "ocr/staff_template_edit.html",
        {
            "form": form,
            "template": template,
            "problems": problems,
            "field_types": [(key, str(label)) for key, label in FIELD_TYPES.items()],
        },
        status=422 if problems or form.errors else 200,
    )


@staff_required
@require_GET
def template_blank(request: HttpRequest, name: str) -> HttpResponse:
    template = get_object_or_404(FormTemplate, name=name)
    with template.blank_image.open("rb") as source:
        image = Image.open(io.BytesIO(source.read()))
        image.load()
    return _png(image)


@staff_required
@require_GET
def template_preview(request: HttpRequest, name: str) -> HttpResponse:
    """The blank form with its zones outlined and numbered as in the zone table."""
    template = get_object_or_404(FormTemplate, name=name)
    with template.blank_image.open("rb") as source:
        image = Image.open(io.BytesIO(source.read())).convert("RGB")
    draw = ImageDraw.Draw(image)
    for number, zone in enumerate(template.zones.all(), start=1):
        x, y, w, h = zone.box
        draw.rectangle((x, y, x + w, y + h), outline=(196, 0, 0), width=4)
        draw.rectangle((x, y, x + 44, y + 30), fill=(196, 0, 0))
        draw.text((x + 6, y + 2), str(number), fill=(255, 255, 255), font_size=24)
    scale = PREVIEW_WIDTH / image.width
    return _png(image.resize((PREVIEW_WIDTH, round(image.height * scale))))


@staff_required
@require_GET
def template_export_csv(request: HttpRequest, name: str) -> HttpResponse:
    template = get_object_or_404(FormTemplate, name=name)
    form = ExportForm(request.GET)
    encoding = form.cleaned_data["encoding"] if form.is_valid() else "utf-8-sig"
    try:
        data = services.template_csv_export(template=template, encoding=encoding)
    except UkaiError as error:
        messages.error(request, error.message)
        return redirect("ocr_staff:template", name=template.name)
    charset = "shift_jis" if encoding == "cp932" else "utf-8"
    response = HttpResponse(data, content_type=f"text/csv; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="{template.name}.csv"'
    return response
