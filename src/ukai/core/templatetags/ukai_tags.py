"""Template tags of Ukai's layout: languages, the municipality's name, staff links, QR codes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django import template
from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext, override
from django.utils.translation import gettext_lazy as _

from ukai.core import access
from ukai.core.models import Municipality, Role, Staff

register = template.Library()

# A string every complete catalogue translates: a language whose catalogue has
# no translation for it yet is not offered (its pages would be Japanese).
_CATALOGUE_PROBE = "本文へ移動"
SOURCE_LANGUAGE = "ja"


@functools.cache
def language_is_ready(code: str) -> bool:
    if code == SOURCE_LANGUAGE:
        return True
    with override(code):
        return gettext(_CATALOGUE_PROBE) != _CATALOGUE_PROBE


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name_local: str
    current: bool


@register.simple_tag
def offered_languages() -> list[LanguageChoice]:
    """The languages whose interface is translated, in the order of ``LANGUAGES``."""
    current = page_language()
    choices = []
    for code, _name in settings.LANGUAGES:
        if language_is_ready(code):
            info = get_language_info(code)
            choices.append(LanguageChoice(code, info["name_local"], code == current))
    return choices


@register.simple_tag
def page_language() -> str:
    """The language the page is written in: the active one if it is translated, else Japanese.

    Used for ``<html lang>``: a screen reader must not read Japanese text with,
    say, a Chinese voice because a browser asked for Chinese first.
    """
    active = get_language() or SOURCE_LANGUAGE
    return active if language_is_ready(active) else SOURCE_LANGUAGE


@register.simple_tag
def municipality_name(municipality: Municipality | None) -> str:
    """The municipality's name in the page's language; "Ukai" when none is configured."""
    if municipality is None:
        return "Ukai"
    if page_language() != SOURCE_LANGUAGE and municipality.name_en:
        return municipality.name_en
    return municipality.name


@dataclass(frozen=True)
class StaffLink:
    key: str
    label: Any
    description: Any
    url: str


def module_staff_links(staff: Staff) -> list[StaffLink]:
    """Each installed module's staff page, declared on its AppConfig.

    A module sets ``ukai_staff_page = ("url name", label, description)`` and,
    optionally, ``ukai_staff_roles`` (the roles shown the link; all staff when
    unset). The page itself still checks permissions; the core imports nothing
    of the module.
    """
    links = []
    for config in apps.get_app_configs():
        page = getattr(config, "ukai_staff_page", None)
        if page is None:
            continue
        roles = getattr(config, "ukai_staff_roles", None)
        if roles is not None and not (staff.is_superuser or staff.role in roles):
            continue
        url_name, label, description = page
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append(StaffLink(config.label, label, description, url))
    return links


@register.simple_tag
def public_widgets() -> list[str]:
    """Templates that installed modules show on every public page.

    A module sets ``ukai_public_widget = "<module>/includes/….html"`` on its
    AppConfig (the chatbot's question box, for instance); the core imports
    nothing of the module.
    """
    return [
        widget
        for config in apps.get_app_configs()
        if (widget := getattr(config, "ukai_public_widget", None))
    ]


@register.simple_tag
def staff_links(staff: Staff) -> list[StaffLink]:
    """The staff pages this member may open, for the staff navigation and home page."""
    links = [
        StaffLink(
            "staff_home",
            _("職員トップ"),
            _("ログイン中の職員の情報と、使える機能の一覧です。"),
            reverse("core:staff_home"),
        ),
        StaffLink(
            "staff_profile",
            _("自分の職員情報"),
            _("氏名、役割、所属、メールアドレスを確認できます。"),
            reverse("core:staff_profile", kwargs={"staff_id": staff.pk}),
        ),
        StaffLink(
            "totp_enrol",
            _("二要素認証の設定"),
            _("ログイン時に確認コードを使う認証アプリを登録します。"),
            reverse("core:totp_enrol"),
        ),
    ]
    links += module_staff_links(staff)
    if access.staff_can_read_audit_log(staff=staff):
        links.append(
            StaffLink(
                "audit_log",
                _("監査ログ"),
                _("個人情報の閲覧・更新やログインの記録を検索し、CSVで出力できます。"),
                reverse("core:audit_log"),
            )
        )
    if access.staff_can_administer(staff=staff):
        links.append(
            StaffLink(
                "tasks",
                _("タスクの状況"),
                _(
                    "バックグラウンド処理の待機・実行・失敗の状況と、ワーカーの稼働状況を確認できます。"
                ),
                reverse("core:tasks"),
            )
        )
        links.append(
            StaffLink(
                "admin",
                _("管理サイト"),
                _("職員アカウントや所属などのデータを管理します（Django管理サイト）。"),
                reverse("admin:index"),
            )
        )
    return links


_SVG_OPEN = re.compile(r"<svg\b")


@register.simple_tag
def qr_svg(data: str, label: str) -> SafeString:
    """A QR code as inline SVG (no image request, works offline), named for screen readers."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
    )
    svg: str = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg") :]
    svg = _SVG_OPEN.sub(
        f'<svg role="img" aria-label="{escape(label)}" class="qr-code" focusable="false"',
        svg,
        count=1,
    )
    return mark_safe(svg)  # noqa: S308 - generated by qrcode from our own data; label escaped


@register.filter
def group_by(value: str, size: int = 4) -> str:
    """``ABCDEFGH`` → ``ABCD EFGH``: long secrets are easier to copy in groups."""
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


@register.simple_tag
def page_numbers(page: Any) -> list[int | str]:
    """Page numbers around the current page, with ellipses (``Paginator.ELLIPSIS``)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def role_label(code: str) -> str:
    """A role's name from its stored code (the audit log keeps the code as it was)."""
    return str(dict(Role.choices).get(code, code))


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)
