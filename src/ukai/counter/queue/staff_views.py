"""Staff pages: reception issues tickets; each desk calls, serves and routes them.

Every action is a POST form followed by a redirect (works without JavaScript);
errors come back as a message on the page the action was sent from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ukai.core.errors import UkaiError
from ukai.core.service import staff_required

from . import selectors, services
from .access import staff_can_work_queue
from .categories import category_list, first_department_code
from .forms import IssueForm, RouteForm, TicketForm
from .models import Desk, Status


def _check(request: HttpRequest) -> None:
    if not staff_can_work_queue(staff=request.user):
        raise PermissionDenied


def _form_error(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@staff_required
@require_http_methods(["GET", "POST"])
def reception(request: HttpRequest) -> HttpResponse:
    _check(request)
    form = IssueForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = services.ticket_issue(
                    category=form.cleaned_data["category"], staff=request.user
                )
            except UkaiError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("受付番号 %(number)s を発行しました。") % {"number": ticket.number},
                )
                return HttpResponseRedirect(reverse("counter_queue_staff:ticket", args=[ticket.pk]))
        status = 422
    else:
        status = 200
    day = timezone.localdate()
    names = selectors.department_names()
    tickets: list[dict[str, Any]] = []
    for ticket in selectors.tickets_of_day(day=day):
        record = selectors.ticket_record(ticket)
        code = record.current.department_code
        tickets.append(
            {"ticket": ticket, "record": record, "department": names.get(code, (code, ""))[0]}
        )
    open_tickets = [t for t in tickets if t["ticket"].status not in (Status.DONE, Status.CANCELLED)]
    context = {
        "form": form,
        "categories": category_list(),
        "tickets": tickets,
        "open_count": len(open_tickets),
        "day": day,
        "first_department": names.get(first_department_code(), (first_department_code(), ""))[0],
        "cancellable": (Status.WAITING, Status.CALLED, Status.ABSENT),
    }
    return render(request, "counter_queue/reception.html", context, status=status)


@staff_required
@require_GET
def ticket_print(request: HttpRequest, ticket_id: int) -> HttpResponse:
    _check(request)
    try:
        ticket = selectors.ticket_get(ticket_id=ticket_id)
    except UkaiError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("counter_queue_staff:reception"))
    record = selectors.ticket_record(ticket)
    current = record.current
    ahead = sum(
        1
        for s in selectors.department_waiting(
            department_code=current.department_code, day=ticket.day
        )
        if s.queued_at < current.queued_at
    )
    names = selectors.department_names()
    context = {
        "ticket": record,
        "ahead": ahead,
        "department_name": names.get(current.department_code, (current.department_code, ""))[0],
    }
    return render(request, "counter_queue/ticket.html", context)


@staff_required
@require_POST
def ticket_cancel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    _check(request)
    try:
        ticket = services.ticket_cancel(ticket_id=ticket_id, staff=request.user)
    except UkaiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(number)s 番を取り消しました。") % {"number": ticket.number})
    return HttpResponseRedirect(reverse("counter_queue_staff:reception"))


@staff_required
@require_GET
def desk_list(request: HttpRequest) -> HttpResponse:
    _check(request)
    names = selectors.department_names()
    desks = [
        {"desk": d, "department": names.get(d.department_code, (d.department_code, ""))[0]}
        for d in selectors.desk_list()
    ]
    return render(request, "counter_queue/desk_list.html", {"desks": desks})


def _desk_or_redirect(request: HttpRequest, desk_id: int) -> Desk | HttpResponse:
    try:
        return selectors.desk_get(desk_id=desk_id)
    except UkaiError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("counter_queue_staff:desks"))


def _visit_url(ticket_id: int) -> str:
    """The counter's 「書かない窓口」 reception for this ticket (when the counter module is installed)."""
    try:
        return reverse("counter:home") + f"?ticket={ticket_id}"
    except NoReverseMatch:
        return ""


