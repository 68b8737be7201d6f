"""The life events' English beside the Japanese (``name_en``, ``label_en``, ``reasons_en`` …).

Any language but Japanese shows the English text, as the procedures' pages do;
an empty translation falls back to the Japanese. ``localized`` reads the field
from a model, a pydantic spec (``Question``, ``Choice``) or a dict (a visit's
procedure rows)::

    {% load counter_i18n %}{{ q|localized:"label" }} {{ row|localized:"reasons" }}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


def english() -> bool:
    """True when the page is shown in a language other than Japanese."""
    return not (get_language() or "ja").startswith("ja")


def _read(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def localized_value(obj: Any, field: str) -> Any:
    """``obj``'s ``field`` in the active language: ``<field>_en`` when English and not empty."""
    if english():
        translated = _read(obj, f"{field}_en")
        if translated:
            return translated
    value = _read(obj, field)
    return "" if value is None else value


@register.filter
def localized(obj: Any, field: str) -> Any:
    return localized_value(obj, field)


@register.filter
def localized_message(error: Any) -> str:
    """An error's ``message_en`` when English (and not empty), else its ``message_ja``."""
    message_en: str = getattr(error, "message_en", "") or ""
    if english() and message_en:
        return message_en
    return str(getattr(error, "message_ja", "") or "")
