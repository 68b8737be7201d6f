"""The minutes module's staff pages: meetings, uploads, the transcript editor and the minutes."""

from __future__ import annotations

import mimetypes
import re
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ukai.core.errors import UkaiError, message_for_language
from ukai.core.service import audit_log, staff_required

from . import selectors, services
from .errors import warning_message
from .export import minutes_docx, minutes_pdf
from .forms import (
    BaselineForm,
    ChannelsForm,
    GlossaryEntryForm,
    GlossaryImportForm,
    MeetingForm,
    RecordingForm,
    SegmentForm,
    StatusForm,
)
from .glossary_csv import glossary_csv, glossary_import
from .models import GlossaryEntry, Meeting
from .tasks import transcription_enqueue_on_commit


def _meeting_or_404(request: HttpRequest, meeting_id: int, *, edit: bool = False) -> Meeting:
    """The meeting if ``request.user`` may read it (404 otherwise: its existence stays
    private); with ``edit``, a reader from another department gets 403."""
    meeting = selectors.meeting_get(meeting_id=meeting_id)
    if meeting is None:
        raise Http404
    access = selectors.meeting_access(staff=request.user, meeting=meeting)
    if not access:
        raise Http404
    if edit and access != selectors.EDIT:
        raise PermissionDenied
    meeting.access = access  # type: ignore[attr-defined]
    return meeting


def _can_edit(meeting: Meeting) -> bool:
    return getattr(meeting, "access", "") == selectors.EDIT


