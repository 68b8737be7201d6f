"""Japanese search over the catalog: NFKC and kana folding, filters."""

from __future__ import annotations

import pytest

from ukai.procedures.selectors import procedure_search


def slugs(**filters):
    return [p.slug for p in procedure_search(**filters)]


@pytest.mark.parametrize(
    "query", ["児童手当", "じどうてあて", "ジドウテアテ", "ｼﾞﾄﾞｳﾃｱﾃ", "child allowance"]
)
def test_search_finds_child_allowance_however_it_is_typed(catalog, query):
    assert "jido-teate-nintei-seikyu" in slugs(q=query)


def test_words_must_all_match(catalog):
    assert slugs(q="児童手当 寄附") == ["jido-teate-kifu-moushide"]
    assert slugs(q="存在しない手続") == []


def test_filters(catalog):
    care = slugs(life_event="long-term-care")
    assert len(care) == 11
    assert slugs(category="waste") == ["sodai-gomi-shushu"]
    assert "tenshutsu-todoke" in slugs(life_event="moving")
    assert "juminhyo-utsushi" in slugs(q="住民票", category="resident-registry")
    assert slugs(q="住民票", category="waste") == []
    assert "inu-toroku" not in slugs(channel="online")


def test_unpublished_procedures_are_not_listed(catalog):
    from ukai.procedures.models import Procedure

    Procedure.objects.filter(slug="inu-toroku").update(is_published=False)
    assert "inu-toroku" not in slugs()
