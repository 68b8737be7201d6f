from __future__ import annotations

import pytest

from ukai.ocr.fieldtypes import comparable, field_check, ocr_repair


@pytest.mark.parametrize(
    ("field_type", "text", "value"),
    [
        ("date", "R6.4.1", "令和6年4月1日"),
        ("date", "平成31年5月1日", "令和元年5月1日"),
        ("postal_code", "〒５００ー８７０１", "500-8701"),
        ("phone", "０５８２６５４１４１", "058-265-4141"),
        ("phone", "058-717-8643", "058-717-8643"),
        ("phone", "0587-17-8643", "0587-17-8643"),
        ("digits", "１２", "12"),
        ("kana", "ぎふ たろう", "ギフ　タロウ"),
        ("name", "髙橋  﨑太郎", "髙橋　﨑太郎"),
        ("checkbox", "✓", "1"),
        ("seal", "", "0"),
    ],
)
def test_values_are_normalised_by_type(field_type, text, value):
    check = field_check(field_type, text)
    assert check.valid, check.message_en
    assert check.value == value


def test_invalid_values_carry_japanese_and_english_messages():
    check = field_check("postal_code", "50087")
    assert not check.valid
    assert "郵便番号" in check.message_ja
    assert "postal code" in check.message_en
    assert field_check("digits", "12a").code == "digits_only"
    assert field_check("text", "", {"required": True}).code == "required"
    assert field_check("digits", "25", {"min": 1, "max": 20}).code == "too_large"
    assert field_check("date", "令和18年1月14日", {"not_future": True}).code == "date_in_future"
    assert field_check("date", "令和6年1月14日", {"not_future": True}).valid


def test_ocr_repair_fixes_the_day_mark_but_not_names():
    assert ocr_repair("date", "昭和38年12月19H") == "昭和38年12月19日"
    assert ocr_repair("name", "H") == "H"
    assert comparable("date", "R6.4.1") == comparable("date", "令和6年4月1日")