@staff_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.meeting_list(staff=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "minutes/meeting_list.html", {"page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(
        request.POST or None, departments=selectors.staff_departments(staff=request.user)
    )
    if not form.fields["department"].choices:  # type: ignore[attr-defined]
        messages.error(
            request,
            _(
                "所属が登録されていないため、会議を登録できません。管理者に所属の登録を依頼してください。"
            ),
        )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(staff=request.user, values=form.cleaned_data)
        except UkaiError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("会議を登録しました。録音ファイルを登録してください。"))
            return redirect("minutes_staff:meeting_detail", meeting_id=meeting.pk)
    status = 400 if form.errors else 200
    return render(request, "minutes/meeting_form.html", {"form": form}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id, edit=True)
    departments = selectors.staff_departments(staff=request.user)
    if meeting.department_code and meeting.department_code not in dict(departments):
        departments.append((meeting.department_code, meeting.department_code))
    if request.method == "POST":
        form = MeetingForm(request.POST, departments=departments)
        if form.is_valid():
            try:
                services.meeting_update(
                    staff=request.user, meeting=meeting, values=form.cleaned_data
                )
            except UkaiError as error:
                if error.field:
                    form.add_error(error.field, error.message)
                else:
                    messages.error(request, error.message)
                    return redirect("minutes_staff:meeting_detail", meeting_id=meeting.pk)
            else:
                messages.success(request, _("会議の情報を変更しました。"))
                return redirect("minutes_staff:meeting_detail", meeting_id=meeting.pk)
    else:
        form = MeetingForm(
            initial=services.meeting_form_initial(meeting=meeting), departments=departments
        )
    return render(
        request,
        "minutes/meeting_form.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


def _render_detail(
    request: HttpRequest, meeting: Meeting, form: RecordingForm, status: int = 200
) -> HttpResponse:
    recordings = [
        (
            recording,
            [warning_message(code) for code in recording.warnings],
            message_for_language(recording.error_ja, recording.error_en)
            if recording.error_code
            else "",
        )
        for recording in meeting.recordings.all()
    ]
    return render(
        request,
        "minutes/meeting_detail.html",
        {
            "meeting": meeting,
            "form": form,
            "recordings": recordings,
            "active": selectors.recordings_active(meeting=meeting),
            "has_segments": selectors.segment_list(meeting=meeting).exists(),
            "max_upload_bytes": settings.UKAI_MINUTES_MAX_UPLOAD_BYTES,
            "can_edit": _can_edit(meeting),
            "department": selectors.department_names().get(meeting.department_code, ""),
            "time_ratio": selectors.meeting_time_ratio(meeting=meeting),
        },
        status=status,
    )


@staff_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    return _render_detail(request, meeting, RecordingForm())


@staff_required
@require_GET
def recording_status(request: HttpRequest, meeting_id: int) -> JsonResponse:
    """The progress bar's data, polled by progress.js while a transcription runs."""
    meeting = _meeting_or_404(request, meeting_id)
    recordings = [
        {
            "id": recording.pk,
            "status": recording.status,
            "label": str(recording.get_status_display()),
            "percent": round(recording.progress * 100),
        }
        for recording in meeting.recordings.all()
    ]
    return JsonResponse(
        {"active": selectors.recordings_active(meeting=meeting), "recordings": recordings}
    )


@staff_required
@require_POST
def recording_upload(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id, edit=True)
    form = RecordingForm(request.POST, request.FILES)
    # The in-browser recorder (recorder.js) asks for JSON; the plain form gets pages.
    wants_json = "application/json" in request.headers.get("Accept", "")
    if form.is_valid():
        try:
            recording = services.recording_upload(
                staff=request.user, meeting=meeting, upload=form.cleaned_data["file"]
            )
        except UkaiError as error:
            form.add_error("file", error.message)
        else:
            transcription_enqueue_on_commit(recording.pk)
            messages.success(
                request, _("録音を受け付けました。文字起こしが終わるまでお待ちください。")
            )
            url = reverse("minutes_staff:meeting_detail", args=[meeting.pk])
            if wants_json:
                return JsonResponse({"recording": recording.pk, "url": url})
            return redirect(url)
    if wants_json:
        return JsonResponse(
            {"errors": [str(message) for message in form.errors.get("file", [])]}, status=400
        )
    return _render_detail(request, meeting, form, status=400)


@staff_required
@require_http_methods(["GET", "POST"])
def transcript_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    attendees = list(meeting.attendees.all())
    agenda_items = list(meeting.agenda_items.all())
    editable = _can_edit(meeting) and meeting.status != Meeting.Status.APPROVED
    failed: dict[int, SegmentForm] = {}
    if request.method == "POST":
        if not _can_edit(meeting):
            raise PermissionDenied
        segment = selectors.segment_get(
            meeting=meeting, segment_id=int(request.POST.get("segment_id") or 0)
        )
        if segment is None:
            raise Http404
        form = SegmentForm(
            request.POST, prefix=f"s{segment.pk}", attendees=attendees, agenda_items=agenda_items
        )
        if form.is_valid():
            by_id = {a.pk: a for a in attendees}
            items = {i.pk: i for i in agenda_items}
            speaker = by_id.get(form.cleaned_data["speaker"] or 0)
            accepted = request.POST.get("accept", "")
            if accepted.isdigit() and int(accepted) in by_id:  # 「候補を採用」
                speaker = by_id[int(accepted)]
            try:
                services.segment_update(
                    staff=request.user,
                    segment=segment,
                    text=form.cleaned_data["text"],
                    speaker=speaker,
                    agenda_item=items.get(form.cleaned_data["agenda_item"] or 0),
                )
            except UkaiError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("発言を保存しました。"))
            url = reverse("minutes_staff:transcript", args=[meeting.pk])
            return redirect(f"{url}#segment-{segment.pk}")
        failed[segment.pk] = form
    elif editable:
        services.editing_record(meeting=meeting)
    audit_log(
        action="read",
        obj=meeting,
        purpose="会議録の文字起こしの確認"
        + ("" if _can_edit(meeting) else "（庁内公開の会議録を他の所属が閲覧）"),
    )
    by_channel = {a.channel: a for a in attendees if a.channel}
    channels = selectors.meeting_channels(meeting=meeting)
    rows = []
    segments = list(selectors.segment_list(meeting=meeting))
    for position, segment in enumerate(segments):
        form = failed.get(segment.pk) or SegmentForm(
            prefix=f"s{segment.pk}",
            attendees=attendees,
            agenda_items=agenda_items,
            initial={
                "text": segment.text,
                "speaker": segment.speaker_id,
                "agenda_item": segment.agenda_item_id,
            },
        )
        suggestion = selectors.speaker_suggestion(segment, by_channel)
        if suggestion is not None and suggestion.attendee.pk == segment.speaker_id:
            suggestion = None
        following = segments[position + 1] if position + 1 < len(segments) else None
        segment.has_next = (  # type: ignore[attr-defined]
            following is not None
            and following.recording_id == segment.recording_id
            and following.index == segment.index + 1
        )
        rows.append((segment, form, selectors.segment_words(segment), suggestion))
    return render(
        request,
        "minutes/transcript.html",
        {
            "meeting": meeting,
            "rows": rows,
            "editable": editable,
            "has_errors": bool(failed),
            "recordings": [r for r in meeting.recordings.all() if r.status == r.Status.DONE],
            "attendees": attendees,
            "channels_form": ChannelsForm(channels=channels, attendees=attendees)
            if channels > 1
            else None,
        },
        status=400 if failed else 200,
    )


