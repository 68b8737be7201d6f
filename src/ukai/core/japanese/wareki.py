"""和暦 (Japanese era dates): formatting and lenient parsing.

Dates are stored in the Gregorian calendar; this module shows them the way
Japanese forms expect and reads back whatever residents and old forms write:
``令和6年4月1日``, ``令和元年5月1日``, ``R6.4.1``, ``Ｈ３１．４．３０``, ``令6/4/1``,
``2024-04-01``, ``2024年4月1日``, ``20240401``…

``japanera`` is not used: its ``EraDate.strptime`` returns a list of candidates
and rejects ``平成31年5月1日``, which forms printed before 2019 still carry.
Five eras and one regular expression per notation are easier to read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .errors import JapaneseInputError

MAX_INPUT_LENGTH = 50


@dataclass(frozen=True)
class Era:
    """A modern Japanese era: its name, its abbreviations and its first day."""

    name: str
    letter: str
    start: date

    @property
    def initial(self) -> str:
        """The era's first kanji, as in ``令6.4.1``."""
        return self.name[0]

    def year_of(self, gregorian_year: int) -> int:
        """Return the era year that falls in ``gregorian_year`` (1 is 元年)."""
        return gregorian_year - self.start.year + 1

    def gregorian_year(self, era_year: int) -> int:
        """Return the Gregorian year of the era year ``era_year``."""
        return self.start.year + era_year - 1


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 1, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)

_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.letter] = _era
    _ERA_BY_TOKEN[_era.initial] = _era


def era_lookup(token: str) -> Era | None:
    """Return the era named by ``token`` (``令和``, ``令``, ``R`` or ``r``), or ``None``."""
    return _ERA_BY_TOKEN.get(token.strip().upper())


def era_end(era: Era) -> date | None:
    """Return the last day of ``era``, or ``None`` for the current era."""
    index = ERAS.index(era)
    if index + 1 == len(ERAS):
        return None
    return ERAS[index + 1].start - timedelta(days=1)


def era_of(d: date) -> Era:
    """Return the era in effect on ``d``; raise ``JapaneseInputError`` before 明治."""
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    raise JapaneseInputError(
        code="wareki_before_meiji",
        message_ja="明治より前の日付は和暦で表せません。",
        message_en="Dates before the Meiji era (1868-01-25) have no Japanese era form here.",
    )


def wareki_year(d: date) -> tuple[str, int]:
    """Return the era name and era year of ``d``: ``date(2024, 4, 1)`` → ``("令和", 6)``."""
    era = era_of(d)
    return era.name, era.year_of(d.year)


def wareki_format(d: date, *, style: Literal["long", "short"] = "long") -> str:
    """Format ``d`` in 和暦: ``令和6年4月1日`` (long, first year ``令和元年``) or ``R6.4.1`` (short)."""
    era = era_of(d)
    year = era.year_of(d.year)
    if style == "short":
        return f"{era.letter}{year}.{d.month}.{d.day}"
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{d.month}月{d.day}日"


# Characters residents and OCR use between the parts of a date.
_DASHES = "‐‑‒–—―−ー─━"
_DOTS = "・、，,"
_SEPARATOR_TABLE = str.maketrans({**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_DOTS, ".")})

