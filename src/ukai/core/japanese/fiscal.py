"""年度 (the Japanese fiscal year): April to March, labelled by its starting year."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .errors import JapaneseInputError
from .wareki import era_lookup, era_of

MIN_FISCAL_YEAR = 1868
MAX_FISCAL_YEAR = 9998
MAX_INPUT_LENGTH = 30

_ERA_PATTERN = re.compile(r"(?P<era>[^0-9]+?)(?P<year>元|[0-9]{1,2})(?:年度?)?")
_GREGORIAN_PATTERN = re.compile(r"(?:FY|西暦)?(?P<year>[0-9]{4})(?:年度?)?")


def _error(code: str, message_ja: str, message_en: str) -> JapaneseInputError:
    return JapaneseInputError(code=code, message_ja=message_ja, message_en=message_en)


def _check_range(fy: int) -> None:
    if not MIN_FISCAL_YEAR <= fy <= MAX_FISCAL_YEAR:
        raise _error(
            "fiscal_out_of_range",
            f"年度は{MIN_FISCAL_YEAR}年度から{MAX_FISCAL_YEAR}年度の範囲で入力してください。",
            f"A fiscal year must be between {MIN_FISCAL_YEAR} and {MAX_FISCAL_YEAR}.",
        )


def fiscal_year(d: date) -> int:
    """Return the fiscal year (年度) of ``d``: ``2025-03-31`` → 2024, ``2025-04-01`` → 2025."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """Return the first and last day of fiscal year ``fy`` (1 April to 31 March, inclusive)."""
    _check_range(fy)
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def fiscal_year_label(fy: int, *, era: bool = True) -> str:
    """Return the label of fiscal year ``fy``: ``令和6年度`` (``era=True``) or ``2024年度``.

    A fiscal year takes the era in effect at the end of its starting calendar
    year, so FY2019 (which began under 平成) is ``令和元年度`` as municipalities
    write it, FY1989 is ``平成元年度`` and FY1988 is ``昭和63年度``.
    """
    _check_range(fy)
    if not era:
        return f"{fy}年度"
    current = era_of(date(fy, 12, 31))
    year = current.year_of(fy)
    year_text = "元" if year == 1 else str(year)
    return f"{current.name}{year_text}年度"


def fiscal_year_parse(text: str) -> int:
    """Parse a fiscal year: ``令和6年度``, ``R6年度``, ``令和元年度``, ``2024年度``, ``FY2024``.

    An era year past the era's end is converted (``平成32年度`` → 2020), as for
    dates printed on old forms. Bad input raises ``JapaneseInputError``.
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise _error(
            "fiscal_too_long",
            f"年度は{MAX_INPUT_LENGTH}文字以内で入力してください。",
            f"A fiscal year must be at most {MAX_INPUT_LENGTH} characters long.",
        )
    cleaned = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if not cleaned:
        raise _error("fiscal_empty", "年度を入力してください。", "Enter a fiscal year.")
    shown = text.strip()

    match = _GREGORIAN_PATTERN.fullmatch(cleaned)
    if match:
        fy = int(match["year"])
        _check_range(fy)
        return fy
    match = _ERA_PATTERN.fullmatch(cleaned)
    if match:
        current = era_lookup(match["era"])
        if current is None:
            raise _error(
                "fiscal_unknown_era",
                f"「{match['era']}」は元号として認識できません。",
                f"“{match['era']}” is not an era we know.",
            )
        year = 1 if match["year"] == "元" else int(match["year"])
        if year == 0:
            raise _error(
                "fiscal_year_zero",
                f"{current.name}0年度はありません。最初の年度は{current.name}元年度です。",
                f"There is no fiscal year 0 of {current.name}; the first is 元年度.",
            )
        return current.gregorian_year(year)
    raise _error(
        "fiscal_format",
        f"「{shown}」は年度として読み取れません。例：令和6年度、R6年度、2024年度",
        f"“{shown}” is not a fiscal year we can read. Examples: 令和6年度, R6年度, FY2024.",
    )
