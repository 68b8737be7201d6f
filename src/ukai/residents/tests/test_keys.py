"""Search keys: variants fold for matching, the stored text is never changed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ukai.residents.keys import address_key, is_kana_query, kana_key, name_key


def test_variant_kanji_and_ivs_share_a_key() -> None:
    assert name_key("髙橋\u3000一郎") == name_key("高橋一郎") == "高橋一郎"
    assert name_key("山﨑") == name_key("山崎")
    assert name_key("渡邊") == name_key("渡邉") == name_key("渡辺")
    assert name_key("齋藤") == name_key("斎藤")
    assert name_key("𠮷田") == name_key("吉田")
    assert name_key("葛\U000e0100西") == name_key("葛西")


def test_different_names_stay_apart() -> None:
    # 斉藤 and 斎藤 are different names in practice (core.japanese.names).
    assert name_key("斉藤") != name_key("斎藤")
    assert name_key("高橋") != name_key("高端")


def test_readings_fold_hiragana_and_half_width() -> None:
    assert kana_key("たかはし いちろう") == kana_key("ﾀｶﾊｼ ｲﾁﾛｳ") == "タカハシイチロウ"
    assert is_kana_query("たかはし")
    assert not is_kana_query("高橋")
    assert not is_kana_query("")


def test_address_keys_drop_the_city_and_normalise_digits() -> None:
    assert address_key("岐阜県岐阜市長良１２３－４") == "長良123-4"
    assert address_key("岐阜市 長良") == address_key("長良") == "長良"
    assert address_key("司町40ー1") == "司町40-1"
    assert address_key("グリーンハイツ") == "グリーンハイツ"


@given(st.text(max_size=30))
def test_keys_are_stable(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)
    assert address_key(address_key(text)) == address_key(text) or "岐阜" in text
