"""Staff sign-in: password, then the TOTP second factor, then a session.

A correct password alone never yields a signed-in session when a second factor
is due. The staff member is only *pending* (their id in the session) until they
enter a code from their authenticator app, or — administrators without a
device — enrol one. Only then does ``django.contrib.auth.login`` run, so no view,
the Django admin or the API can be reached with half a login.

``staff_required`` guards every staff page: signed in, and verified with the
second factor whenever the member has a device or must have one.
"""

from __future__ import annotations

import functools
import time
import unicodedata
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlencode

from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .audit import audit_log
from .context import actor_current, actor_reset, actor_set
from .models import Staff

PENDING_SESSION_KEY = "ukai_login_pending"
ENROL_KEY_SESSION_KEY = "ukai_totp_enrol_key"
# A password step left unfinished for longer than this must be repeated.
PENDING_MAX_AGE_SECONDS = 5 * 60
TOTP_DEVICE_NAME = "認証アプリ"

SecondFactorState = Literal["ok", "verify", "enrol"]
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


# --- reading the state -----------------------------------------------------------


def staff_totp_device(*, staff: Staff) -> TOTPDevice | None:
    """The member's confirmed authenticator, if any."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=staff, confirmed=True).order_by("pk").first()
    )
    return device


def staff_second_factor_due(*, staff: Staff) -> SecondFactorState:
    """What a member who has just given the right password must still do."""
    if staff_totp_device(staff=staff) is not None:
        return "verify"
    if staff.requires_second_factor:
        return "enrol"
    return "ok"


def session_second_factor_state(request: HttpRequest) -> SecondFactorState:
    """For a signed-in member: is this session verified as far as it must be?"""
    user = request.user
    if not isinstance(user, Staff):
        return "ok"
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return "ok"
    return staff_second_factor_due(staff=user)


def safe_next_url(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` if it points into this site, else the staff home page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("core:staff_home")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


# --- the pending (password-only) state ---------------------------------------------


def login_pending_begin(request: HttpRequest, *, staff: Staff, next_url: str) -> None:
    # A fresh session id: the pending state must not ride on a session id that
    # existed before the password was checked.
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "staff_id": staff.pk,
        "backend": getattr(staff, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "since": time.time(),
    }


def login_pending_staff(request: HttpRequest) -> Staff | None:
    """The member who gave the right password and still owes a second factor."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("since", 0)) > PENDING_MAX_AGE_SECONDS:
        login_pending_clear(request)
        return None
    staff_id = pending.get("staff_id")
    staff = (
        Staff.objects.filter(pk=staff_id, is_active=True).first()
        if isinstance(staff_id, int)
        else None
    )
    if staff is None:
        login_pending_clear(request)
    return staff


def login_pending_next(request: HttpRequest) -> str:
    pending = request.session.get(PENDING_SESSION_KEY)
    candidate = pending.get("next") if isinstance(pending, dict) else None
    return safe_next_url(request, candidate)


def login_pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(ENROL_KEY_SESSION_KEY, None)


# --- completing or refusing a login -------------------------------------------------


def login_password_accepted(request: HttpRequest, *, staff: Staff, next_url: str) -> str:
    """The password was right: sign in, or send the member to the second factor.

    Returns the URL to go to next.
    """
    due = staff_second_factor_due(staff=staff)
    if due == "ok":
        login_complete(request, staff=staff, device=None, next_url=next_url)
        return next_url
    login_pending_begin(request, staff=staff, next_url=next_url)
    if due == "verify":
        return reverse("core:login_otp")
    return reverse("core:totp_enrol")


def login_complete(
    request: HttpRequest, *, staff: Staff, device: TOTPDevice | None, next_url: str = ""
) -> None:
    """Open the signed-in session (and record the verified device) and audit it."""
    pending = request.session.get(PENDING_SESSION_KEY)
    backend = pending.get("backend") if isinstance(pending, dict) else None
    if not request.user.is_authenticated or request.user.pk != staff.pk:
        auth.login(request, staff, backend=backend or getattr(staff, "backend", None))
    else:
        request.session.cycle_key()
    if device is not None:
        otp_login(request, device)
    login_pending_clear(request)
    _audit_as(
        staff=staff,
        username=staff.get_username(),
        action="login",
        purpose="ログイン（二要素認証）" if device is not None else "ログイン",
    )


