"""Operational endpoints: ``/healthz`` for load balancers, ``/metrics`` for Prometheus."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import metrics as metrics_module
from .health import health_check, health_gauges


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_check()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    body = metrics_module.metrics_render(gauges=health_gauges())
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")
