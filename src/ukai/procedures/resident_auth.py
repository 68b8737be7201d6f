"""How a resident proves who they are before applying, as plugins (docs/procedures.md).

``email-link`` is built in and always available: the resident receives a link that both
confirms the address and opens the application (assurance ``email``).

``ResidentAuth`` is the interface a My Number card (JPKI, 公的個人認証) plugin implements.
No Python library speaks JPKI, and Ukai does not pretend to: a city connects its
authentication platform (a J-LIS certified gateway, or the Digital Agency's service) in a
plugin that

1. ``start(request, procedure)`` — redirects the resident to the platform (or returns a page
   that starts the card reader app);
2. ``complete(request)`` — verifies the platform's answer and returns a ``ResidentIdentity``
   with the verified 4 items (name, address, birth date, sex) and the certificate's serial;
3. ``sign(data)`` — optionally returns a detached signature over the submitted answers.

The procedures module then creates the draft with ``assurance="jpki"`` (prefilling the four
items) and records the assurance level on the case. Configure with
``UKAI_PROCEDURES_RESIDENT_AUTH = [{"engine": "jpki-gateway", "options": {...}}]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from ukai.core.plugins import Plugin, Registry

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from .models import Procedure


@dataclass(frozen=True)
class ResidentIdentity:
    """What an authentication platform vouches for (JPKI's 基本4情報 and the certificate)."""

    assurance: str
    name: str = ""
    address: str = ""
    birth_date: str = ""
    sex: str = ""
    certificate_serial: str = ""
    email: str = ""


class ResidentAuth(Plugin):
    """A way for residents to prove who they are. ``label`` is shown on the start page."""

    label = ""
    assurance = ""

    def start(self, request: HttpRequest, procedure: Procedure) -> HttpResponse:
        raise NotImplementedError

    def complete(self, request: HttpRequest) -> ResidentIdentity:
        raise NotImplementedError

    def sign(self, data: bytes) -> bytes | None:
        """A detached signature over ``data`` (the submitted answers), when the method signs."""
        return None


resident_auth_registry: Registry[ResidentAuth] = Registry("procedures_resident_auth")


@resident_auth_registry.register("email-link")
class EmailLinkAuth(ResidentAuth):
    """The built-in method: the link sent by e-mail (views.apply_start and views.resume)."""

    verbose_name = "メールアドレスの確認（リンク）"
    label = "メールアドレスで申請する"
    assurance = "email"


def resident_auth_methods() -> list[ResidentAuth]:
    """The configured methods besides the e-mail link (which is always offered)."""
    configured: list[dict[str, Any]] = getattr(settings, "UKAI_PROCEDURES_RESIDENT_AUTH", [])
    return [
        resident_auth_registry.plugin_class(entry["engine"])(**entry.get("options", {}))
        for entry in configured
        if entry["engine"] != "email-link"
    ]