def _segment_for_edit(request: HttpRequest, meeting_id: int, segment_id: int) -> Any:
    meeting = _meeting_or_404(request, meeting_id, edit=True)
    segment = selectors.segment_get(meeting=meeting, segment_id=segment_id)
    if segment is None:
        raise Http404
    return segment


@staff_required
@require_POST
def segment_split(request: HttpRequest, meeting_id: int, segment_id: int) -> HttpResponse:
    """Split a segment before the chosen word (the audio splits at the word's start)."""
    segment = _segment_for_edit(request, meeting_id, segment_id)
    url = reverse("minutes_staff:transcript", args=[meeting_id])
    at_word = request.POST.get("at_word", "")
    try:
        services.segment_split(
            staff=request.user, segment=segment, at_word=int(at_word) if at_word.isdigit() else 0
        )
    except UkaiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("発言を2つに分けました。"))
    return redirect(f"{url}#segment-{segment.pk}")


@staff_required
@require_POST
def segment_merge(request: HttpRequest, meeting_id: int, segment_id: int) -> HttpResponse:
    """Join a segment with the next one of the same recording."""
    segment = _segment_for_edit(request, meeting_id, segment_id)
    url = reverse("minutes_staff:transcript", args=[meeting_id])
    try:
        services.segment_merge(staff=request.user, segment=segment)
    except UkaiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("次の発言とつなげました。"))
    return redirect(f"{url}#segment-{segment.pk}")