@staff_required
@require_GET
def desk(request: HttpRequest, desk_id: int) -> HttpResponse:
    _check(request)
    found = _desk_or_redirect(request, desk_id)
    if isinstance(found, HttpResponse):
        return found
    day = timezone.localdate()
    names = selectors.department_names()
    departments = [
        (code, name)
        for code, name, _en in selectors.routable_departments()
        if code != found.department_code
    ]
    current = selectors.desk_current_segment(desk=found)
    context = {
        "desk": found,
        "department": names.get(found.department_code, (found.department_code, ""))[0],
        "current": current,
        "visit_url": _visit_url(current.ticket_id) if current is not None else "",
        "waiting": selectors.department_waiting(department_code=found.department_code, day=day),
        "absent": selectors.department_absent(department_code=found.department_code, day=day),
        "route_form": RouteForm(departments=departments),
        "board_url": reverse("counter_queue:board") + f"?departments={found.department_code}",
    }
    return render(request, "counter_queue/desk.html", context)


@staff_required
@require_POST
def desk_call(request: HttpRequest, desk_id: int) -> HttpResponse:
    _check(request)
    back = HttpResponseRedirect(reverse("counter_queue_staff:desk", args=[desk_id]))
    try:
        ticket = services.desk_call_next(desk_id=desk_id, staff=request.user)
    except UkaiError as exc:
        messages.error(request, exc.message)
        return back
    if ticket is None:
        messages.info(request, _("お待ちの方はいません。"))
    else:
        messages.success(request, _("%(number)s 番を呼び出しました。") % {"number": ticket.number})
    return back


def _check_at_desk(*, ticket_id: int, desk: Desk) -> None:
    """A desk acts only on the ticket it called (its own, not another desk's)."""
    ticket = selectors.ticket_get(ticket_id=ticket_id)
    current = max(ticket.segments.all(), key=lambda s: s.position)
    # A waiting ticket has no desk yet: the service explains what it needs.
    if current.desk_id is not None and current.desk_id != desk.pk:
        raise UkaiError(
            code="not_at_this_desk",
            message_ja=f"{ticket.number} 番はこの窓口（{desk.label}）で呼び出した番号ではありません。",
            message_en=f"Ticket {ticket.number} was not called to this desk ({desk.label}).",
            status=409,
        )


_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "recall": (services.ticket_recall, gettext_noop("%(number)s 番を呼び出し直しました。")),
    "start": (services.ticket_start, gettext_noop("%(number)s 番の受付を開始しました。")),
    "end": (services.ticket_end, gettext_noop("%(number)s 番の対応を終了しました。")),
    "absent": (services.ticket_mark_absent, gettext_noop("%(number)s 番を不在にしました。")),
}


@staff_required
@require_POST
def desk_action(request: HttpRequest, desk_id: int, action: str) -> HttpResponse:
    _check(request)
    found = _desk_or_redirect(request, desk_id)
    if isinstance(found, HttpResponse):
        return found
    back = HttpResponseRedirect(reverse("counter_queue_staff:desk", args=[desk_id]))
    if action not in _ACTIONS and action != "route":
        messages.error(request, _("この操作はできません。"))
        return back
    if action == "route":
        departments = [(code, name) for code, name, _en in selectors.routable_departments()]
        form: TicketForm = RouteForm(request.POST, departments=departments)
    else:
        form = TicketForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return back
    ticket_id = form.cleaned_data["ticket_id"]
    try:
        if action != "start":
            _check_at_desk(ticket_id=ticket_id, desk=found)
        if action == "route":
            services.ticket_route(
                ticket_id=ticket_id,
                department_code=form.cleaned_data["department_code"],
                staff=request.user,
            )
            done = _("%(number)s 番を他の窓口へ案内しました。")
        else:
            service_function, message = _ACTIONS[action]
            kwargs: dict[str, Any] = {"ticket_id": ticket_id, "staff": request.user}
            if action == "start":
                kwargs["desk_id"] = found.pk
            service_function(**kwargs)
            done = _(message)
    except UkaiError as exc:
        messages.error(request, exc.message)
        return back
    number = selectors.ticket_get(ticket_id=ticket_id).number
    messages.success(request, done % {"number": number})
    return back
