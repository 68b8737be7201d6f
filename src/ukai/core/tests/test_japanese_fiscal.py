from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.fiscal import (
    fiscal_year,
    fiscal_year_label,
    fiscal_year_parse,
    fiscal_year_range,
)

fiscal_years = st.integers(min_value=1868, max_value=2100)


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2024, 4, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
        (date(2019, 4, 30), 2019),
    ],
)
def test_fiscal_year_runs_april_to_march(d, fy):
    assert fiscal_year(d) == fy


def test_fiscal_year_range():
    assert fiscal_year_range(2024) == (date(2024, 4, 1), date(2025, 3, 31))
    assert fiscal_year_range(2023) == (date(2023, 4, 1), date(2024, 3, 31))


@pytest.mark.parametrize("fy", [0, 1867, 9999, -5])
def test_fiscal_year_range_rejects_years_out_of_range(fy):
    with pytest.raises(JapaneseInputError) as excinfo:
        fiscal_year_range(fy)
    assert excinfo.value.code == "fiscal_out_of_range"


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2024, "令和6年度"),
        (2020, "令和2年度"),
        (2025, "令和7年度"),
        (2019, "令和元年度"),  # began under 平成 but municipalities write 令和元年度
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "昭和元年度"),
        (1868, "明治元年度"),
    ],
)
def test_fiscal_year_label(fy, label):
    assert fiscal_year_label(fy) == label
    assert fiscal_year_label(fy, era=False) == f"{fy}年度"


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("令和6年度", 2024),
        ("令和６年度", 2024),
        ("令和 6 年度", 2024),
        ("R6年度", 2024),
        ("ｒ６年度", 2024),
        ("R6", 2024),
        ("令6年度", 2024),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("平成32年度", 2020),  # printed before the era changed
        ("2024年度", 2024),
        ("２０２４年度", 2024),
        ("FY2024", 2024),
        ("fy 2024", 2024),
        ("2024", 2024),
    ],
)
def test_fiscal_year_parse(text, fy):
    assert fiscal_year_parse(text) == fy


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "fiscal_empty"),
        ("　", "fiscal_empty"),
        ("X6年度", "fiscal_unknown_era"),
        ("光文3年度", "fiscal_unknown_era"),
        ("令和0年度", "fiscal_year_zero"),
        ("0000年度", "fiscal_out_of_range"),
        ("9999年度", "fiscal_out_of_range"),
        ("24", "fiscal_format"),
        ("令和6年4月", "fiscal_format"),
        ("令和", "fiscal_format"),
        ("2024" * 10, "fiscal_too_long"),
    ],
)
def test_fiscal_year_parse_rejects_bad_input(text, code):
    with pytest.raises(JapaneseInputError) as excinfo:
        fiscal_year_parse(text)
    assert excinfo.value.code == code
    assert excinfo.value.message_ja
    assert excinfo.value.message_en


@settings(max_examples=300)
@given(st.dates(min_value=date(1868, 4, 1), max_value=date(2100, 12, 31)))
def test_every_date_lies_in_its_fiscal_year(d):
    start, end = fiscal_year_range(fiscal_year(d))
    assert start <= d <= end


@settings(max_examples=300)
@given(fiscal_years)
def test_a_fiscal_year_is_one_whole_year(fy):
    start, end = fiscal_year_range(fy)
    assert fiscal_year(start) == fy
    assert fiscal_year(end) == fy
    assert fiscal_year(start - timedelta(days=1)) == fy - 1
    assert fiscal_year(end + timedelta(days=1)) == fy + 1
    assert (end - start).days + 1 in (365, 366)


@settings(max_examples=300)
@given(fiscal_years, st.booleans())
def test_label_then_parse_round_trips(fy, era):
    assert fiscal_year_parse(fiscal_year_label(fy, era=era)) == fy


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_parse_raises_only_japanese_input_error_on_arbitrary_text(text):
    try:
        result = fiscal_year_parse(text)
    except JapaneseInputError as error:
        code = error.code
        assert code.startswith("fiscal_")
    else:
        assert isinstance(result, int)
