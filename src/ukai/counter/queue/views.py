"""The public calling board: numbers and desk numbers only, updated without reloading."""

from __future__ import annotations

import json
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from . import selectors

# Seconds between the board's requests; the ETag keeps an unchanged answer to a 304.
BOARD_POLL_SECONDS = 3
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
_MAX_DEPARTMENTS = 20


def _departments(request: HttpRequest) -> set[str] | None:
    """``?departments=shimin,kodomo-shien``: the departments this board shows (None: all)."""
    raw = request.GET.get("departments", "")
    codes = {c.strip() for c in raw.split(",") if _CODE.match(c.strip())}
    return set(sorted(codes)[:_MAX_DEPARTMENTS]) or None


def _no_store(response: HttpResponse) -> HttpResponse:
    # Revalidate every time (the ETag makes that cheap); never serve a stale board.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    departments = _departments(request)
    state = selectors.board_state(department_codes=departments)
    query = f"?departments={','.join(sorted(departments))}" if departments else ""
    context = {
        "state": state,
        "etag": selectors.board_etag(state),
        "json_url": reverse("counter_queue:board_json") + query,
        "poll_seconds": BOARD_POLL_SECONDS,
        "seen_calls": json.dumps([c["call_id"] for c in state["called"]]),
    }
    return _no_store(render(request, "counter_queue/board.html", context))


@require_GET
def board_json(request: HttpRequest) -> HttpResponse:
    state = selectors.board_state(department_codes=_departments(request))
    etag = selectors.board_etag(state)
    if etag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(state, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    return _no_store(response)
