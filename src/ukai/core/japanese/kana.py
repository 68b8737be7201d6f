"""Kana conversion, search folding and フリガナ validation."""

from __future__ import annotations

import re
import unicodedata

import jaconv

from .errors import JapaneseInputError

MAX_READING_LENGTH = 100

# Full-width katakana ァ..ヺ (small kana and ヴ included), the middle dot and ー.
_KATAKANA = "\u30a1-\u30fa"
_READING_CHARS = rf"{_KATAKANA}\u30fb\u30fc \u3000"
_READING_PATTERN = re.compile(rf"[{_READING_CHARS}]*[{_KATAKANA}][{_READING_CHARS}]*")
_NOT_READING_CHAR = re.compile(rf"[^{_READING_CHARS}]")
_FOLD_MAX_ROUNDS = 8


def to_katakana(text: str) -> str:
    """Return ``text`` with hiragana and half-width katakana as full-width katakana.

    Other characters (kanji, Latin letters, digits) are left as they are.
    """
    return str(jaconv.hira2kata(jaconv.h2z(text, kana=True, ascii=False, digit=False)))


def to_hiragana(text: str) -> str:
    """Return ``text`` with katakana (full- or half-width) as hiragana.

    Katakana without a hiragana form (ヷ, ヸ, ヹ, ヺ) and other characters are kept.
    """
    return str(jaconv.kata2hira(jaconv.h2z(text, kana=True, ascii=False, digit=False)))


def _fold_once(text: str) -> str:
    normalized = unicodedata.normalize("NFKC", text)
    return str(jaconv.hira2kata("".join(normalized.split())))


def kana_fold(text: str) -> str:
    """Return a search key in which kana spelling differences disappear.

    NFKC (half-width katakana and full-width Latin become their usual forms),
    hiragana becomes katakana and whitespace is removed; small kana (ァ, ッ, ャ…),
    ー and ヴ are kept, because they change the word. Folding twice changes nothing.
    """
    # NFKC can turn a lone ゛ into a space and a combining mark, and removing
    # the space lets the next NFKC join the mark to its kana: repeat until stable.
    folded = text
    for _ in range(_FOLD_MAX_ROUNDS):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


def is_katakana_reading(text: str) -> bool:
    """Return whether ``text`` is a valid フリガナ: full-width katakana, ー, ・ and spaces only."""
    return _READING_PATTERN.fullmatch(text) is not None


def kana_validate(text: str) -> str:
    """Return a フリガナ field's value cleaned up, or raise ``JapaneseInputError``.

    Half-width katakana and hiragana are converted to full-width katakana,
    full-width spaces to ASCII spaces, and runs of spaces collapse to one.
    Anything else but katakana, ー and ・ is rejected with code ``kana_only``.
    """
    if len(text) > MAX_READING_LENGTH:
        raise JapaneseInputError(
            code="kana_too_long",
            message_ja=f"フリガナは{MAX_READING_LENGTH}文字以内で入力してください。",
            message_en=f"A reading must be at most {MAX_READING_LENGTH} characters long.",
        )
    normalized = jaconv.hira2kata(unicodedata.normalize("NFKC", text))
    cleaned = " ".join(normalized.split())
    if not cleaned:
        raise JapaneseInputError(
            code="kana_empty",
            message_ja="フリガナを入力してください。",
            message_en="Enter the reading in katakana.",
        )
    if not is_katakana_reading(cleaned):
        invalid = "".join(dict.fromkeys(_NOT_READING_CHAR.findall(cleaned)))
        if not invalid:  # only ー, ・ and spaces
            raise JapaneseInputError(
                code="kana_only",
                message_ja="フリガナをカタカナで入力してください。",
                message_en="Enter the reading in katakana.",
            )
        raise JapaneseInputError(
            code="kana_only",
            message_ja=f"フリガナはカタカナで入力してください（使えない文字：{invalid[:10]}）。",
            message_en=f"Enter the reading in katakana only (not allowed: {invalid[:10]}).",
        )
    return cleaned