def login_failure_record(request: HttpRequest, *, username: str, reason: str) -> None:
    """Audit a refused sign-in; ``username`` is what was typed (it may not exist)."""
    username = username[:150]
    staff = Staff.objects.filter(username=username).first() if username else None
    _audit_as(staff=None, username=username, action="login_failed", purpose=reason, target=staff)


def logout_staff(request: HttpRequest) -> None:
    user = request.user
    if isinstance(user, Staff):
        _audit_as(staff=user, username=user.get_username(), action="logout", purpose="ログアウト")
    auth.logout(request)


def _audit_as(
    *,
    staff: Staff | None,
    username: str,
    action: str,
    purpose: str,
    target: Staff | None = None,
) -> None:
    # The login view runs before anyone is signed in, so the request's actor is
    # anonymous: name the member (or the name that was typed) explicitly.
    target = target or staff
    token = actor_set(
        replace(
            actor_current(),
            staff_id=staff.pk if staff is not None else None,
            username=username,
            role=staff.role if staff is not None else "",
        )
    )
    try:
        audit_log(
            action=action,
            object_type="core.staff",
            object_id=target.pk if target is not None else "",
            fields=[],
            purpose=purpose,
        )
    finally:
        actor_reset(token)


# --- the second factor ----------------------------------------------------------------


def totp_token_normalize(raw: str) -> str:
    """Full-width digits and separators are accepted: ``１２３ ４５６`` → ``123456``."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in text if ch not in " -\u3000\t")


def totp_verify(*, staff: Staff, device: TOTPDevice, token: str) -> bool:
    return otp_verify_token(staff, device.persistent_id, token) is not None


def totp_throttle_seconds(*, device: TOTPDevice) -> int:
    """Seconds until the device accepts another code after repeated wrong ones (0: now)."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds()) + 1)


def totp_enrol_key(request: HttpRequest) -> str:
    """The secret offered for enrolment, kept in the session until it is confirmed."""
    key = request.session.get(ENROL_KEY_SESSION_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = random_hex(20)
        request.session[ENROL_KEY_SESSION_KEY] = key
    return key


def totp_secret_base32(key_hex: str) -> str:
    return b32encode(unhexlify(key_hex)).decode("ascii").rstrip("=")


def totp_config_url(*, staff: Staff, key_hex: str, issuer: str) -> str:
    """The ``otpauth://`` URL authenticator apps read from the QR code."""
    issuer = issuer.replace(":", "")
    label = quote(f"{issuer}:{staff.get_username()}")
    params = urlencode(
        {
            "secret": totp_secret_base32(key_hex),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": 6,
            "period": 30,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def totp_enrol_confirm(request: HttpRequest, *, staff: Staff, token: str) -> TOTPDevice | None:
    """Check the first code from the new authenticator; store the device if it is right."""
    key_hex = totp_enrol_key(request)
    totp = TOTP(unhexlify(key_hex), step=30, digits=6)
    totp.time = time.time()
    try:
        code = int(token)
    except ValueError:
        return None
    if not totp.verify(code, tolerance=1):
        return None
    device = TOTPDevice.objects.create(
        user=staff,
        name=TOTP_DEVICE_NAME,
        key=key_hex,
        confirmed=True,
        drift=totp.drift,
        # The code just used cannot be replayed at the next sign-in.
        last_t=totp.t(),
    )
    request.session.pop(ENROL_KEY_SESSION_KEY, None)
    _audit_as(
        staff=staff,
        username=staff.get_username(),
        action="create",
        purpose="二要素認証（認証アプリ）の登録",
    )
    return device


def session_device_verified(request: HttpRequest, *, device: TOTPDevice) -> None:
    """Mark the current signed-in session as verified with ``device``."""
    request.session.cycle_key()
    otp_login(request, device)


# --- the decorator ---------------------------------------------------------------------


def staff_required(view: Callable[..., ResponseT]) -> Callable[..., HttpResponseBase]:
    """Signed in as active staff, and verified with the second factor when it is due."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated or not isinstance(user, Staff) or not user.is_active:
            return redirect_to_login(request.get_full_path(), resolve_url("core:login"))
        state = session_second_factor_state(request)
        if state == "verify":
            return HttpResponseRedirect(_with_next("core:login_otp", request.get_full_path()))
        if state == "enrol":
            return HttpResponseRedirect(_with_next("core:totp_enrol", request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