@staff_required
@require_POST
def channels_update(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Set the channel → attendee table that speaker suggestions use."""
    meeting = _meeting_or_404(request, meeting_id, edit=True)
    attendees = list(meeting.attendees.all())
    form = ChannelsForm(
        request.POST, channels=selectors.meeting_channels(meeting=meeting), attendees=attendees
    )
    url = reverse("minutes_staff:transcript", args=[meeting.pk])
    if not form.is_valid():
        messages.error(request, _("出席者は一覧から選んでください。"))
        return redirect(f"{url}#channels")
    by_id = {a.pk: a for a in attendees}
    mapping = {
        int(name.removeprefix("channel_")): by_id.get(value or 0)
        for name, value in form.cleaned_data.items()
    }
    try:
        services.channels_set(staff=request.user, meeting=meeting, mapping=mapping)
    except UkaiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("チャンネルと発言者の対応を保存しました。候補が表示されます。"))
    return redirect(f"{url}#channels")


_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


@staff_required
@require_GET
def recording_audio(request: HttpRequest, meeting_id: int, recording_id: int) -> HttpResponseBase:
    """The recording for the editor's player; answers byte ranges so the player can seek."""
    _meeting_or_404(request, meeting_id)
    recording = selectors.recording_get(recording_id=recording_id)
    if recording is None or recording.meeting_id != meeting_id:
        raise Http404
    size = recording.file.size
    content_type = mimetypes.guess_type(recording.original_name)[0] or "application/octet-stream"
    match = _RANGE.match(request.headers.get("Range", ""))
    if match is None or not (match.group(1) or match.group(2)):
        audit_log(action="read", obj=recording, purpose="会議の録音の再生")
        whole = FileResponse(recording.file.open("rb"), content_type=content_type)
        whole["Accept-Ranges"] = "bytes"
        return whole
    if match.group(1):
        start = int(match.group(1))
        end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
    else:  # the last N bytes
        start = max(size - int(match.group(2)), 0)
        end = size - 1
    if start >= size or start > end:
        response: HttpResponse = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if start == 0:
        audit_log(action="read", obj=recording, purpose="会議の録音の再生")
    with recording.file.open("rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


def _format_of(request: HttpRequest, meeting: Meeting) -> str:
    chosen = request.GET.get("format", "")
    return chosen if chosen in Meeting.Format.values else meeting.minutes_format


@staff_required
@require_http_methods(["GET", "POST"])
def minutes_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id, edit=request.method == "POST")
    if request.method == "POST":
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_set_status(
                    staff=request.user,
                    meeting=meeting,
                    status=form.cleaned_data["status"],
                    minutes_format=form.cleaned_data["minutes_format"],
                )
            except UkaiError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("会議録の状態を「%(status)s」にしました。")
                    % {"status": meeting.get_status_display()},
                )
        return redirect("minutes_staff:minutes", meeting_id=meeting.pk)
    minutes_format = _format_of(request, meeting)
    minutes = selectors.minutes_build(meeting=meeting, minutes_format=minutes_format)
    audit_log(
        action="read",
        obj=meeting,
        purpose="会議録の確認"
        + ("" if _can_edit(meeting) else "（庁内公開の会議録を他の所属が閲覧）"),
    )
    return render(
        request,
        "minutes/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "minutes_format": minutes_format,
            "formats": Meeting.Format.choices,
            "versions": meeting.versions.order_by("-number"),
            "status_form": StatusForm(initial={"minutes_format": minutes_format}),
            "can_edit": _can_edit(meeting),
        },
    )


