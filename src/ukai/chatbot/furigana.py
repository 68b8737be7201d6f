"""Furigana for answers: ``<ruby>`` over each kanji run, readings from SudachiPy (docs/adr/0035).

Readings come from the same Sudachi dictionary as retrieval, with the core's municipal
readings (番号札, 司町, 長良川 …) taking precedence. Only kanji get a reading; kana,
Latin letters, digits and URLs stay as they are. Rendered answers are cached per process.
"""

from __future__ import annotations

import functools
import re

from django.utils.html import escape, urlize

from ukai.core.japanese.kana import to_hiragana
from ukai.core.japanese.reading import MUNICIPAL_READINGS

from .text import text_readings

_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_HAS_KANJI = re.compile(f"[{_KANJI}]")
_RUNS = re.compile(f"[{_KANJI}]+|[^{_KANJI}]+")
_URL = re.compile(r"(https?://[^\s<>\"']+)")
FURIGANA_CACHE_SIZE = 2048


def _ruby(base: str, reading: str) -> str:
    return f"<ruby>{escape(base)}<rp>（</rp><rt>{escape(reading)}</rt><rp>）</rp></ruby>"


def word_furigana(surface: str, reading: str) -> str:
    """One word as HTML: each kanji run with its part of the reading (送り仮名 left bare)."""
    if not reading or not _HAS_KANJI.search(surface):
        return str(escape(surface))
    hiragana = to_hiragana(reading)
    runs = _RUNS.findall(surface)
    pattern = "".join(
        "(.+?)" if _HAS_KANJI.match(run) else re.escape(to_hiragana(run)) for run in runs
    )
    match = re.fullmatch(pattern, hiragana)
    if match is None:  # the reading does not follow the kana written: one ruby for the word
        return _ruby(surface, hiragana)
    groups = iter(match.groups())
    return "".join(
        _ruby(run, next(groups)) if _HAS_KANJI.match(run) else str(escape(run)) for run in runs
    )


_LONGEST_MUNICIPAL = max(len(key) for key in MUNICIPAL_READINGS)


def _sudachi_furigana(text: str) -> str:
    return "".join(word_furigana(surface, reading) for surface, reading in text_readings(text))


def _text_furigana(text: str) -> str:
    """Municipal readings by longest match first (番号札 is not 番号 + 札), Sudachi for the rest."""
    parts: list[str] = []
    pending = 0
    i = 0
    while i < len(text):
        for length in range(min(_LONGEST_MUNICIPAL, len(text) - i), 0, -1):
            reading = MUNICIPAL_READINGS.get(text[i : i + length])
            if reading is not None:
                if pending < i:
                    parts.append(_sudachi_furigana(text[pending:i]))
                parts.append(word_furigana(text[i : i + length], reading))
                i += length
                pending = i
                break
        else:
            i += 1
    if pending < len(text):
        parts.append(_sudachi_furigana(text[pending:]))
    return "".join(parts)


@functools.lru_cache(maxsize=FURIGANA_CACHE_SIZE)
def furigana_html(text: str) -> str:
    """Plain answer text as escaped HTML with ``<ruby>`` readings, links and line breaks."""
    lines = []
    for line in text.splitlines():
        pieces = []
        for number, piece in enumerate(_URL.split(line)):
            if number % 2:
                pieces.append(urlize(piece, nofollow=True, autoescape=True))
            elif piece:
                pieces.append(_text_furigana(piece))
        lines.append("".join(pieces))
    return "<br>".join(lines)
