"""Prometheus metrics for ``/metrics``.

Request counters live in this process; with several gunicorn workers each
answers for itself unless ``PROMETHEUS_MULTIPROC_DIR`` is set, in which case
prometheus_client aggregates across them (``ukai_run`` sets it).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "ukai_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "ukai_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    LATENCY.labels(route=route).observe(seconds)


def metrics_render(*, gauges: dict[str, tuple[str, float]]) -> bytes:
    """Render this process's (or all workers') metrics plus point-in-time gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY as registry  # noqa: N811
    body = generate_latest(registry)
    extra = CollectorRegistry()
    for name, (help_text, value) in gauges.items():
        Gauge(name, help_text, registry=extra).set(value)
    return body + generate_latest(extra)
