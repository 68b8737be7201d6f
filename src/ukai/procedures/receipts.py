"""Receipt numbers (受付番号) and the secrets of residents' links.

A receipt number is 11 random digits and a check digit, shown as
``1234-5678-9012``: easy to read out on the phone, and a mistyped digit (or two
swapped neighbours) is caught by the Damm check digit before anyone searches for it (docs/adr/0043).
It identifies a case but grants nothing: the status page needs the secret link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from django.conf import settings

RECEIPT_DIGITS = 12


# The Damm algorithm's quasigroup of order 10: one check digit catches every
# single wrong digit and every swap of two adjacent digits.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def _check_digit(body: str) -> str:
    """The Damm check digit of ``body``."""
    interim = 0
    for digit in body:
        interim = _DAMM[interim][int(digit)]
    return str(interim)


def receipt_number_new() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS - 1))
    number = body + _check_digit(body)
    return receipt_number_format(number)


def receipt_number_format(digits: str) -> str:
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}"


def receipt_number_normalize(text: str) -> str | None:
    """The canonical form of a receipt number typed by a person, or None if it cannot be one.

    Full-width digits, spaces and any dashes are accepted; the check digit must match.
    """
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
    if len(digits) != RECEIPT_DIGITS or not digits.isascii():
        return None
    if _check_digit(digits[:-1]) != digits[-1]:
        return None
    return receipt_number_format(digits)


def secret_new() -> tuple[str, str]:
    """A new link secret and the hash that is stored in its place."""
    secret = secrets.token_urlsafe(24)
    return secret, secret_hash(secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


# --- counter hand-over codes (ADR 0045) -------------------------------------------------------

HANDOVER_DIGITS = 9  # 8 random digits and a Damm check digit, shown as 1234-5678-9


def handover_code_new() -> str:
    """A new hand-over code: 8 random digits and their Damm check digit (9 digits, no dashes)."""
    body = "".join(secrets.choice("0123456789") for _ in range(HANDOVER_DIGITS - 1))
    return body + _check_digit(body)


def handover_code_format(digits: str) -> str:
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:]}"


def handover_code_normalize(text: str) -> str | None:
    """The 9 digits of a hand-over code as typed or scanned, or None if it cannot be one.

    Full-width digits, spaces and any dashes are accepted; the check digit must match.
    """
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text[:100]) if ch.isdigit())
    if len(digits) != HANDOVER_DIGITS or not digits.isascii():
        return None
    if _check_digit(digits[:-1]) != digits[-1]:
        return None
    return digits


def handover_code_hash(digits: str) -> str:
    """The keyed hash stored for a code: nine digits are too few for a plain hash to hide them."""
    key = hashlib.sha256(b"ukai-procedures-handover:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()
