import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.postal import (
    PostalAddress,
    postal_code_format,
    postal_code_lookup,
    postal_code_lookup_or_raise,
    postal_code_normalize,
)

HYPHENS = ["-", "－", "ー", "ｰ", "−", "‐", "‑", "–", "—", "―", "─"]


@pytest.mark.parametrize(
    "text",
    [
        "5008701",
        "500-8701",
        "〒500-8701",
        "〒 500-8701",
        "５００－８７０１",
        "〒５００ー８７０１",
        "500ｰ8701",
        "500−8701",
        "500‐8701",
        " 500 - 8701 ",
        "　５００８７０１　",
    ],
)
def test_normalize_accepts_what_residents_type(text):
    assert postal_code_normalize(text) == "5008701"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "500870",
        "50087011",
        "500-87-01",
        "50-08701",
        "abc-defg",
        "〒",
        "500_8701",
        "5008701〒",
        "٥٠٠٨٧٠١",
        "1" * 21,
    ],
)
def test_normalize_rejects_bad_input(text):
    with pytest.raises(JapaneseInputError) as excinfo:
        postal_code_normalize(text)
    assert excinfo.value.code == "postal_format"
    assert excinfo.value.message_ja
    assert excinfo.value.message_en


def test_format():
    assert postal_code_format("5008701") == "500-8701"
    assert postal_code_format("〒１００ー０００１") == "100-0001"


def test_lookup_gifu_city_hall():
    (address,) = postal_code_lookup("500-8701")
    assert address.postal_code == "5008701"
    assert (address.prefecture, address.city, address.town) == ("岐阜県", "岐阜市", "司町")
    assert address.town_kana == "ツカサマチ"
    assert address.office_name == "岐阜市役所"
    assert address.municipality_code == "21201"
    assert address.address == "岐阜県岐阜市司町40番地1"


def test_lookup_area_code():
    (address,) = postal_code_lookup("〒１００－０００１")
    assert address == PostalAddress(
        postal_code="1000001",
        prefecture="東京都",
        city="千代田区",
        town="千代田",
        prefecture_kana="トウキョウト",
        city_kana="チヨダク",
        town_kana="チヨダ",
        municipality_code="13101",
    )


def test_lookup_returns_fresh_lists():
    first = postal_code_lookup("5008701")
    first.clear()
    assert len(postal_code_lookup("5008701")) == 1


def test_unknown_code_is_an_empty_list_or_an_error_on_request():
    assert postal_code_lookup("000-0000") == []
    with pytest.raises(JapaneseInputError) as excinfo:
        postal_code_lookup_or_raise("000-0000")
    assert excinfo.value.code == "postal_unknown"
    assert "000-0000" in excinfo.value.message_ja
    assert postal_code_lookup_or_raise("5008701")[0].city == "岐阜市"


def test_malformed_code_raises_on_lookup():
    with pytest.raises(JapaneseInputError) as excinfo:
        postal_code_lookup("12345")
    assert excinfo.value.code == "postal_format"


def test_lookup_works_from_other_threads():
    results: list[str] = []

    def look_up(code):
        results.extend(a.city for a in postal_code_lookup(code))

    threads = [threading.Thread(target=look_up, args=(code,)) for code in ("5008702", "1000002")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["千代田区", "岐阜市"]


@settings(max_examples=300)
@given(
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.sampled_from(["", *HYPHENS]),
    st.booleans(),
    st.booleans(),
)
def test_normalize_round_trips_any_seven_digits(digits, hyphen, mark, full_width):
    text = ("〒" if mark else "") + digits[:3] + hyphen + digits[3:]
    if full_width:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert postal_code_normalize(text) == digits
    assert postal_code_format(text) == f"{digits[:3]}-{digits[3:]}"


@settings(max_examples=300)
@given(st.text(max_size=25))
def test_normalize_raises_only_japanese_input_error_on_arbitrary_text(text):
    try:
        result = postal_code_normalize(text)
    except JapaneseInputError as error:
        code = error.code
        assert code == "postal_format"
    else:
        assert len(result) == 7
        assert result.isascii()
        assert result.isdigit()
