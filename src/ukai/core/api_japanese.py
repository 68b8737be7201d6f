"""Japanese utilities over the API: forms call these to check and complete input.

Each endpoint answers a well-formed request with the interpretation and a bad
one with a problem carrying the parser's own Japanese and English message.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Path as NinjaPath

from .api import PROBLEMS
from .errors import UkaiError
from .japanese.calendar import is_business_day
from .japanese.errors import JapaneseInputError
from .japanese.fiscal import fiscal_year, fiscal_year_label
from .japanese.lgcode import lgcode_normalize, lgcode_repair_leading_zero
from .japanese.postal import postal_code_format, postal_code_lookup_or_raise
from .japanese.reading import reading_suggest
from .japanese.wareki import wareki_format, wareki_parse

router = Router(tags=["japanese"])
T = TypeVar("T")


def _parsed(parse: Callable[[], T], *, field: str) -> T:
    try:
        return parse()
    except JapaneseInputError as exc:
        raise UkaiError.from_input_error(exc, field=field) from exc


class DateQuery(Schema):
    text: str = Field(..., max_length=50, description="例: 令和6年4月1日, R6.4.1, 2024-04-01")
    lenient: bool = Field(
        True, description="改元後の日付を旧元号で書いたもの（平成31年5月1日）を認める"
    )


class DateOut(Schema):
    date: date
    wareki: str
    wareki_short: str
    fiscal_year: int
    fiscal_year_label: str
    business_day: bool = Field(..., description="市役所の開庁日か（土日祝日・年末年始を除く）")


@router.get(
    "/japanese/dates",
    response={200: DateOut, **PROBLEMS},
    summary="日付の解釈（和暦・西暦） / Read a date in 和暦 or Gregorian",
    auth=None,
)
def date_interpret(request: HttpRequest, query: Query[DateQuery]) -> Any:
    value = _parsed(lambda: wareki_parse(query.text, lenient=query.lenient), field="text")
    fy = fiscal_year(value)
    return {
        "date": value,
        "wareki": wareki_format(value),
        "wareki_short": wareki_format(value, style="short"),
        "fiscal_year": fy,
        "fiscal_year_label": fiscal_year_label(fy),
        "business_day": is_business_day(value),
    }


class AddressOut(Schema):
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str
    municipality_code: str = Field(..., description="全国地方公共団体コード")
    office_name: str = Field(..., description="事業所名（大口事業所の個別番号のとき）")


class PostalCodeOut(Schema):
    postal_code: str
    formatted: str
    addresses: list[AddressOut]


@router.get(
    "/japanese/postal-codes/{code}",
    response={200: PostalCodeOut, **PROBLEMS},
    summary="郵便番号から住所 / Addresses of a postal code (offline)",
    auth=None,
)
def postal_code_show(request: HttpRequest, code: str = NinjaPath(..., max_length=20)) -> Any:
    addresses = _parsed(lambda: postal_code_lookup_or_raise(code), field="code")
    digits = addresses[0].postal_code
    return {
        "postal_code": digits,
        "formatted": postal_code_format(digits),
        "addresses": addresses,
    }


class LgcodeOut(Schema):
    code: str = Field(..., description="検査数字を含む6桁（5桁で渡すと検査数字を補います）")
    check_digit: int
    leading_zero_candidate: str | None = Field(
        None,
        description=(
            "5桁の値が、先頭の0を失った6桁のコード（例: 092011 → 92011）とも読めるときの候補"
        ),
    )


@router.get(
    "/japanese/local-government-codes/{code}",
    response={200: LgcodeOut, **PROBLEMS},
    summary="全国地方公共団体コードの検査 / Check a local government code",
    auth=None,
)
def lgcode_check(request: HttpRequest, code: str = NinjaPath(..., max_length=20)) -> Any:
    normalized = _parsed(lambda: lgcode_normalize(code), field="code")
    return {
        "code": normalized,
        "check_digit": int(normalized[5]),
        "leading_zero_candidate": lgcode_repair_leading_zero(code),
    }


class ReadingQuery(Schema):
    text: str = Field(..., min_length=1, max_length=100)


class ReadingOut(Schema):
    text: str
    reading: str = Field(..., description="カタカナの読み（候補。必ず本人に確認してください）")


@router.get(
    "/japanese/readings",
    response={200: ReadingOut, **PROBLEMS},
    summary="読み（フリガナ）の候補 / Suggest a reading in katakana",
    auth=None,
)
def reading_show(request: HttpRequest, query: Query[ReadingQuery]) -> Any:
    reading = _parsed(lambda: reading_suggest(query.text), field="text")
    return {"text": query.text, "reading": reading}
