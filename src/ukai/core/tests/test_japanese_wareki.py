from datetime import date, timedelta

import jaconv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.wareki import (
    ERAS,
    era_end,
    era_lookup,
    wareki_format,
    wareki_parse,
    wareki_year,
)

FIRST_DAY = date(1868, 1, 25)
LAST_DAY = date(2100, 12, 31)
wareki_dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@pytest.mark.parametrize(
    ("d", "long", "short"),
    [
        (date(2024, 4, 1), "令和6年4月1日", "R6.4.1"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
        (date(1868, 1, 25), "明治元年1月25日", "M1.1.25"),
    ],
)
def test_format_at_era_boundaries(d, long, short):
    assert wareki_format(d) == long
    assert wareki_format(d, style="long") == long
    assert wareki_format(d, style="short") == short


def test_wareki_year():
    assert wareki_year(date(2024, 4, 1)) == ("令和", 6)
    assert wareki_year(date(2019, 4, 30)) == ("平成", 31)
    assert wareki_year(date(2019, 5, 1)) == ("令和", 1)
    assert wareki_year(date(1989, 1, 7)) == ("昭和", 64)


def test_format_before_meiji_is_an_input_error():
    with pytest.raises(JapaneseInputError) as excinfo:
        wareki_format(date(1868, 1, 24))
    assert excinfo.value.code == "wareki_before_meiji"


def test_era_helpers():
    assert era_lookup("r") is era_lookup("令和") is era_lookup("令") is ERAS[-1]
    assert era_lookup("光文") is None
    assert era_end(ERAS[3]) == date(2019, 4, 30)
    assert era_end(ERAS[-1]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和6年4月1日", date(2024, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和 6年 4月 1日", date(2024, 4, 1)),
        ("　令和６年４月１日　", date(2024, 4, 1)),
        ("令和六年四月一日", date(2024, 4, 1)),
        ("平成三十一年四月三十日", date(2019, 4, 30)),
        ("R6.4.1", date(2024, 4, 1)),
        ("r6.4.1", date(2024, 4, 1)),
        ("R06.04.01", date(2024, 4, 1)),
        ("R6/4/1", date(2024, 4, 1)),
        ("R6-4-1", date(2024, 4, 1)),
        ("R.6.4.1", date(2024, 4, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("Ｒ６．４．１", date(2024, 4, 1)),
        ("Ｒ６／４／１", date(2024, 4, 1)),
        ("Ｒ６－４－１", date(2024, 4, 1)),
        ("R6ー4ー1", date(2024, 4, 1)),
        ("R 6 . 4 . 1", date(2024, 4, 1)),
        ("㋿6.4.1", date(2024, 4, 1)),
        ("令6.4.1", date(2024, 4, 1)),
        ("令６．４．１", date(2024, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("Ｈ３１．４．３０", date(2019, 4, 30)),
        ("平31/4/30", date(2019, 4, 30)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭64.1.7", date(1989, 1, 7)),
        ("T15.12.24", date(1926, 12, 24)),
        ("大15.12.24", date(1926, 12, 24)),
        ("M45.7.29", date(1912, 7, 29)),
        ("明45.7.29", date(1912, 7, 29)),
        ("2024-04-01", date(2024, 4, 1)),
        ("2024/4/1", date(2024, 4, 1)),
        ("2024.4.1", date(2024, 4, 1)),
        ("2024年4月1日", date(2024, 4, 1)),
        ("西暦2024年4月1日", date(2024, 4, 1)),
        ("２０２４年４月１日", date(2024, 4, 1)),
        ("20240401", date(2024, 4, 1)),
    ],
)
def test_parse_accepts_the_forms_residents_write(text, expected):
    assert wareki_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成31年5月1日", date(2019, 5, 1)),
        ("H31.5.1", date(2019, 5, 1)),
        ("平成32年1月1日", date(2020, 1, 1)),
        ("S64.1.8", date(1989, 1, 8)),
        ("昭和65年1月1日", date(1990, 1, 1)),
    ],
)
def test_lenient_parse_converts_dates_past_the_era_end(text, expected):
    assert wareki_parse(text) == expected
    with pytest.raises(JapaneseInputError) as excinfo:
        wareki_parse(text, lenient=False)
    assert excinfo.value.code == "wareki_era_ended"
    assert wareki_format(expected) in excinfo.value.message_ja


def test_strict_parse_accepts_the_last_day_of_an_era():
    assert wareki_parse("平成31年4月30日", lenient=False) == date(2019, 4, 30)
    assert wareki_parse("S64.1.7", lenient=False) == date(1989, 1, 7)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "wareki_empty"),
        ("   ", "wareki_empty"),
        ("　", "wareki_empty"),
        ("X6.4.1", "wareki_unknown_era"),
        ("ＲＲ６．４．１", "wareki_unknown_era"),
        ("光文3年4月1日", "wareki_unknown_era"),
        ("令和0年4月1日", "wareki_year_zero"),
        ("R0.4.1", "wareki_year_zero"),
        ("令和6年2月30日", "wareki_invalid_date"),
        ("令和6年13月1日", "wareki_invalid_date"),
        ("R6.13.1", "wareki_invalid_date"),
        ("R6.0.1", "wareki_invalid_date"),
        ("R6.4.0", "wareki_invalid_date"),
        ("2023-02-29", "wareki_invalid_date"),
        ("0000-01-01", "wareki_invalid_date"),
        ("20241301", "wareki_invalid_date"),
        ("令和1年4月30日", "wareki_before_era"),
        ("令和元年1月1日", "wareki_before_era"),
        ("平成元年1月7日", "wareki_before_era"),
        ("明治元年1月1日", "wareki_before_era"),
        ("令和元年", "wareki_incomplete"),
        ("令和6年4月", "wareki_incomplete"),
        ("2024年4月", "wareki_incomplete"),
        ("1" * 51, "wareki_too_long"),
        ("令和6年4月1日" + " " * 44, "wareki_too_long"),
        ("garbage", "wareki_format"),
        ("2024-04/01", "wareki_format"),
        ("R6.4", "wareki_format"),
        ("2024", "wareki_format"),
        ("令和6年4月1日午後", "wareki_format"),
    ],
)
def test_parse_rejects_bad_input_with_a_precise_code(text, code):
    with pytest.raises(JapaneseInputError) as excinfo:
        wareki_parse(text)
    error = excinfo.value
    assert error.code == code
    assert error.message_ja
    assert error.message_en


