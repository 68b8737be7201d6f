"""Rendering an answer: plain text, escaped, with its URLs as links (docs/adr/0030)."""

from __future__ import annotations

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

from ukai.chatbot.departments import department_name
from ukai.chatbot.furigana import furigana_html

register = template.Library()


@register.filter
def answer_html(text: str) -> SafeString:
    """Escape everything, link http(s) URLs, keep line breaks."""
    linked = urlize(text, nofollow=True, autoescape=True)  # escapes all but the links it makes
    return mark_safe("<br>".join(linked.splitlines()))  # noqa: S308 - escaped by urlize


@register.filter
def answer_furigana_html(text: str) -> SafeString:
    """``answer_html`` with readings over the kanji (the 「ふりがな」 option)."""
    return mark_safe(furigana_html(text))  # noqa: S308 - every piece is escaped


@register.filter
def department_label(code: str) -> str:
    return department_name(code)
