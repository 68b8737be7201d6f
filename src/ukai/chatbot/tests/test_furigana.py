"""Furigana over the kanji of answers, from the real Sudachi dictionary."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ukai.chatbot.furigana import furigana_html, word_furigana
from ukai.chatbot.models import Entry


def readings(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<ruby>([^<]+)<rp>（</rp><rt>([^<]+)</rt>", html)


def test_okurigana_stay_outside_the_ruby():
    html = word_furigana("申し込み", "モウシコミ")
    assert readings(html) == [("申", "もう"), ("込", "こ")]
    assert html.endswith("</ruby>み")
    assert word_furigana("ください", "クダサイ") == "ください"  # no kanji, no ruby


def test_municipal_readings_win_over_sudachi_and_only_kanji_are_read():
    html = furigana_html("番号札をお取りください。長良川の鵜飼は5月から。")
    assert ("番号札", "ばんごうふだ") in readings(html)  # Sudachi alone reads 札 as さつ
    assert ("長良川", "ながらがわ") in readings(html)
    assert ("取", "と") in readings(html)
    assert "5" in html
    assert "<ruby>5" not in html


def test_markup_is_escaped_links_and_lines_kept():
    html = furigana_html("<b>窓口</b>は https://www.city.gifu.lg.jp/ です。\n電話 058-265-4141")
    assert "&lt;b&gt;" in html
    assert "<b>" not in html
    assert '<a href="https://www.city.gifu.lg.jp/" rel="nofollow">' in html
    assert "<br>" in html
    assert ("電話", "でんわ") in readings(html)


def test_rendered_answers_are_cached():
    furigana_html.cache_clear()
    furigana_html("住民票の写しを請求します。")
    furigana_html("住民票の写しを請求します。")
    assert furigana_html.cache_info().hits == 1


@pytest.mark.django_db
def test_the_furigana_option_on_the_page_and_on_an_entry(client, seeded):
    plain = client.post(reverse("chatbot:home"), {"question": "住民票はどこで取れますか"})
    assert "<ruby>" not in plain.content.decode()
    assert "ふりがなをつけて読む" in plain.content.decode()
    response = client.post(
        reverse("chatbot:home"), {"question": "住民票はどこで取れますか", "furigana": "on"}
    )
    html = response.content.decode()
    assert ("住民票", "じゅうみんひょう") in readings(html)
    assert 'name="furigana" id="id_furigana" checked' in html  # kept for the next question
    entry = Entry.objects.get(key="koseki-001")
    page = client.get(reverse("chatbot:entry", args=[entry.pk]), {"furigana": "1"})
    assert ("市民課", "しみんか") in readings(page.content.decode())
    assert "ふりがなを消す" in page.content.decode()