@settings(max_examples=400)
@given(wareki_dates, st.sampled_from(["long", "short"]), st.booleans())
def test_format_then_parse_round_trips(d, style, lenient):
    assert wareki_parse(wareki_format(d, style=style), lenient=lenient) == d


@settings(max_examples=200)
@given(wareki_dates, st.sampled_from(["long", "short"]))
def test_full_width_forms_round_trip(d, style):
    full_width = jaconv.h2z(wareki_format(d, style=style), kana=False, ascii=True, digit=True)
    assert wareki_parse(full_width) == d


@settings(max_examples=200)
@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_gregorian_forms_round_trip(d):
    assert wareki_parse(d.isoformat()) == d
    assert wareki_parse(f"{d.year:04d}{d.month:02d}{d.day:02d}") == d
    assert wareki_parse(f"{d.year:04d}年{d.month}月{d.day}日") == d


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=len(ERAS) - 2), st.data())
def test_dates_written_in_the_previous_era_need_lenient_mode(index, data):
    era, next_era = ERAS[index], ERAS[index + 1]
    # Old forms are used for a few years after an era ends, not for a century.
    latest = min(next_era.start.replace(year=next_era.start.year + 10), LAST_DAY)
    d = data.draw(st.dates(min_value=next_era.start, max_value=latest))
    text = f"{era.name}{era.year_of(d.year)}年{d.month}月{d.day}日"
    assert wareki_parse(text) == d
    with pytest.raises(JapaneseInputError) as excinfo:
        wareki_parse(text, lenient=False)
    assert excinfo.value.code == "wareki_era_ended"


@settings(max_examples=200)
@given(st.sampled_from(ERAS), st.data())
def test_dates_before_an_era_starts_are_rejected(era, data):
    # Only the era's first year can name a day before the era began.
    first_of_year = date(era.start.year, 1, 1)
    d = data.draw(st.dates(min_value=first_of_year, max_value=era.start - timedelta(days=1)))
    for text in (f"{era.letter}1.{d.month}.{d.day}", f"{era.name}元年{d.month}月{d.day}日"):
        with pytest.raises(JapaneseInputError) as excinfo:
            wareki_parse(text)
        assert excinfo.value.code == "wareki_before_era"


@settings(max_examples=500)
@given(st.text(max_size=60))
def test_parse_raises_only_japanese_input_error_on_arbitrary_text(text):
    try:
        result = wareki_parse(text)
    except JapaneseInputError as error:
        code = error.code
        assert code.startswith("wareki_")
    else:
        assert isinstance(result, date)


@settings(max_examples=500)
@given(
    st.text(
        alphabet="令和平成昭大明治光文元年月日西暦〇一二十0123456789０１２RHSTMXr./-ー・ 　",
        max_size=20,
    )
)
def test_parse_raises_only_japanese_input_error_on_date_like_text(text):
    try:
        result = wareki_parse(text, lenient=False)
    except JapaneseInputError as error:
        code = error.code
        assert code.startswith("wareki_")
    else:
        assert isinstance(result, date)
