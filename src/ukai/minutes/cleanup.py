"""ケバ取り (filler removal) and 整文 (spoken to written style) for meeting minutes.

Pure Python, no Django: the minutes pages, the bench and the property tests share it.

A filler is removed only where it starts a phrase (start of text, after punctuation,
a space or another filler), so ``いまある`` keeps its ``まあ``. Forms that are always
fillers (``えー``, ``えーと``, ``あのー``, ``うーん`` and the katakana and ``A`` forms Whisper
writes for them) go wherever they start a phrase. Words that are fillers only
sometimes (``あの``, ``その``, ``まあ``, ``ま``, ``え``, ``あ``, ``うん``, ``なんか``) go only
when punctuation or a space follows, so ``あの件``, ``その結果`` and ``まあまあ`` stay.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary.json"

_END = r"(?=[、，,。．.！？!?…\s]|$)"
_LONG = "ー〜~"
# Always fillers where a phrase starts (longest alternatives first).
_DISTINCTIVE = [
    rf"え[ぇ{_LONG}]*っと(?:ですね)?",
    rf"ええ[{_LONG}]*っ?と(?:ですね)?",
    rf"え[ぇ{_LONG}]+と(?:ですね)?",
    rf"ええ[{_LONG}]+",
    rf"え[ぇ{_LONG}]+",
    rf"あ[{_LONG}]+",
    r"あの[ぉおうー〜~]+(?:ですね)?",
    r"その[ぉおー〜~]+(?:ですね)?",
    r"この[ぉおー〜~]+",
    rf"まあ[{_LONG}]*ですね",
    rf"まぁ+[{_LONG}]*",
    rf"まあ[{_LONG}]+",
    rf"ま[{_LONG}]+",
    rf"う[{_LONG}]+んと?",
    rf"う[{_LONG}]+む",
    rf"ん[{_LONG}]+",
    rf"エ[ェ{_LONG}]*ット",
    rf"エ[ェ{_LONG}]+ト?",
    rf"アノ[ォオウ{_LONG}]+",
    rf"ソノ[ォオ{_LONG}]+",
    rf"ア[{_LONG}]+",
    rf"マア[{_LONG}]+",
    rf"ウ[{_LONG}]+ン",
    rf"ン[{_LONG}]+",
    # Whisper writes a drawn-out えー as a Latin "A" before Japanese text.
    r"[AＡ](?=[、，,\s])",
    r"[AＡ](?=[ぁ-んァ-ヶ一-龥々])(?!案|型|級|判|棟|社|区|班|票|委員|議員|さん|氏|君|ランク|地区|チーム|グループ|日程|と[BＢ])",
]
# Fillers only where punctuation or a space follows.
_AMBIGUOUS = [
    r"(?:あの|その|まあ|ま)ですね" + _END,
    r"まあ(?!ま)",
    r"マア" + _END,
    r"あの" + _END,
    r"その" + _END,
    r"この" + _END,
    r"ま" + _END,
    r"え" + _END,
    r"あ" + _END,
    r"うん" + _END,
    r"なんか" + _END,
]
_FILLER = re.compile("|".join(f"(?:{p})" for p in _DISTINCTIVE + _AMBIGUOUS))
# A filler ですね after a particle, mid-sentence (これはですね、 → これは、).
_DESUNE = re.compile(r"(?<=[はがをにでもとへてよりからまでので])ですね(?=[、，,\s])")
_BOUNDARY = set("、，,。．.！？!?…「」『』（）()　 \t\n")


def filler_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character spans of the fillers in ``text``."""
    spans: list[tuple[int, int]] = []
    position = 0
    length = len(text)
    while position < length:
        at_phrase_start = (
            position == 0
            or text[position - 1] in _BOUNDARY
            or (bool(spans) and spans[-1][1] == position)
        )
        if at_phrase_start:
            match = _FILLER.match(text, position)
            if match and match.end() > position:
                spans.append((position, match.end()))
                position = match.end()
                continue
        position += 1
    spans.extend((m.start(), m.end()) for m in _DESUNE.finditer(text))
    return _merge(spans)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _tidy_punctuation(text: str) -> str:
    text = re.sub(r"[ \t　]{2,}", " ", text)
    text = re.sub(r"(?:[、，,][ 　]*){2,}", "、", text)
    text = re.sub(r"[、，,][ 　]*([。．！？!?])", r"\1", text)
    text = re.sub(r"(^|[。！？!?「（(])[ 　]*[、，,][ 　]*", r"\1", text)
    return text.strip(" 　\t")


def fillers_remove(text: str) -> str:
    """ケバ取り: delete the fillers and the punctuation they leave dangling."""
    spans = filler_spans(text)
    if not spans:
        return text
    pieces = []
    previous = 0
    for start, end in spans:
        pieces.append(text[previous:start])
        previous = end
    pieces.append(text[previous:])
    return _tidy_punctuation("".join(pieces))


