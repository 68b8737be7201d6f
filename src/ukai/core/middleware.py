"""Request id, actor context and request metrics."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import replace

from django.http import HttpRequest, HttpResponse

from . import metrics
from .context import ActorContext, actor_current, actor_reset, actor_set
from .errors import problem_response
from .validators import CONTROL_CHARACTERS

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request: HttpRequest) -> str | None:
    # The proxy in front of Ukai sets X-Forwarded-For; REMOTE_ADDR is the proxy
    # itself then. Only the first hop is meaningful for the audit log.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Give every request an id (or keep the proxy's) and set the actor context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = actor_set(ActorContext(ip_address=client_ip(request), request_id=request_id))
        try:
            response = self.get_response(request)
        finally:
            actor_reset(token)
        response["X-Request-ID"] = request_id
        return response


def actor_from_request(request: HttpRequest) -> None:
    """Record the signed-in staff member in the actor context."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        actor_set(
            replace(
                actor_current(),
                staff_id=user.pk,
                username=user.get_username(),
                role=getattr(user, "role", ""),
            )
        )


class MetricsMiddleware:
    """Count requests and time them for ``/metrics``; also fills in the actor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor_from_request(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "unmatched"
        metrics.observe_request(
            method=request.method or "GET",
            route=route or "/",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response


def _has_forbidden_controls(request: HttpRequest) -> bool:
    if CONTROL_CHARACTERS.search(request.path):
        return True
    for values in request.GET.lists():
        if any(CONTROL_CHARACTERS.search(v) for v in [values[0], *values[1]]):
            return True
    # Only url-encoded forms are read here: a multipart body may be a large
    # upload that its view must be able to refuse before reading it (its text
    # fields still meet Django's own refusal of NUL in form fields).
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        for key, items in request.POST.lists():
            if CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in items):
                return True
    return False


class RejectControlCharactersMiddleware:
    """Refuse requests whose text carries control characters, before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_forbidden_controls(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return problem_response(
                status=400,
                code="control_characters",
                detail="入力に制御文字（NUL など）が含まれています。文字だけを送ってください。",
                detail_en="The input contains control characters (such as NUL). Send text only.",
            )
        # Both languages: the page that sent this may not be the reader's language.
        message = (
            "入力に使えない文字（制御文字）が含まれています。入力内容を確認してください。\n"
            "The input contains control characters that cannot be used. Please check it."
        )
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
