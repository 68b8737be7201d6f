"""CSV cells that are safe to open in a spreadsheet."""

from __future__ import annotations

# A cell starting with one of these runs as a formula in Excel (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """``value`` as CSV text that Excel shows rather than runs: a leading ``'`` before formula starts."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
