"""The chatbot's staff pages: the missed questions, and editing FAQ entries with a review step."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ukai.core.errors import UkaiError
from ukai.core.service import (
    audit_log,
    department_list,
    municipality_current,
    staff_department_codes,
    staff_required,
)
from ukai.procedures.service import procedure_search

from . import entries_csv, selectors, services
from .departments import DEPARTMENT_NAMES, department_name
from .forms import EntryFilterForm, EntryForm, EntryImportForm, ReturnForm
from .models import PUBLIC_COLLECTION, Entry, RemovalAction
from .tasks import index_refresh_on_commit

ENTRIES_PAGE_SIZE = 50


def _department_codes(request: HttpRequest) -> set[str] | None:
    """Codes of the departments whose entries the viewer sees; None (all) for admins and
    ICT, and for staff without a department (as before: read only)."""
    staff: Any = request.user
    if services.staff_edits_all_entries(staff=staff):
        return None
    return staff_department_codes(staff=staff) or None


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    codes = _department_codes(request)
    stale = list(selectors.entry_list_stale(as_of=today, department_codes=codes)[:200])
    groups = selectors.unanswered_question_groups(as_of=today)
    handoffs = selectors.handoff_list(department_codes=codes)
    # Residents may type personal details into a question: reading them is audited.
    audit_log(
        action="read",
        object_type="chatbot.message",
        purpose="チャットボットが答えられなかった質問の確認",
    )
    for handoff in handoffs:
        if handoff.contact or handoff.details:  # made before hand-offs became cases
            audit_log(action="read", obj=handoff, purpose="チャットボットからの問い合わせの確認")
    return render(
        request,
        "chatbot/staff_home.html",
        {
            "stale": [(entry, department_name(entry.department)) for entry in stale],
            "groups": [
                (
                    group,
                    urlencode(
                        {
                            "question": group.questions[0],
                            "phrasings": "\n".join(group.questions[1:]),
                        }
                    ),
                )
                for group in groups[:50]
            ],
            "handoffs": [(h, department_name(h.department)) for h in handoffs],
            "scope_all": codes is None,
        },
    )


@staff_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    codes = _department_codes(request)
    form = EntryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.entry_list_for_staff(
        department_codes=codes,
        as_of=today,
        field=filters.get("field", ""),
        status=filters.get("status", ""),
        stale=filters.get("stale") == "1",
        text=filters.get("q", ""),
    )
    page = Paginator(entries, ENTRIES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (
            entry,
            department_name(entry.department),
            getattr(entry, "pending_revision", None),
            selectors.entry_is_stale(entry=entry, as_of=today),
        )
        for entry in page.object_list
    ]
    return render(
        request,
        "chatbot/staff_entry_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "scope_all": codes is None,
            "can_create": services.entry_edit_scope(staff=request.user) != set(),
        },
    )


def _department_choices(staff: Any, current: str = "") -> list[tuple[str, str]]:
    scope = services.entry_edit_scope(staff=staff)
    if scope is None:
        codes = set(DEPARTMENT_NAMES)
        municipality = municipality_current()
        if municipality is not None:
            codes |= set(department_list(municipality=municipality).values_list("code", flat=True))
    else:
        codes = set(scope)
    if current and (scope is None or current in scope):
        codes.add(current)
    return sorted(((code, department_name(code)) for code in codes), key=lambda c: c[1])


def _procedure_choices(entry: Entry | None) -> list[tuple[str, str]]:
    """The catalog's procedures, plus any the entry links that the catalog no longer lists."""
    choices = [(p.slug, p.name) for p in procedure_search()]
    listed = {slug for slug, _name in choices}
    current = services.entry_working_copy(entry=entry).procedures if entry is not None else []
    return choices + [(str(s), str(s)) for s in current or [] if s not in listed]


def _entry_or_404(entry_id: int) -> Entry:
    entry = selectors.entry_get_for_staff(entry_id=entry_id)
    if entry is None:
        raise Http404
    return entry


