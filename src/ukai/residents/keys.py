"""Search keys for resident records: built once on import, stored in indexed columns.

Plain Python (no Django). A key is only ever compared with another key; the
displayed name, reading and address stay exactly as the core system recorded
them (variant kanji and IVS included).

- names: ``core.japanese.names.name_search_key`` — IVS and other variation
  selectors stripped, NFKC, whitespace removed, and the small folding table
  ``KANJI_VARIANTS`` (髙→高, 﨑→崎, 邊/邉→辺, 齋→斎, 𠮷→吉 …).
- readings: ``core.japanese.kana.kana_fold`` — hiragana and half-width kana become
  full-width katakana, spaces and ・ go.
- addresses: NFKC, variant folding, hyphen look-alikes as ``-``, the city's own
  prefecture and city names dropped from the front, whitespace removed.
"""

from __future__ import annotations

import re
import unicodedata

from ukai.core.japanese.kana import kana_fold
from ukai.core.japanese.names import kanji_variant_fold, name_search_key

# Dropped from the front of an address key, so that 「岐阜市長良」 and 「長良」 both
# find the residents of 長良. Records hold only this city's residents.
ADDRESS_PREFIXES = ("岐阜県", "岐阜市")
_HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−─━－", "-"))
_KANA_ONLY = re.compile(r"[\u30a1-\u30fa\u30fc]+")
# The largest code point: a prefix range [key, key + _TOP) holds every key starting with key.
PREFIX_TOP = "\U0010ffff"


def name_key(text: str) -> str:
    """The key of a name (氏名): ``髙橋　一郎`` and ``高橋一郎`` share ``高橋一郎``."""
    return name_search_key(text)


def kana_key(text: str) -> str:
    """The key of a reading: ``たかはし いちろう`` → ``タカハシイチロウ``."""
    return kana_fold(text).replace("・", "")


def is_kana_query(text: str) -> bool:
    """Whether a search text is a reading (kana only) rather than a written name."""
    key = kana_key(text)
    return bool(key) and _KANA_ONLY.fullmatch(key) is not None


def address_key(text: str) -> str:
    """The key of an address: ``岐阜市長良１２３－４`` → ``長良123-4``."""
    # NFKC can split a character into a space and a combining mark; removing the
    # space lets the next NFKC join them again, so repeat until stable.
    key = text
    for _ in range(8):
        again = _address_key_once(key)
        if again == key:
            break
        key = again
    return key


def _address_key_once(text: str) -> str:
    folded = kanji_variant_fold(unicodedata.normalize("NFKC", text))
    key = "".join(folded.split())
    # ー is a hyphen only between digits; elsewhere it is a long vowel (ハイツ名など).
    key = re.sub(r"(?<=\d)[‐‑‒–—―−ーｰ─━－](?=\d)", "-", key).translate(_HYPHENS)
    for prefix in ADDRESS_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key