@staff_required
@require_GET
def minutes_download(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    if kind not in ("txt", "docx", "pdf"):
        raise Http404
    meeting = _meeting_or_404(request, meeting_id)
    minutes = selectors.minutes_build(meeting=meeting, minutes_format=_format_of(request, meeting))
    audit_log(action="export", obj=meeting, purpose=f"会議録のダウンロード（{kind}）")
    filename = quote(f"{meeting.title}-{meeting.held_on:%Y%m%d}.{kind}")
    response: HttpResponse
    if kind == "docx":
        response = HttpResponse(
            minutes_docx(minutes),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    elif kind == "pdf":
        response = HttpResponse(minutes_pdf(minutes), content_type="application/pdf")
    else:
        response = HttpResponse(minutes.as_text(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- manual baselines per meeting type (ADR 0098) ---------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def baselines(request: HttpRequest) -> HttpResponse:
    """Each meeting type's minutes of manual work per minute of recording (the KPI's baseline)."""
    can_manage = selectors.staff_can_manage_settings(staff=request.user)
    failed: dict[str, BaselineForm] = {}
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        body = request.POST.get("body", "")
        if body not in Meeting.Body.values:
            raise Http404
        url = reverse("minutes_staff:baselines")
        if request.POST.get("reset"):
            services.baseline_reset(staff=request.user, body=body)
            messages.success(request, _("既定値に戻しました。"))
            return redirect(f"{url}#baseline-{body}")
        form = BaselineForm(request.POST, prefix=body)
        if form.is_valid():
            try:
                services.baseline_set(
                    staff=request.user,
                    body=body,
                    factor=form.cleaned_data["factor"],
                    note=form.cleaned_data["note"],
                )
            except UkaiError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("手作業の基準を保存しました。"))
                return redirect(f"{url}#baseline-{body}")
        failed[body] = form
    rows = [
        (
            row,
            failed.get(row.body)
            or BaselineForm(
                prefix=row.body,
                initial={
                    "factor": row.factor,
                    "note": row.baseline.note if row.baseline else "",
                },
            ),
        )
        for row in selectors.baseline_rows()
    ]
    return render(
        request,
        "minutes/baselines.html",
        {
            "rows": rows,
            "default": selectors.baseline_default(),
            "can_manage": can_manage,
            "has_errors": bool(failed),
            "form": next(iter(failed.values()), None),
        },
        status=400 if failed else 200,
    )


# --- glossary (ADR 0099) -----------------------------------------------------------------


def _glossary_page(
    request: HttpRequest,
    *,
    form: GlossaryEntryForm | None = None,
    import_form: GlossaryImportForm | None = None,
    import_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    category = request.GET.get("category", "")
    if category not in GlossaryEntry.Category.values:
        category = ""
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.glossary_entry_list(category=category, query=query), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "minutes/glossary.html",
        {
            "page": page,
            "category": category,
            "query": query,
            "categories": GlossaryEntry.Category.choices,
            "form": form or GlossaryEntryForm(initial={"enabled": True}),
            "import_form": import_form or GlossaryImportForm(),
            "import_errors": import_errors or [],
            "can_manage": selectors.staff_can_manage_settings(staff=request.user),
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def glossary(request: HttpRequest) -> HttpResponse:
    """The city's glossary: list and search; managers and ICT staff add entries."""
    if request.method == "GET":
        return _glossary_page(request)
    if not selectors.staff_can_manage_settings(staff=request.user):
        raise PermissionDenied
    form = GlossaryEntryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.glossary_entry_create(staff=request.user, values=form.cleaned_data)
        except UkaiError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("用語集に「%(entry)s」を追加しました。") % {"entry": entry})
            return redirect("minutes_staff:glossary")
    return _glossary_page(request, form=form, status=400)


@staff_required
@require_http_methods(["GET", "POST"])
def glossary_entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    if not selectors.staff_can_manage_settings(staff=request.user):
        raise PermissionDenied
    entry = selectors.glossary_entry_get(entry_id=entry_id)
    if entry is None:
        raise Http404
    if request.method == "POST":
        form = GlossaryEntryForm(request.POST)
        if form.is_valid():
            try:
                services.glossary_entry_update(
                    staff=request.user, entry=entry, values=form.cleaned_data
                )
            except UkaiError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("用語集の項目を保存しました。"))
                return redirect("minutes_staff:glossary")
    else:
        form = GlossaryEntryForm(
            initial={
                "wrong": entry.wrong,
                "right": entry.right,
                "category": entry.category,
                "enabled": entry.enabled,
            }
        )
    return render(
        request,
        "minutes/glossary_entry.html",
        {"form": form, "entry": entry},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def glossary_entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    if not selectors.staff_can_manage_settings(staff=request.user):
        raise PermissionDenied
    entry = selectors.glossary_entry_get(entry_id=entry_id)
    if entry is None:
        raise Http404
    label = str(entry)
    services.glossary_entry_delete(staff=request.user, entry=entry)
    messages.success(request, _("用語集から「%(entry)s」を削除しました。") % {"entry": label})
    return redirect("minutes_staff:glossary")


@staff_required
@require_GET
def glossary_export(request: HttpRequest) -> HttpResponse:
    audit_log(
        action="export", object_type="minutes.glossaryentry", purpose="会議録の用語集のCSV書き出し"
    )
    response = HttpResponse(
        glossary_csv(selectors.glossary_entry_list()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''minutes-glossary.csv"
    return response


@staff_required
@require_POST
def glossary_import_view(request: HttpRequest) -> HttpResponse:
    if not selectors.staff_can_manage_settings(staff=request.user):
        raise PermissionDenied
    form = GlossaryImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = glossary_import(staff=request.user, data=form.cleaned_data["file"].read())
        except UkaiError as error:
            form.add_error("file", error.message)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _(
                        "CSVを取り込みました（追加 %(added)d 件・変更 %(changed)d 件・変更なし %(same)d 件）。"
                    )
                    % {"added": result.added, "changed": result.changed, "same": result.unchanged},
                )
                return redirect("minutes_staff:glossary")
            form.add_error(
                "file",
                _("取り込めない行があるため、何も変更していません。下の一覧を直してください。"),
            )
            return _glossary_page(
                request, import_form=form, import_errors=result.errors, status=400
            )
    return _glossary_page(request, import_form=form, status=400)
