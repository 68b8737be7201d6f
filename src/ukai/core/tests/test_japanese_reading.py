import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.errors import JapaneseInputError
from ukai.core.japanese.kana import is_katakana_reading
from ukai.core.japanese.reading import MUNICIPAL_READINGS, reading_suggest


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("山田太郎", "ヤマダタロウ"),
        ("山田 太郎", "ヤマダ タロウ"),
        ("山田　太郎", "ヤマダ タロウ"),
        ("岐阜市", "ギフシ"),
        ("岐阜市役所", "ギフシヤクショ"),
        ("番号札", "バンゴウフダ"),  # SudachiPy alone reads バンゴウサツ
        ("司町", "ツカサマチ"),  # SudachiPy alone reads ツカサチョウ
        ("岐阜県岐阜市司町", "ギフケンギフシツカサマチ"),
        ("鏡島", "カガシマ"),
        ("岩野田", "イワノダ"),
        ("長良川", "ナガラガワ"),
        ("長良川鵜飼", "ナガラガワウカイ"),
        ("金華山", "キンカザン"),
        ("柳ケ瀬", "ヤナガセ"),
        ("市民課", "シミンカ"),
        ("住民票", "ジュウミンヒョウ"),
        ("髙橋", "タカハシ"),  # variant kanji read as their common form
        ("ｷﾞﾌ", "ギフ"),
        ("ぎふ", "ギフ"),
        ("", ""),
    ],
)
def test_reading_suggest(text, reading):
    assert reading_suggest(text) == reading


def test_digits_and_unknown_characters_are_kept():
    assert reading_suggest("第40号") == "ダイ40ゴウ"
    assert reading_suggest("🙂") == "🙂"


def test_municipal_dictionary():
    assert len(MUNICIPAL_READINGS) >= 20
    for term, reading in MUNICIPAL_READINGS.items():
        assert is_katakana_reading(reading), term
        assert reading_suggest(term) == reading


def test_too_long_input_is_an_input_error():
    with pytest.raises(JapaneseInputError) as excinfo:
        reading_suggest("山" * 201)
    assert excinfo.value.code == "reading_too_long"


def test_reading_suggest_from_other_threads():
    results: dict[str, str] = {}

    def suggest(text):
        results[text] = reading_suggest(text)

    threads = [
        threading.Thread(target=suggest, args=(t,)) for t in ("山田太郎", "岐阜市", "番号札")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"山田太郎": "ヤマダタロウ", "岐阜市": "ギフシ", "番号札": "バンゴウフダ"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_reading_suggest_never_fails_on_arbitrary_text(text):
    assert isinstance(reading_suggest(text), str)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="山田太郎岐阜市役所番号札長良川鵜飼金華山司町住民票のがに", min_size=1, max_size=12
    )
)
def test_readings_of_japanese_words_are_katakana(text):
    assert is_katakana_reading(reading_suggest(text))
