import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.names import (
    KANJI_VARIANTS,
    kanji_variant_fold,
    name_search_key,
    name_validate,
    names_match,
)

IVS = "\U000e0100"  # VARIATION SELECTOR-17, the first ideographic variation selector
VS1 = "\ufe00"
variant_pairs = st.sampled_from(sorted(KANJI_VARIANTS.items()))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("髙橋一郎", "高橋一郎"),
        ("山﨑", "山崎"),
        ("山嵜", "山崎"),
        ("渡邉", "渡辺"),
        ("渡邊", "渡辺"),
        ("齋藤", "斎藤"),
        ("齊藤", "斉藤"),
        ("濵田", "浜田"),
        ("濱田", "浜田"),
        ("澤田", "沢田"),
        ("櫻井", "桜井"),
        ("國分", "国分"),
        ("廣瀬", "広瀬"),
        ("德川", "徳川"),
        ("冨田", "富田"),
        ("\uf9dc", "隆"),  # CJK compatibility ideograph U+F9DC
        ("惠子", "恵子"),
        ("眞一", "真一"),
        ("實", "実"),
        ("藏本", "蔵本"),
        ("𠮷田", "吉田"),
        ("飛驒", "飛騨"),
        ("葛" + IVS + "飾", "葛飾"),
        ("辻" + VS1, "辻"),
        ("高橋　一郎", "高橋一郎"),
        (" 高橋 一郎 ", "高橋一郎"),
        ("ﾀｶﾊｼ", "タカハシ"),
        ("ＳＭＩＴＨ John", "smith john"),
        ("高\u200b橋", "高橋"),  # zero-width space
    ],
)
def test_variants_match(a, b):
    assert names_match(a, b)
    assert name_search_key(a) == name_search_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("龍", "竜"),  # different names in practice
        ("斉藤", "斎藤"),
        ("埼", "崎"),
        ("高橋", "高梨"),
        ("たかはし", "タカハシ"),  # kana are not folded into each other for names
    ],
)
def test_different_names_do_not_match(a, b):
    assert not names_match(a, b)


def test_the_variant_table_is_conservative_and_well_formed():
    assert 40 <= len(KANJI_VARIANTS) <= 60
    for variant, common in KANJI_VARIANTS.items():
        assert len(variant) == 1
        assert len(common) == 1
        assert common not in KANJI_VARIANTS  # one step reaches the common form
    assert "龍" not in KANJI_VARIANTS
    assert "竜" not in KANJI_VARIANTS


def test_kanji_variant_fold_keeps_everything_else():
    assert kanji_variant_fold("髙橋 ﾀﾛｳ") == "高橋 ﾀﾛｳ"
    assert kanji_variant_fold("葛" + IVS + "飾区") == "葛飾区"
    assert kanji_variant_fold("\uf9dc") == "隆"


@pytest.mark.parametrize(
    "name",
    [
        "髙橋一郎",
        "葛" + IVS + "飾",
        "辻" + VS1 + "本",
        "山﨑",
        "Smith John",
        "グエン・ヴァン・アン",
        "山田　太郎",
    ],
)
def test_name_validate_keeps_the_exact_characters(name):
    assert name_validate(name) == name
    assert name_validate("　" + name + " ") == name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "name_empty"),
        ("   ", "name_empty"),
        ("　", "name_empty"),
        ("山" * 101, "name_too_long"),
        ("山田\x00太郎", "name_invalid_char"),
        ("山田\n太郎", "name_invalid_char"),
        ("山田\t太郎", "name_invalid_char"),
        ("山田\x7f", "name_invalid_char"),
        ("山田\u202e郎太", "name_invalid_char"),  # right-to-left override
        ("山田\u2028太郎", "name_invalid_char"),
    ],
)
def test_name_validate_rejects_bad_input(text, code):
    with pytest.raises(JapaneseInputError) as excinfo:
        name_validate(text)
    assert excinfo.value.code == code
    assert excinfo.value.message_ja
    assert excinfo.value.message_en


def test_name_validate_accepts_exactly_one_hundred_characters():
    assert name_validate("山" * 100) == "山" * 100


@settings(max_examples=500)
@given(st.text(max_size=30))
def test_name_search_key_is_idempotent(text):
    key = name_search_key(text)
    assert name_search_key(key) == key
    assert not any(c.isspace() for c in key)


@settings(max_examples=300)
@given(
    variant_pairs,
    st.text(alphabet="山田太郎一二 　", max_size=5),
    st.text(alphabet="山田太郎一二 　", max_size=5),
)
def test_variant_pairs_share_a_key_in_any_name(pair, before, after):
    variant, common = pair
    assert names_match(before + variant + after, before + common + after)


@settings(max_examples=300)
@given(
    st.text(alphabet="髙高橋﨑崎山田邉辺太郎", min_size=1, max_size=8),
    st.lists(st.sampled_from([IVS, "\U000e0101", VS1, "\ufe0f", " ", "　"]), max_size=4),
)
def test_selectors_and_spaces_do_not_change_the_key(name, extras):
    decorated = name[0] + "".join(extras) + name[1:]
    assert names_match(decorated, name)


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_name_validate_raises_only_japanese_input_error(text):
    try:
        result = name_validate(text)
    except JapaneseInputError as error:
        code = error.code
        assert code in ("name_empty", "name_too_long", "name_invalid_char")
    else:
        assert result == text.strip()
        assert result in text
