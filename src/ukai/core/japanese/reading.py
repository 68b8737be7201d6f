"""Katakana reading (フリガナ) suggestions from SudachiPy and a municipal dictionary.

See docs/adr/0003-readings-from-sudachipy.md for why SudachiPy and not pykakasi.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

from .errors import JapaneseInputError
from .kana import is_katakana_reading, to_katakana
from .names import kanji_variant_fold

MAX_INPUT_LENGTH = 200

# Readings of Gifu place names and municipal terms that SudachiPy gets wrong or
# that must not vary. Keys are matched longest first over the whole text before
# SudachiPy reads the rest, so a compound whose reading changes at the join
# (連濁: 長良 + 川 = ナガラガワ) must be listed whole.
MUNICIPAL_READINGS: dict[str, str] = {
    # Terms used at the counter
    "番号札": "バンゴウフダ",
    "市民課": "シミンカ",
    "住民票": "ジュウミンヒョウ",
    "転入届": "テンニュウトドケ",
    "転出届": "テンシュツトドケ",
    "窓口": "マドグチ",
    "罹災証明書": "リサイショウメイショ",
    "印鑑登録証明書": "インカントウロクショウメイショ",
    # Gifu City and its neighbourhoods
    "岐阜": "ギフ",
    "岐阜県": "ギフケン",
    "岐阜市": "ギフシ",
    "司町": "ツカサマチ",
    "長良": "ナガラ",
    "長良川": "ナガラガワ",
    "長良橋": "ナガラバシ",
    "柳ケ瀬": "ヤナガセ",
    "柳ヶ瀬": "ヤナガセ",
    "柳ケ瀬通": "ヤナガセドオリ",
    "柳ヶ瀬通": "ヤナガセドオリ",
    "金華": "キンカ",
    "金華山": "キンカザン",
    "鵜飼": "ウカイ",
    "鵜匠": "ウショウ",
    "忠節": "チュウセツ",
    "加納": "カノウ",
    "鏡島": "カガシマ",
    "岩野田": "イワノダ",
    "茜部": "アカナベ",
    "芥見": "アクタミ",
    "則武": "ノリタケ",
    # Neighbouring municipalities
    "各務原": "カカミガハラ",
    "本巣": "モトス",
    "郡上": "グジョウ",
    "飛騨": "ヒダ",
    "多治見": "タジミ",
}
_LONGEST_KEY = max(len(key) for key in MUNICIPAL_READINGS)

_load_lock = threading.Lock()
_dictionary: Any = None
_local = threading.local()


def _tokenizer() -> Any:
    """Return this thread's SudachiPy tokenizer, loading the dictionary once per process."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        global _dictionary
        with _load_lock:
            if _dictionary is None:
                import sudachipy  # imported here: the dictionary is only needed for readings

                _dictionary = sudachipy.Dictionary(dict="core")
            tokenizer = _dictionary.tokenizer()
        _local.tokenizer = tokenizer
    return tokenizer


def _sudachi_reading(chunk: str) -> str:
    parts = []
    for morpheme in _tokenizer().tokenize(chunk):
        surface: str = morpheme.surface()
        reading: str = morpheme.reading_form()
        # Digits read one by one (40 → ヨンレイ) and unknown words read as
        # themselves; keeping the surface is the more honest suggestion.
        if surface.isdigit() or not is_katakana_reading(reading):
            parts.append(to_katakana(surface))
        else:
            parts.append(reading)
    return "".join(parts)


def _read_word(word: str) -> str:
    parts: list[str] = []
    pending_start = 0
    i = 0
    while i < len(word):
        for length in range(min(_LONGEST_KEY, len(word) - i), 0, -1):
            reading = MUNICIPAL_READINGS.get(word[i : i + length])
            if reading is not None:
                if pending_start < i:
                    parts.append(_sudachi_reading(word[pending_start:i]))
                parts.append(reading)
                i += length
                pending_start = i
                break
        else:
            i += 1
    if pending_start < len(word):
        parts.append(_sudachi_reading(word[pending_start:]))
    return "".join(parts)


def reading_suggest(text: str) -> str:
    """Suggest a katakana reading for a name or term: ``岐阜市役所`` → ``ギフシヤクショ``.

    Only a suggestion to pre-fill a フリガナ field: names in particular have
    several readings, and the resident or staff member always confirms or
    corrects it. The municipal dictionary (``MUNICIPAL_READINGS``) is applied
    by longest match first, SudachiPy reads the rest, variant kanji are read
    as their common forms, and spaces between words are kept. Characters
    without a known reading are kept as written.
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise JapaneseInputError(
            code="reading_too_long",
            message_ja=f"読み仮名を提案できるのは{MAX_INPUT_LENGTH}文字までです。",
            message_en=f"Readings are suggested for at most {MAX_INPUT_LENGTH} characters.",
        )
    normalized = kanji_variant_fold(unicodedata.normalize("NFKC", text))
    return " ".join(_read_word(word) for word in normalized.split())
