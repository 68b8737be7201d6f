import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.lgcode import (
    lgcode_check_digit,
    lgcode_normalize,
    lgcode_repair_leading_zero,
)

WEIGHTS = (6, 5, 4, 3, 2)
five_digit_codes = st.integers(min_value=0, max_value=99999).map(lambda n: f"{n:05d}")


def weighted_remainder(code5: str) -> int:
    return sum(int(d) * w for d, w in zip(code5, WEIGHTS, strict=True)) % 11


@pytest.mark.parametrize("code", ["212016", "131016", "011002", "271403", "141003"])
def test_reference_examples(code):
    assert lgcode_check_digit(code[:5]) == int(code[5])
    assert lgcode_normalize(code) == code
    assert lgcode_normalize(code[:5]) == code


def test_normalize_accepts_full_width_and_hyphens():
    assert lgcode_normalize("２１２０１６") == "212016"
    assert lgcode_normalize(" 21201-6 ") == "212016"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "lgcode_format"),
        ("2120", "lgcode_format"),
        ("2120166", "lgcode_format"),
        ("21201a", "lgcode_format"),
        ("٢١٢٠١٦", "lgcode_format"),
        ("212015", "lgcode_check_digit"),
        ("131017", "lgcode_check_digit"),
    ],
)
def test_normalize_rejects_bad_input(text, code):
    with pytest.raises(JapaneseInputError) as excinfo:
        lgcode_normalize(text)
    assert excinfo.value.code == code
    assert excinfo.value.message_ja
    assert excinfo.value.message_en


def test_check_digit_error_names_the_right_digit():
    with pytest.raises(JapaneseInputError) as excinfo:
        lgcode_normalize("212015")
    assert "6" in excinfo.value.message_ja


def test_repair_leading_zero():
    assert lgcode_repair_leading_zero("92011") == "092011"  # 09201 (Utsunomiya) lost its 0
    assert lgcode_repair_leading_zero("11002") == "011002"  # Sapporo
    assert lgcode_repair_leading_zero("11003") is None
    assert lgcode_repair_leading_zero("212016") is None
    assert lgcode_repair_leading_zero("abcde") is None


@settings(max_examples=500)
@given(five_digit_codes)
def test_every_five_digit_code_has_exactly_one_valid_check_digit(code5):
    valid = []
    for digit in "0123456789":
        try:
            valid.append(lgcode_normalize(code5 + digit))
        except JapaneseInputError as error:
            code = error.code
            assert code == "lgcode_check_digit"
    assert valid == [lgcode_normalize(code5)]


@settings(max_examples=500)
@given(
    five_digit_codes, st.integers(min_value=0, max_value=5), st.integers(min_value=1, max_value=9)
)
def test_single_digit_changes_are_detected(code5, position, delta):
    valid = lgcode_normalize(code5)
    changed_digit = (int(valid[position]) + delta) % 10
    changed = valid[:position] + str(changed_digit) + valid[position + 1 :]
    # The scheme maps remainders 0 and 10 both to check digit 1, so a change
    # that moves the weighted sum between those two remainders goes unnoticed
    # (about 1.8% of single-digit changes, e.g. 000001 and 900001 are both valid).
    # Every other single-digit change, including any change to the check digit, is caught.
    if position < 5 and {weighted_remainder(valid[:5]), weighted_remainder(changed[:5])} == {0, 10}:
        assert lgcode_normalize(changed) == changed
        return
    with pytest.raises(JapaneseInputError) as excinfo:
        lgcode_normalize(changed)
    assert excinfo.value.code == "lgcode_check_digit"


def test_the_known_blind_spot_of_the_check_digit():
    assert lgcode_normalize("000001") == "000001"
    assert lgcode_normalize("900001") == "900001"


@settings(max_examples=300)
@given(st.text(max_size=12))
def test_parsers_raise_only_japanese_input_error_on_arbitrary_text(text):
    try:
        result = lgcode_normalize(text)
    except JapaneseInputError as error:
        code = error.code
        assert code in ("lgcode_format", "lgcode_check_digit")
    else:
        assert len(result) == 6
    repaired = lgcode_repair_leading_zero(text)
    assert repaired is None or len(repaired) == 6
