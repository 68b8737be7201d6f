"""Signing staff in from tests: with Django's test client, and computing TOTP codes."""

from __future__ import annotations

import time
from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ukai.core.models import Staff


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code ``device`` accepts now (or ``steps_ahead`` 30-second steps later).

    A device refuses a code it has already accepted; the next sign-in in the same
    30 seconds can use ``steps_ahead=1`` (devices tolerate one step of drift).
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def staff_client_login(client: Any, staff: Staff) -> None:
    """Sign ``staff`` in on a Django test client, second factor included where it is due."""
    client.force_login(staff)
    device = TOTPDevice.objects.filter(user=staff, confirmed=True).first()
    if device is None and staff.requires_second_factor:
        device = TOTPDevice.objects.create(user=staff, name="テスト用認証アプリ", confirmed=True)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
