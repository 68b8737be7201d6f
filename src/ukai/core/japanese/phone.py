"""Japanese telephone numbers: normalising to digits and formatting with hyphens."""

from __future__ import annotations

import re
import unicodedata

from .errors import JapaneseInputError

MAX_INPUT_LENGTH = 30

_SEPARATORS = "-‐‑‒–—―−ー─━﹣().・"
_SEPARATOR_TABLE = str.maketrans(dict.fromkeys(_SEPARATORS, ""))
_DIGITS = re.compile(r"[0-9]+")

# Mobile (070/080/090), IP (050), M2M (020) and FMC (060) numbers have 11 digits.
_ELEVEN_DIGIT_PREFIXES = ("020", "050", "060", "070", "080", "090")
# Non-geographic numbers formatted 4-3-3 (10 digits) or 4-3-4 (0800, 11 digits).
_SERVICE_PREFIXES_10 = ("0120", "0570", "0180")
_FREE_DIAL_0800 = "0800"

# Area code (市外局番) lengths for fixed lines, matched by longest prefix.
# The table is partial: it covers Tokyo, Osaka, some large cities and Gifu
# Prefecture. Numbers it does not cover are shown 3-3-4, which is right for
# many areas but not all; the digits themselves are always kept exactly.
_AREA_CODE_LENGTHS: dict[str, int] = {
    "03": 2,  # Tokyo 23 wards
    "06": 2,  # Osaka
    "011": 3,  # Sapporo
    "045": 3,  # Yokohama
    "052": 3,  # Nagoya
    "058": 3,  # Gifu, Kakamigahara, Hashima, Motosu
    "075": 3,  # Kyoto
    "078": 3,  # Kobe
    "092": 3,  # Fukuoka
    "0920": 4,  # Iki
    "0572": 4,  # Tajimi, Toki, Mizunami
    "0573": 4,  # Nakatsugawa, Ena
    "0574": 4,  # Minokamo, Kani
    "0575": 4,  # Seki, Mino, Gujo
    "0576": 4,  # Gero
    "05769": 5,  # Shirakawa-go
    "0577": 4,  # Takayama, Hida
    "0578": 4,  # Kamioka
    "0581": 4,  # Yamagata (Gifu)
    "0584": 4,  # Ogaki
    "0585": 4,  # Ibigawa, Ikeda
    "0586": 4,  # Ichinomiya (Aichi)
    "0587": 4,  # Inazawa (Aichi)
}
_DEFAULT_AREA_CODE_LENGTH = 3


def _format_error(message_ja: str, message_en: str) -> JapaneseInputError:
    return JapaneseInputError(code="phone_format", message_ja=message_ja, message_en=message_en)


def _expected_length(digits: str) -> int:
    if digits.startswith(_FREE_DIAL_0800) or digits.startswith(_ELEVEN_DIGIT_PREFIXES):
        return 11
    return 10


def phone_normalize(text: str) -> str:
    """Return a Japanese telephone number as ASCII digits: ``(058) 265-4141`` → ``0582654141``.

    Accepts full-width characters, spaces, hyphens, parentheses and the
    international form ``+81 58-265-4141``. Fixed lines, 0120, 0570 and 0180
    numbers have 10 digits; mobile (070/080/090), 050, 020, 060 and 0800
    numbers have 11. Bad input raises ``JapaneseInputError`` (``phone_format``).
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise _format_error(
            "電話番号が長すぎます。", f"A phone number is at most {MAX_INPUT_LENGTH} characters."
        )
    cleaned = "".join(unicodedata.normalize("NFKC", text).split())
    if not cleaned:
        raise _format_error("電話番号を入力してください。", "Enter a phone number.")
    if cleaned.startswith("+81"):
        # "+81 58-…", "+81 (0)58-…" and "+81 058-…" all mean 058-….
        national = cleaned[3:].translate(_SEPARATOR_TABLE)
        cleaned = "0" + national.removeprefix("0")
    digits = cleaned.translate(_SEPARATOR_TABLE)
    shown = text.strip()
    if not _DIGITS.fullmatch(digits):
        raise _format_error(
            f"「{shown}」は電話番号として読み取れません。数字とハイフンで入力してください。",
            f"“{shown}” is not a phone number; use digits and hyphens.",
        )
    if not digits.startswith("0") or digits.startswith("00"):
        raise _format_error(
            "電話番号は0から始まる国内の番号で入力してください（例：058-265-4141）。",
            "Enter a Japanese number starting with 0 (e.g. 058-265-4141), or +81.",
        )
    expected = _expected_length(digits)
    if len(digits) != expected:
        raise _format_error(
            f"{digits[:3]}で始まる電話番号は{expected}桁です（入力は{len(digits)}桁）。",
            f"A number starting {digits[:3]} has {expected} digits, not {len(digits)}.",
        )
    return digits


def _area_code_length(digits: str) -> int:
    for length in range(5, 1, -1):
        known = _AREA_CODE_LENGTHS.get(digits[:length])
        if known is not None:
            return known
    return _DEFAULT_AREA_CODE_LENGTH


def phone_format(digits: str) -> str:
    """Return a telephone number with hyphens: ``058-265-4141``, ``090-1234-5678``.

    Mobile, 050, 020 and 060 numbers are shown 3-4-4, 0120/0570/0180 numbers
    4-3-3, 0800 numbers 4-3-4, and fixed lines split after the area code
    (市外局番) from a partial table, defaulting to 3-3-4. Accepts anything
    ``phone_normalize`` accepts.
    """
    number = phone_normalize(digits)
    if number.startswith(_FREE_DIAL_0800):  # before 080, which it starts with
        return f"{number[:4]}-{number[4:7]}-{number[7:]}"
    if number.startswith(_ELEVEN_DIGIT_PREFIXES):
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if number.startswith(_SERVICE_PREFIXES_10):
        return f"{number[:4]}-{number[4:7]}-{number[7:]}"
    area = _area_code_length(number)
    # The subscriber number is always four digits; the local exchange takes the rest.
    return f"{number[:area]}-{number[area:6]}-{number[6:]}"
