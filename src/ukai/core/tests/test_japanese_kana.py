import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.kana import (
    is_katakana_reading,
    kana_fold,
    kana_validate,
    to_hiragana,
    to_katakana,
)

hiragana = st.text(alphabet=[chr(c) for c in range(0x3041, 0x3097)], max_size=20)


def test_to_katakana():
    assert to_katakana("ぎふし") == "ギフシ"
    assert to_katakana("ｷﾞﾌｼ") == "ギフシ"
    assert to_katakana("ゔぁいおりん") == "ヴァイオリン"
    assert to_katakana("岐阜し123") == "岐阜シ123"


def test_to_hiragana():
    assert to_hiragana("ギフシ") == "ぎふし"
    assert to_hiragana("ｷﾞﾌｼ") == "ぎふし"
    assert to_hiragana("ヴ") == "ゔ"
    assert to_hiragana("ヷ") == "ヷ"  # no hiragana form
    assert to_hiragana("岐阜シ") == "岐阜し"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ぎふし", "ギフシ"),
        ("ｷﾞﾌｼ", "ギフシ"),
        ("ギフ シ", "ギフシ"),
        ("ギフ　シ", "ギフシ"),
        ("がっこう", "ガッコウ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("か゛", "ガ"),  # a lone dakuten typed after the kana
        ("ﾊﾟｰﾃｨｰ", "パーティー"),
    ],
)
def test_kana_fold_equates_spelling_variants(a, b):
    assert kana_fold(a) == kana_fold(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ヤマダ", "ヤマタ"),
        ("ガッコウ", "ガツコウ"),  # small kana are kept
        ("ビル", "ビール"),  # the long vowel is kept
        ("ヴァイオリン", "バイオリン"),  # ヴ is kept
    ],
)
def test_kana_fold_keeps_distinctions_that_change_the_word(a, b):
    assert kana_fold(a) != kana_fold(b)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("ヤマダ タロウ", True),
        ("ヤマダ　タロウ", True),
        ("ジョン・スミス", True),
        ("ヴィエト", True),
        ("キョウコ", True),
        ("ルーシー", True),
        ("やまだ", False),
        ("ﾔﾏﾀﾞ", False),
        ("山田", False),
        ("YAMADA", False),
        ("ヤマダ1", False),
        ("", False),
        (" ", False),
        ("ー・", False),
    ],
)
def test_is_katakana_reading(text, valid):
    assert is_katakana_reading(text) is valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ヤマダ タロウ", "ヤマダ タロウ"),
        ("やまだ　たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("  ヤマダ   タロウ  ", "ヤマダ タロウ"),
        ("ジョン・スミス", "ジョン・スミス"),
        ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),
    ],
)
def test_kana_validate_cleans_up(text, expected):
    assert kana_validate(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "kana_empty"),
        ("　", "kana_empty"),
        ("山田", "kana_only"),
        ("ヤマダ1", "kana_only"),
        ("Yamada", "kana_only"),
        ("ヤマダ\x00", "kana_only"),
        ("ー", "kana_only"),
        ("ア" * 101, "kana_too_long"),
    ],
)
def test_kana_validate_rejects_bad_input(text, code):
    with pytest.raises(JapaneseInputError) as excinfo:
        kana_validate(text)
    assert excinfo.value.code == code
    assert excinfo.value.message_ja
    assert excinfo.value.message_en


def test_kana_only_message_names_the_offending_characters():
    with pytest.raises(JapaneseInputError) as excinfo:
        kana_validate("ヤマ田")
    assert "田" in excinfo.value.message_ja


@settings(max_examples=500)
@given(st.text(max_size=30))
def test_kana_fold_is_idempotent(text):
    folded = kana_fold(text)
    assert kana_fold(folded) == folded
    assert not any(c.isspace() for c in folded)


@settings(max_examples=300)
@given(hiragana)
def test_kana_fold_equates_hiragana_and_katakana(text):
    assert kana_fold(text) == kana_fold(to_katakana(text))
    assert to_hiragana(to_katakana(text)) == text


@settings(max_examples=500)
@given(st.text(max_size=30))
def test_kana_validate_raises_only_japanese_input_error_and_returns_valid_readings(text):
    try:
        result = kana_validate(text)
    except JapaneseInputError as error:
        code = error.code
        assert code.startswith("kana_")
    else:
        assert is_katakana_reading(result)
        assert kana_validate(result) == result