_KANJI_DIGITS = {
    "〇": 0,
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
_KANJI_NUMBER = re.compile("[〇一二三四五六七八九十]+")

_YEAR = r"(?P<year>元|[0-9]{1,2})"
_MONTH = r"(?P<month>[0-9]{1,2})"
_DAY = r"(?P<day>[0-9]{1,2})"
# The era group is loose on purpose so that "光文3年" reports an unknown era, not garbage.
_ERA = r"(?P<era>[^0-9./\-]+?)"
_ERA_PATTERNS = (
    re.compile(rf"{_ERA}{_YEAR}年(?:{_MONTH}月(?:{_DAY}日)?)?"),
    re.compile(rf"{_ERA}\.?{_YEAR}(?P<sep>[./-]){_MONTH}(?P=sep){_DAY}\.?"),
)
_GREGORIAN_PATTERNS = (
    re.compile(
        r"(?:西暦)?(?P<year>[0-9]{4})年(?:(?P<month>[0-9]{1,2})月(?:(?P<day>[0-9]{1,2})日)?)?"
    ),
    re.compile(r"(?P<year>[0-9]{4})(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})"),
    re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"),
)


def _kanji_numbers_to_digits(text: str) -> str:
    """Replace kanji numerals (``六``, ``十二``, ``三十一``, ``二〇二四``) with ASCII digits."""

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        if "十" not in run:
            return "".join(str(_KANJI_DIGITS[c]) for c in run)
        tens, _, units = run.partition("十")
        if len(tens) > 1 or len(units) > 1 or "十" in units:
            return run  # not a number we read; the pattern match will fail on it
        value = (_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[units] if units else 0)
        return str(value)

    return _KANJI_NUMBER.sub(replace, text)


def _clean(text: str) -> str:
    """NFKC, drop whitespace, unify separators, uppercase era letters, read kanji numerals."""
    normalized = unicodedata.normalize("NFKC", text)
    compact = "".join(normalized.split()).translate(_SEPARATOR_TABLE).upper()
    return _kanji_numbers_to_digits(compact)


def _error(code: str, message_ja: str, message_en: str) -> JapaneseInputError:
    return JapaneseInputError(code=code, message_ja=message_ja, message_en=message_en)


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    """Build a date or explain in both languages why it does not exist."""
    if year < 1:
        raise _error(
            "wareki_invalid_date",
            f"西暦0年はありません（{shown}）。",
            f"There is no year 0 ({shown}).",
        )
    if not 1 <= month <= 12:
        raise _error(
            "wareki_invalid_date",
            f"{month}月という月はありません（{shown}）。",
            f"There is no month {month} ({shown}).",
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise _error(
            "wareki_invalid_date",
            f"{month}月{day}日という日付はありません（{shown}）。",
            f"{year:04d}-{month:02d}-{day:02d} does not exist ({shown}).",
        ) from None


def _incomplete(shown: str) -> JapaneseInputError:
    return _error(
        "wareki_incomplete",
        f"年月日をすべて入力してください（{shown}）。",
        f"Enter the year, month and day ({shown}).",
    )


def _parse_era_date(match: re.Match[str], shown: str, *, lenient: bool) -> date:
    era = era_lookup(match["era"])
    if era is None:
        raise _error(
            "wareki_unknown_era",
            f"「{match['era']}」は元号として認識できません。明治・大正・昭和・平成・令和で入力してください。",
            f"“{match['era']}” is not an era we know; use Meiji, Taisho, Showa, Heisei or Reiwa.",
        )
    era_year = 1 if match["year"] == "元" else int(match["year"])
    if era_year == 0:
        raise _error(
            "wareki_year_zero",
            f"{era.name}0年はありません。最初の年は{era.name}元年（1年）です。",
            f"There is no year 0 of {era.name}; the first year is 1 (元年).",
        )
    if match["month"] is None or match["day"] is None:
        raise _incomplete(shown)
    d = _make_date(era.gregorian_year(era_year), int(match["month"]), int(match["day"]), shown)
    if d < era.start:
        raise _error(
            "wareki_before_era",
            f"{shown}は{era.name}の始まり（{wareki_format(era.start)}）より前の日付です。",
            f"{shown} is before the {era.name} era began ({era.start.isoformat()}).",
        )
    end = era_end(era)
    if end is not None and d > end and not lenient:
        raise _error(
            "wareki_era_ended",
            f"{era.name}は{end.year}年{end.month}月{end.day}日までです。"
            f"{shown}は{wareki_format(d)}と入力してください。",
            f"The {era.name} era ended on {end.isoformat()}; write {shown} as {wareki_format(d)}.",
        )
    return d


def wareki_parse(text: str, *, lenient: bool = True) -> date:
    """Parse a 和暦 or Gregorian date as residents and forms write it.

    Accepts ``令和6年4月1日``, ``令和元年5月1日``, ``R6.4.1``, ``H31/4/30``, ``令6-4-1``,
    full-width characters and spaces, kanji numerals, and ``2024-04-01``,
    ``2024/4/1``, ``2024年4月1日``, ``20240401``.

    With ``lenient`` (the default), a date past an era's end written in that era
    (``平成31年5月1日``, as on forms printed before 2019) is converted; strict
    mode rejects it with code ``wareki_era_ended``. Any bad input raises
    ``JapaneseInputError``.
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise _error(
            "wareki_too_long",
            f"日付は{MAX_INPUT_LENGTH}文字以内で入力してください。",
            f"A date must be at most {MAX_INPUT_LENGTH} characters long.",
        )
    cleaned = _clean(text)
    if not cleaned:
        raise _error("wareki_empty", "日付を入力してください。", "Enter a date.")
    shown = text.strip()

    for pattern in _GREGORIAN_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            if match["month"] is None or match["day"] is None:
                raise _incomplete(shown)
            return _make_date(int(match["year"]), int(match["month"]), int(match["day"]), shown)
    for pattern in _ERA_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            return _parse_era_date(match, shown, lenient=lenient)
    raise _error(
        "wareki_format",
        f"「{shown}」は日付として読み取れません。例：令和6年4月1日、R6.4.1、2024-04-01",
        f"“{shown}” is not a date we can read. Examples: 令和6年4月1日, R6.4.1, 2024-04-01.",
    )