def _render_edit(
    request: HttpRequest,
    *,
    form: EntryForm,
    entry: Entry | None,
    return_form: ReturnForm | None = None,
    removal_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    staff: Any = request.user
    draft = services.entry_working_copy(entry=entry) if entry is not None else None
    can_approve = draft is not None and services.entry_can_approve(staff=staff, entry=draft)
    can_edit = entry is not None and services.entry_can_edit(staff=staff, entry=entry)
    return render(
        request,
        "chatbot/staff_entry_edit.html",
        {
            "form": form,
            "entry": entry,
            "draft": draft,
            "is_revision": draft is not None and draft.revision_of_id is not None,
            "can_review": can_approve and draft is not None and draft.status == Entry.Status.REVIEW,
            "can_request_removal": can_edit and entry is not None and not entry.requested_action,
            "can_review_removal": can_approve and entry is not None and entry.requested_action,
            "return_form": return_form or ReturnForm(),
            "removal_form": removal_form or ReturnForm(prefix="removal"),
            "department_label": department_name(entry.department) if entry else "",
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    staff: Any = request.user
    if services.entry_edit_scope(staff=staff) == set():
        raise PermissionDenied
    choices = _department_choices(staff)
    if request.method != "POST":
        initial = {"department": choices[0][0]} if len(choices) == 1 else {}
        # From a group of missed questions: the first as the question, the others as phrasings.
        if request.GET.get("question"):
            initial["question"] = request.GET["question"][:500]
            initial["phrasings"] = "\n".join(
                line[:500] for line in request.GET.get("phrasings", "").splitlines()[:50]
            )
        return _render_edit(
            request,
            form=EntryForm(
                departments=choices, procedures=_procedure_choices(None), initial=initial
            ),
            entry=None,
        )
    form = EntryForm(request.POST, departments=choices, procedures=_procedure_choices(None))
    if not form.is_valid():
        return _render_edit(request, form=form, entry=None, status=400)
    try:
        draft = services.entry_save_draft(staff=staff, values=form.cleaned_data)
        if request.POST.get("action") == "submit":
            services.entry_submit(staff=staff, draft=draft)
    except UkaiError as error:
        if error.status == 403:
            raise PermissionDenied from error
        raise
    messages.success(request, _saved_message(request.POST.get("action")))
    return redirect("chatbot_staff:entry_edit", entry_id=draft.pk)


def _saved_message(action: str | None) -> str:
    if action == "submit":
        return _("保存して審査に回しました。所属長または情報政策課が承認すると公開されます。")
    return _("下書きを保存しました。")


@staff_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    staff: Any = request.user
    entry = _entry_or_404(entry_id)
    draft = services.entry_working_copy(entry=entry)
    can_edit = services.entry_can_edit(staff=staff, entry=entry)
    if not can_edit and not services.entry_can_approve(staff=staff, entry=draft):
        raise PermissionDenied
    choices = _department_choices(staff, entry.department)
    action = request.POST.get("action", "")
    if request.method != "POST":
        form = EntryForm(
            departments=choices,
            procedures=_procedure_choices(entry),
            initial=EntryForm.initial_from(draft),
        )
        return _render_edit(request, form=form, entry=entry)
    try:
        if action in ("save", "submit"):
            form = EntryForm(
                request.POST, departments=choices, procedures=_procedure_choices(entry)
            )
            if not form.is_valid():
                return _render_edit(request, form=form, entry=entry, status=400)
            draft = services.entry_save_draft(staff=staff, values=form.cleaned_data, entry=entry)
            if action == "submit":
                services.entry_submit(staff=staff, draft=draft)
            messages.success(request, _saved_message(action))
        elif action == "approve":
            approval = services.entry_approve(staff=staff, draft=draft, today=timezone.localdate())
            index_refresh_on_commit(approval.changed_collection_id)
            messages.success(request, _("承認しました。チャットボットの回答に反映されます。"))
        elif action in ("request_unpublish", "request_delete"):
            services.entry_removal_request(
                staff=staff, entry=entry, action=action.removeprefix("request_")
            )
            messages.success(
                request,
                _("申請しました。所属長または情報政策課が承認すると、公開を止めます。")
                if action == "request_unpublish"
                else _("申請しました。所属長または情報政策課が承認すると、削除します。"),
            )
        elif action == "approve_removal":
            deleting = entry.requested_action == RemovalAction.DELETE
            approval = services.entry_removal_approve(staff=staff, entry=entry)
            index_refresh_on_commit(approval.changed_collection_id)
            if deleting:
                messages.success(request, _("削除しました。チャットボットはこのFAQを使いません。"))
                return redirect("chatbot_staff:entry_list")
            messages.success(
                request, _("公開を止めました。チャットボットはこのFAQで回答しません。")
            )
        elif action == "return_removal":
            removal_form = ReturnForm(request.POST, prefix="removal")
            if not removal_form.is_valid():
                form = EntryForm(
                    departments=choices,
                    procedures=_procedure_choices(entry),
                    initial=EntryForm.initial_from(draft),
                )
                return _render_edit(
                    request, form=form, entry=entry, removal_form=removal_form, status=400
                )
            services.entry_removal_return(
                staff=staff, entry=entry, comment=removal_form.cleaned_data["comment"]
            )
            messages.success(request, _("申請を差し戻しました。"))
        elif action == "return":
            return_form = ReturnForm(request.POST)
            if not return_form.is_valid():
                form = EntryForm(
                    departments=choices,
                    procedures=_procedure_choices(entry),
                    initial=EntryForm.initial_from(draft),
                )
                return _render_edit(
                    request, form=form, entry=entry, return_form=return_form, status=400
                )
            services.entry_return(
                staff=staff, draft=draft, comment=return_form.cleaned_data["comment"]
            )
            messages.success(request, _("差し戻しました。"))
        else:
            return HttpResponse(status=400)
    except UkaiError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message_ja)
    return redirect("chatbot_staff:entry_edit", entry_id=entry.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def phrasing_add(request: HttpRequest) -> HttpResponse:
    """Make a missed question a phrasing of an entry: pick the entry, confirm (goes to review)."""
    staff: Any = request.user
    source = request.POST if request.method == "POST" else request.GET
    question = source.get("question", "").strip()[: services.ENTRY_PHRASING_MAX_CHARS]
    if not question:
        raise Http404
    if request.method == "POST":
        try:
            entry = _entry_or_404(int(source.get("entry", "0") or 0))
        except ValueError:
            raise Http404 from None
        try:
            services.entry_phrasing_propose(staff=staff, entry=entry, phrasing=question)
        except UkaiError as error:
            if error.status == 403:
                raise PermissionDenied from error
            messages.error(request, error.message_ja)
            return redirect(
                f"{reverse('chatbot_staff:phrasing_add')}?{urlencode({'question': question})}"
            )
        messages.success(
            request, _("言い換えを追加して審査に回しました。承認されると回答に使われます。")
        )
        return redirect("chatbot_staff:entry_edit", entry_id=entry.pk)
    candidates = _phrasing_candidates(staff, question)
    return render(
        request,
        "chatbot/staff_phrasing_add.html",
        {"question": question, "candidates": candidates},
    )


def _phrasing_candidates(staff: Any, question: str) -> list[tuple[Entry, str]]:
    """The closest published entries the staff member may edit, best first (at most 8)."""
    collection = selectors.collection_get(name=PUBLIC_COLLECTION)
    if collection is None:
        return []
    ranking = services.collection_rank(collection=collection, question=question, limit=30)
    found = selectors.entries_by_id(ids=[r.entry_id for r in ranking.results])
    candidates: list[tuple[Entry, str]] = []
    for result in ranking.results:
        hit = found.get(result.entry_id)
        if hit is None:
            continue
        original = hit.translation_of if hit.translation_of is not None else hit
        if any(c.pk == original.pk for c, _ in candidates):
            continue
        if services.entry_can_edit(staff=staff, entry=original):
            candidates.append((original, department_name(original.department)))
        if len(candidates) >= 8:
            break
    return candidates


@staff_required
@require_GET
def entry_export(request: HttpRequest) -> HttpResponse:
    """The FAQ entries the viewer sees, as CSV (UTF-8 with BOM for Excel); phrasings one per line."""
    codes = _department_codes(request)
    entries = selectors.entry_list_for_staff(
        department_codes=codes,
        as_of=timezone.localdate(),
        field="",
        status="",
        stale=False,
        text="",
    )
    response = HttpResponse(
        entries_csv.entries_csv(entries), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="chatbot-faq-{stamp}.csv"'
    return response


IMPORT_SESSION_KEY = "chatbot_csv_import"


def _render_import(
    request: HttpRequest,
    form: EntryImportForm,
    plan: entries_csv.CsvImportPlan | None = None,
    status: int = 200,
) -> HttpResponse:
    if plan is not None:
        for error in plan.errors:
            form.add_error("file", error)
    return render(
        request,
        "chatbot/staff_entry_import.html",
        {"form": form, "plan": plan if plan is not None and not plan.errors else None},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def entry_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, see what it would change, then send the changes to review."""
    staff: Any = request.user
    if services.entry_edit_scope(staff=staff) == set():
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "apply":
        held = request.session.get(IMPORT_SESSION_KEY) or {}
        text = str(held.get("text", ""))
        if not text or held.get("digest") != request.POST.get("digest"):
            messages.error(
                request, _("取り込む内容が見つかりません。もう一度ファイルを選んでください。")
            )
            return redirect("chatbot_staff:entry_import")
        plan = entries_csv.csv_import_apply(staff=staff, text=text)
        if plan.errors:  # the entries changed since the preview
            return _render_import(request, EntryImportForm(), plan, status=409)
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request,
            _(
                "新しいFAQ %(new)s件、変更 %(changed)s件を審査に回しました（変更のない %(same)s件はそのままです）。"
            )
            % {"new": plan.new, "changed": plan.changed, "same": plan.unchanged},
        )
        return redirect(reverse("chatbot_staff:entry_list") + "?status=review")
    if request.method != "POST":
        return _render_import(request, EntryImportForm())
    form = EntryImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        text = entries_csv.csv_text_decode(upload.read(entries_csv.CSV_IMPORT_MAX_BYTES + 1))
    except UkaiError as error:
        form.add_error("file", error.message)
        return _render_import(request, form, status=422)
    plan = entries_csv.csv_import_plan(staff=staff, text=text)
    if plan.errors:
        return _render_import(request, form, plan, status=422)
    request.session[IMPORT_SESSION_KEY] = {"text": text, "digest": plan.digest}
    return _render_import(request, EntryImportForm(), plan)
