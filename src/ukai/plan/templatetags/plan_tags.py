from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]``, or an empty string."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def phase_cells(row: Any, years: list[int]) -> list[tuple[int, str]]:
    cells: list[tuple[int, str]] = row.phase_cells(years)
    return cells