_REPEAT = re.compile(r"([^\s、。，．！？!?]{2,12})[、，,]\s*\1")


def repeats_collapse(text: str) -> str:
    """A word said twice with a pause (本件、本件は) is written once (本件は)."""
    previous = None
    while previous != text:
        previous = text
        text = _REPEAT.sub(r"\1", text)
    return text


_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = "[〇零一二三四五六七八九十百千万]+"
_COUNTERS = "号|年度|年|か月|カ月|ヶ月|月|日|分|秒|人|名|件|円|回|歳|割|点|個|台|条|項|款|番|階|期|週|億|万円|億円|%|パーセント"
_NUMBER_IN_CONTEXT = re.compile(
    rf"(?P<prefix>第|午前|午後)?(?P<number>{_KANJI_NUMBER})(?P<counter>{_COUNTERS})"
)
# Words where a kanji numeral is part of the word, not a count.
_NUMBER_IDIOMS = (
    "一時",
    "一日中",
    "一人一人",
    "一人ひとり",
    "一番",
    "一部",
    "一般",
    "一緒",
    "一層",
    "一定",
    "一方",
    "一体",
    "万一",
    "一概",
)


def kanji_number_value(numeral: str) -> int | None:
    """一千二百三十四 → 1234, 二〇二五 → 2025; None if it is not a plain number."""
    if not numeral:
        return None
    if all(ch in _KANJI_DIGITS for ch in numeral):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in numeral))
    total = 0
    section = 0
    digit: int | None = None
    for ch in numeral:
        if ch in _KANJI_DIGITS:
            if digit is not None:
                return None
            digit = _KANJI_DIGITS[ch]
        elif ch in _KANJI_UNITS:
            section += (digit if digit is not None else 1) * _KANJI_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def numbers_arabic(text: str) -> str:
    """Counts and ordinals in Arabic numerals (議案第一号 → 議案第1号, 三十人 → 30人)."""

    def replace(match: re.Match[str]) -> str:
        prefix = match.group("prefix") or ""
        whole = match.group(0)
        if not prefix and any(whole.startswith(idiom) for idiom in _NUMBER_IDIOMS):
            return whole
        value = kanji_number_value(match.group("number"))
        if value is None:
            return whole
        return f"{prefix}{value}{match.group('counter')}"

    text = _NUMBER_IN_CONTEXT.sub(replace, text)
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


_JAPANESE_CHAR = r"[ぁ-んァ-ヶー一-龥々〆「」、。]"


def punctuation_written(text: str) -> str:
    """Japanese punctuation, no spaces between Japanese words, a full stop at the end."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(rf"(?<={_JAPANESE_CHAR})[ 　]+(?=[0-9０-９]|{_JAPANESE_CHAR})", "", text)
    text = re.sub(rf"(?<=[0-9０-９])[ 　]+(?={_JAPANESE_CHAR})", "", text)
    text = re.sub(rf"(?<={_JAPANESE_CHAR}),\s*", "、", text)
    text = re.sub(rf"(?<={_JAPANESE_CHAR})\.(?!\d)", "。", text)
    text = re.sub(rf"(?<={_JAPANESE_CHAR})\?", "？", text)
    text = re.sub(rf"(?<={_JAPANESE_CHAR})!", "！", text)
    text = text.strip()
    if text and re.search(r"[ぁ-んァ-ヶー一-龥々)）」]$", text):
        text += "。"
    return text


def desu_ne_written(text: str) -> str:
    """A sentence-final ですね (spoken) becomes です (written)."""
    return re.sub(r"ですね(?=[。！？]|$)", "です", text)


@dataclass(frozen=True)
class Glossary:
    """Names and council terms, and the recognition errors to correct into them."""

    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]

    def apply(self, text: str) -> str:
        for wrong, right in self.corrections:
            text = text.replace(wrong, right)
        return text


def glossary_from_data(data: dict[str, object]) -> Glossary:
    terms = tuple(str(term) for term in data.get("terms", []) or [])  # type: ignore[attr-defined]
    raw: Sequence[dict[str, str]] = data.get("corrections", []) or []  # type: ignore[assignment]
    pairs = [(str(item["wrong"]), str(item["right"])) for item in raw if item.get("wrong")]
    # Longest first, so a specific correction wins over a shorter one inside it.
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    return Glossary(terms=terms, corrections=tuple(pairs))


@cache
def glossary_load(path: Path = GLOSSARY_FILE) -> Glossary:
    """The glossary in ``path`` (the module's ``data/glossary.json`` by default)."""
    return glossary_from_data(json.loads(path.read_text(encoding="utf-8")))


def written_style(text: str, *, glossary: Glossary | None = None) -> str:
    """整文: glossary corrections, ケバ取り, repeats, ですね, numbers and punctuation."""
    if glossary is not None:
        text = glossary.apply(text)
    text = fillers_remove(text)
    text = repeats_collapse(text)
    text = numbers_arabic(text)
    text = punctuation_written(text)
    return desu_ne_written(text)
