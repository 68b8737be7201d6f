from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.opendata.errors import SearchQueryError
from ukai.opendata.selectors import search_query_parse, search_sort_parse


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_query_parses_or_is_a_search_query_error(text):
    refused: SearchQueryError | None
    try:
        parsed = search_query_parse(text)
    except SearchQueryError as exc:
        refused = exc
    else:
        refused = None
    if refused is not None:
        assert refused.status == 400
        assert refused.message_ja.startswith("Search error:")
        return
    for phrase in parsed.phrases:
        assert phrase
        assert phrase == phrase.lower()


@given(st.text(alphabet="避難人口岐阜市公園ＡＥＤ０１", min_size=1, max_size=12))
def test_japanese_words_become_one_normalised_phrase(word):
    parsed = search_query_parse(word)
    assert len(parsed.phrases) == 1
    assert "ＡＥＤ" not in parsed.phrases[0]


def test_supported_and_refused_syntax():
    parsed = search_query_parse('避難 "公衆 トイレ" tags:防災 +organization:gifu-city *:*')
    assert parsed.phrases == ["避難", "公衆 トイレ"]
    assert ("tags__name", "防災") in parsed.filters
    for bad in ("a OR b", "title:a*", "x~2", "(a)", "n:[1 TO 2]", "NOT a", '"open', "foo:bar"):
        try:
            search_query_parse(bad)
        except SearchQueryError:
            continue
        raise AssertionError(bad)
    assert search_sort_parse("name asc") == ["name", "-modified"]
