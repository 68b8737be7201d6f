"""Receipt numbers: readable, checked, and a mistyped digit is caught."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ukai.procedures.receipts import receipt_number_new, receipt_number_normalize


def test_new_numbers_are_grouped_and_valid():
    number = receipt_number_new()
    assert len(number) == 14
    assert number[4] == "-"
    assert number[9] == "-"
    assert receipt_number_normalize(number) == number


def test_typed_variants_are_accepted():
    number = receipt_number_new()
    digits = number.replace("-", "")
    full_width = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert receipt_number_normalize(f" {full_width} ") == number
    assert receipt_number_normalize(digits) == number
    assert receipt_number_normalize(number.replace("-", "ー")) == number


@given(st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_one_wrong_digit_is_caught(position, delta):
    digits = receipt_number_new().replace("-", "")
    wrong = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert receipt_number_normalize(wrong) is None


def test_other_text_is_not_a_receipt_number():
    for text in ["", "abc", "1234-5678", "１２３４５６７８９０１２３", "١٢٣٤٥٦٧٨٩٠١٢"]:
        assert receipt_number_normalize(text) is None


@given(st.integers(min_value=0, max_value=10))
def test_two_swapped_neighbours_are_caught(position):
    digits = receipt_number_new().replace("-", "")
    if digits[position] == digits[position + 1]:
        return
    swapped = digits[:position] + digits[position + 1] + digits[position] + digits[position + 2 :]
    assert receipt_number_normalize(swapped) is None
