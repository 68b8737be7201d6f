"""Personal names: validation that keeps every character, and search keys that fold variants.

A stored name is never changed: 髙橋 stays 髙橋 and a variation selector stays
attached to its kanji, because the family register (戸籍) and the resident
register print exactly those characters. Search, on the other hand, must find
髙橋 when staff type 高橋, so it compares keys built by ``name_search_key``.
"""

from __future__ import annotations

import unicodedata

from .errors import JapaneseInputError

MAX_NAME_LENGTH = 100

# Variant kanji (異体字) that stand for the same name in practice, mapped to the
# common form. Conservative on purpose: only pairs that registers treat as the
# same character written differently. Pairs that are different names in
# practice stay apart: 龍/竜, 斉/斎 (齊 is the old form of 斉, 齋 that of 斎),
# 埼/崎, 芸/藝. CJK compatibility ideographs with a canonical decomposition
# (隆 U+F9DC, 塚 U+FA10…) are folded by NFKC and need no entry here; 﨑 U+FA11
# has none, so it is listed.
KANJI_VARIANTS: dict[str, str] = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "邉": "辺",
    "邊": "辺",
    "齋": "斎",
    "齊": "斉",
    "濵": "浜",
    "濱": "浜",
    "澤": "沢",
    "櫻": "桜",
    "國": "国",
    "廣": "広",
    "德": "徳",
    "冨": "富",
    "惠": "恵",
    "眞": "真",
    "實": "実",
    "藏": "蔵",
    "嶋": "島",
    "嶌": "島",
    "舘": "館",
    "槇": "槙",
    "𠮷": "吉",
    "黑": "黒",
    "瀧": "滝",
    "榮": "栄",
    "壽": "寿",
    "兒": "児",
    "條": "条",
    "萬": "万",
    "曾": "曽",
    "淺": "浅",
    "澁": "渋",
    "關": "関",
    "戶": "戸",
    "劍": "剣",
    "劒": "剣",
    "禮": "礼",
    "檜": "桧",
    "淵": "渕",
    "增": "増",
    "靜": "静",
    "驒": "騨",
    "蘆": "芦",
}
_VARIANT_TABLE = str.maketrans(KANJI_VARIANTS)
_KEY_MAX_ROUNDS = 8

# Characters that may not appear in a stored name: bidirectional overrides and
# marks (they can make a name display as something else); control characters,
# surrogates and line or paragraph separators are rejected by category.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REJECTED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _is_compatibility_ideograph(char: str) -> bool:
    code = ord(char)
    return 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F


def kanji_variant_fold(text: str) -> str:
    """Return ``text`` with variant kanji as their common forms, for matching and readings.

    Drops variation selectors (IVS and standardized), folds CJK compatibility
    ideographs through NFKC and applies ``KANJI_VARIANTS``; every other
    character is kept as it is.
    """
    chars = []
    for char in text:
        if _is_variation_selector(char):
            continue
        if _is_compatibility_ideograph(char):
            char = unicodedata.normalize("NFKC", char)
        chars.append(char)
    return "".join(chars).translate(_VARIANT_TABLE)


def _key_once(text: str) -> str:
    visible = "".join(
        c for c in text if not _is_variation_selector(c) and unicodedata.category(c) != "Cf"
    )
    normalized = unicodedata.normalize("NFKC", visible)
    return "".join(normalized.split()).casefold().translate(_VARIANT_TABLE)


def name_search_key(name: str) -> str:
    """Return the key under which a name is searched; never store it in place of the name.

    Variation selectors, invisible format characters and all whitespace
    (including the full-width space) are removed, text is NFKC-normalised
    (half-width kana, full-width Latin, compatibility ideographs) and
    case-folded, and the variant kanji of ``KANJI_VARIANTS`` take their common
    form, so ``髙橋　一郎`` and ``高橋一郎`` share a key. Building the key of a key
    changes nothing.
    """
    # NFKC can split a character into a space and a combining mark; removing
    # the space lets the next NFKC join the mark again, so repeat until stable.
    key = name
    for _ in range(_KEY_MAX_ROUNDS):
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


def names_match(a: str, b: str) -> bool:
    """Return whether two names have the same search key (髙橋 and 高橋 match)."""
    return name_search_key(a) == name_search_key(b)


def name_validate(text: str) -> str:
    """Return the name exactly as typed, without surrounding spaces, or raise ``JapaneseInputError``.

    Kanji are not normalised and variation selectors are kept. Empty input
    (``name_empty``), more than ``MAX_NAME_LENGTH`` characters
    (``name_too_long``) and control or bidirectional-override characters
    (``name_invalid_char``) are rejected.
    """
    name = text.strip()
    if not name:
        raise JapaneseInputError(
            code="name_empty",
            message_ja="氏名を入力してください。",
            message_en="Enter a name.",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise JapaneseInputError(
            code="name_too_long",
            message_ja=f"氏名は{MAX_NAME_LENGTH}文字以内で入力してください。",
            message_en=f"A name must be at most {MAX_NAME_LENGTH} characters long.",
        )
    for char in name:
        if char in _BIDI_CONTROLS or unicodedata.category(char) in _REJECTED_CATEGORIES:
            raise JapaneseInputError(
                code="name_invalid_char",
                message_ja=f"氏名に使えない文字が含まれています（U+{ord(char):04X}）。",
                message_en=f"The name contains a character that is not allowed (U+{ord(char):04X}).",
            )
    return name
