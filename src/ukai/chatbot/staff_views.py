"""The chatbot's staff page: stale entries of one's departments, questions the bot missed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ukai.core.service import (
    audit_log,
    department_list,
    municipality_current,
    staff_department_ids,
    staff_required,
)

from . import selectors
from .departments import department_name


def _department_codes(request: HttpRequest) -> set[str] | None:
    """Codes of the viewer's departments; None (all) for staff without one."""
    municipality = municipality_current()
    ids = staff_department_ids(staff=request.user)  # type: ignore[arg-type]
    if municipality is None or not ids:
        return None
    codes = set(
        department_list(municipality=municipality).filter(pk__in=ids).values_list("code", flat=True)
    )
    return codes or None


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
        audit_log(action="read", obj=handoff, purpose="チャットボットからの問い合わせの確認")
    return render(
        request,
        "chatbot/staff_home.html",
        {
            "stale": [(entry, department_name(entry.department)) for entry in stale],
            "groups": groups[:50],
            "handoffs": [(h, department_name(h.department)) for h in handoffs],
            "scope_all": codes is None,
        },
    )
