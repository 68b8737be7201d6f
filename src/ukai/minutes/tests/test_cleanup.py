"""ケバ取り and 整文: the labelled filler set, the tricky non-filler words, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ukai.minutes.cleanup import (
    filler_spans,
    fillers_remove,
    glossary_load,
    kanji_number_value,
    numbers_arabic,
    repeats_collapse,
    written_style,
)
from ukai.minutes.evaluation import filler_score, labelled_load, labelled_parse

from .audio_files import FIXTURES

PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.95


def test_the_labelled_filler_set_is_removed_with_high_precision_and_recall():
    utterances = labelled_load(FIXTURES / "fillers.txt")
    assert len(utterances) >= 100
    score = filler_score(utterances, filler_spans)
    assert score.precision >= PRECISION_FLOOR, score.false_positives
    assert score.recall >= RECALL_FLOOR, score.misses


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("えー、ただいまから会議を開きます。", "ただいまから会議を開きます。"),
        ("本件は、えー、あのー、継続審査とします。", "本件は、継続審査とします。"),
        ("あの件については、その結果を報告します。", "あの件については、その結果を報告します。"),
        ("まあまあの成果でした。", "まあまあの成果でした。"),
        ("まあ、そういうことです。", "そういうことです。"),
        ("これはですね、重要な課題です。", "これは、重要な課題です。"),
        ("A本件は可決されました。", "本件は可決されました。"),
        ("A案とB案を比べます。", "A案とB案を比べます。"),
        ("いまある施設を使います。", "いまある施設を使います。"),
    ],
)
def test_fillers_go_and_words_that_look_like_fillers_stay(spoken, written):
    assert fillers_remove(spoken) == written


def test_written_style_applies_the_glossary_numbers_and_punctuation():
    glossary = glossary_load()
    assert written_style("ギアン第一号について、ご意義ありませんか", glossary=glossary) == (
        "議案第1号について、ご異議ありませんか。"
    )
    assert (
        written_style("えー 本日は 三十人 出席しています", glossary=glossary)
        == "本日は30人出席しています。"
    )
    assert written_style("これは大事な点ですね", glossary=glossary) == "これは大事な点です。"
    assert written_style("本件、本件は可決されました。") == "本件は可決されました。"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("二十三", 23),
        ("百五", 105),
        ("千二百三十四", 1234),
        ("二〇二五", 2025),
        ("三万五千", 35000),
    ],
)
def test_kanji_numerals_are_read(numeral, value):
    assert kanji_number_value(numeral) == value


def test_numbers_only_change_where_they_count_something():
    assert numbers_arabic("議案第十二号と令和七年度の予算") == "議案第12号と令和7年度の予算"
    assert numbers_arabic("一般会計と一部の事業、一時休憩") == "一般会計と一部の事業、一時休憩"


def test_repeats_are_collapsed_but_reduplicated_words_stay():
    assert repeats_collapse("本件、本件は") == "本件は"
    assert repeats_collapse("まあまあです、いろいろあります") == "まあまあです、いろいろあります"


def test_the_glossary_file_is_valid_and_names_council_terms():
    glossary = glossary_load()
    assert {"岐阜市議会", "市長", "可決", "異議なし"} <= set(glossary.terms)
    assert all(wrong != right for wrong, right in glossary.corrections)


def test_labelled_lines_are_parsed_into_text_and_spans():
    parsed = labelled_parse("[えー]、本件は[あのー]、")
    assert parsed.text == "えー、本件はあのー、"
    assert parsed.fillers == ((0, 2), (6, 9))


@given(st.text(max_size=200))
def test_cleanup_never_crashes(text):
    assert isinstance(written_style(text, glossary=glossary_load()), str)
    for start, end in filler_spans(text):
        assert 0 <= start < end <= len(text)


CONTENT_WORDS = [
    "あの件",
    "その結果",
    "まあまあ",
    "本会議",
    "議案第1号",
    "市長",
    "可決",
    "継続審査",
    "予算",
    "このまま",
    "あまり",
    "えいようし",
    "ウーロン茶",
    "A案",
    "その後",
    "あの方",
    "いまある",
]
FILLERS = ["えー", "えーと", "あのー", "まあ", "その", "あの", "うーん", "A", "エー", "ええと"]


@given(
    st.lists(
        st.tuples(st.sampled_from(CONTENT_WORDS), st.booleans(), st.sampled_from(FILLERS)),
        min_size=1,
        max_size=8,
    )
)
def test_cleanup_removes_inserted_fillers_and_never_a_content_word(parts):
    pieces = []
    for word, with_filler, filler in parts:
        if with_filler:
            pieces.append(f"{filler}、")
        pieces.append(f"{word}、")
    spoken = "".join(pieces)
    cleaned = fillers_remove(spoken)
    expected = "、".join(word for word, _, _ in parts) + "、"
    assert cleaned == expected
