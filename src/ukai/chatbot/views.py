"""The chatbot's public page: works without JavaScript (form POST → answer rendered)."""

from __future__ import annotations

import contextlib

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ukai.core.errors import UkaiError

from . import selectors, services
from .departments import department_name
from .forms import FeedbackForm, HandOffForm, QuestionForm


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {
        "form": form,
        "feedback": request.GET.get("feedback") == "thanks",
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.client_rate_limit(client_address=request.META.get("REMOTE_ADDR", ""))
            answer = services.faq_answer(
                question=form.cleaned_data["question"],
                conversation_id=form.cleaned_data["conversation_id"],
            )
        except UkaiError as error:
            form.add_error("question", error.message)
            status = error.status
        else:
            context["answer"] = answer
            if not answer.answered and answer.message_id is not None:
                context["handoff_form"] = HandOffForm(initial={"message_id": answer.message_id})
            form = QuestionForm(
                initial={
                    "conversation_id": answer.conversation_id,
                    "furigana": form.cleaned_data["furigana"],
                }
            )
            context["form"] = form
            context["furigana"] = form.initial["furigana"]
    elif request.method == "POST":
        status = 400
    return render(request, "chatbot/home.html", context, status=status)


@require_POST
def feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if form.is_valid():
        # An unknown answer: thank them all the same; nothing is stored.
        with contextlib.suppress(UkaiError):
            services.message_feedback(
                message_id=form.cleaned_data["message_id"], helpful=form.cleaned_data["helpful"]
            )
    return HttpResponseRedirect(reverse("chatbot:home") + "?feedback=thanks#chatbot-result")


@require_GET
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get_public(entry_id=entry_id)
    if entry is None:
        raise Http404
    return render(
        request,
        "chatbot/entry.html",
        {
            "entry": entry,
            "furigana": request.GET.get("furigana") == "1",
            "department_name": department_name(entry.department),
            "procedures": services.entry_procedure_links(entry=entry),
        },
    )


@require_POST
def hand_off(request: HttpRequest) -> HttpResponse:
    """File the inquiry in the department's inbox and show the receipt number.

    The page is rendered, not redirected to: the chatbot keeps no session or cookie,
    and the receipt number does not belong in a URL.
    """
    form = HandOffForm(request.POST)
    if not form.is_valid():
        return render(request, "chatbot/handoff.html", {"form": form}, status=400)
    try:
        services.handoff_rate_limit(client_address=request.META.get("REMOTE_ADDR", ""))
        handoff = services.message_hand_off(
            message_id=form.cleaned_data["message_id"],
            contact=form.cleaned_data["contact"],
            details=form.cleaned_data["details"],
            name=form.cleaned_data["name"],
            status_link=lambda secret: request.build_absolute_uri(
                reverse("procedures:status", args=[secret])
            ),
        )
    except UkaiError as error:
        form.add_error(error.field or None, error.message)
        return render(request, "chatbot/handoff.html", {"form": form}, status=error.status)
    return render(
        request,
        "chatbot/handoff_done.html",
        {"handoff": handoff, "department_name": department_name(handoff.department)},
    )
