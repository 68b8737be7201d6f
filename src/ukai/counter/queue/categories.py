"""Ticket categories: the life events reception chooses from, each with its number prefix.

A ticket's number is the category's prefix letter and a running number per day
(``A-012``). The counter module passes its own life-event codes; a code that is
not listed here is numbered with the prefix of ``other``. A deployment may replace
the list with the ``UKAI_COUNTER_QUEUE_CATEGORIES`` setting (same shape).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OTHER = "other"


@dataclass(frozen=True)
class Category:
    code: str
    label: str | Promise
    prefix: str


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("moving_in", _("転入"), "A"),
    Category("moving_out", _("転出"), "B"),
    Category("moving_within", _("転居"), "C"),
    Category("birth", _("出生"), "D"),
    Category("death", _("おくやみ"), "E"),
    Category("marriage", _("婚姻"), "F"),
    Category("divorce", _("離婚"), "G"),
    Category("pregnancy", _("妊娠"), "H"),
    Category(OTHER, _("その他"), "Z"),
)


def category_list() -> tuple[Category, ...]:
    """The categories reception offers, in display order."""
    configured = getattr(settings, "UKAI_COUNTER_QUEUE_CATEGORIES", None)
    return tuple(configured) if configured else DEFAULT_CATEGORIES


def category_get(code: str) -> Category | None:
    return next((c for c in category_list() if c.code == code), None)


def category_prefix(code: str) -> str:
    """The number prefix for a category code; unknown codes share ``other``'s."""
    found = category_get(code) or category_get(OTHER)
    return found.prefix if found is not None else "Z"


def first_department_code() -> str:
    """The department of the one-stop counter, where every ticket starts (市民課)."""
    return str(getattr(settings, "UKAI_COUNTER_QUEUE_FIRST_DEPARTMENT", "shimin"))
