"""Small trend charts as inline SVG, drawn on the server (no JavaScript chart library).

Each chart is ``role="img"`` with a text alternative; the pages put the same numbers in
a table beside it, so nothing is only visible in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 160
HEIGHT = 40
PAD = 4


def sparkline(
    points: Sequence[float | None],
    *,
    label: str,
    maximum: float | None = None,
    minimum: float = 0.0,
    target: float | None = None,
) -> SafeString:
    """A polyline over ``points`` (None = not measured: a gap), with an optional target line."""
    values = [p for p in points if p is not None]
    if not values:
        return format_html('<span class="plan-chart-empty">{}</span>', gettext("推移：未計測"))
    top = max([*values, target or 0.0, maximum or 0.0, minimum + 1e-9])
    bottom = min([*values, minimum])
    span = (top - bottom) or 1.0
    count = max(len(points) - 1, 1)

    def x(index: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * index / count

    def y(value: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - bottom) / span

    segments: list[list[str]] = [[]]
    dots = []
    for index, value in enumerate(points):
        if value is None:
            segments.append([])
            continue
        segments[-1].append(f"{x(index):.1f},{y(value):.1f}")
        dots.append(f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="2"/>')
    lines = "".join(
        f'<polyline points="{" ".join(segment)}" fill="none" stroke="currentColor" stroke-width="2"/>'
        for segment in segments
        if len(segment) > 1
    )
    target_line = ""
    if target is not None:
        ty = y(target)
        target_line = (
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{ty:.1f}" y2="{ty:.1f}" '
            'stroke="currentColor" stroke-dasharray="3 3" stroke-width="1" opacity="0.7"/>'
        )
    body = f'<g class="plan-chart__line">{target_line}{lines}{"".join(dots)}</g>'
    return format_html(
        '<svg class="plan-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" '
        'height="{}" focusable="false">{}</svg>',
        label,
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        mark_safe(body),  # noqa: S308 - numbers we formatted ourselves
    )
