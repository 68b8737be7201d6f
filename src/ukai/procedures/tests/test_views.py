"""The public catalog pages: browse, search, a procedure with its department and form outline."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse


@pytest.fixture
def gifu(db):
    """The Gifu City demo (departments with counters) and the catalog."""
    call_command("ukai_demo", verbosity=0)


def test_home_lists_every_published_procedure(catalog, client):
    response = client.get(reverse("procedures:home"))
    assert response.status_code == 200
    body = response.content.decode()
    # 32, and the one-stop counter's 15 (procedures-counter.json)
    assert body.count('class="link-list__item"') == 32 + 15
    assert "ライフイベントから探す" in body


def test_home_filters_by_life_event_and_searches(catalog, client):
    body = client.get(reverse("procedures:home"), {"life_event": "disaster"}).content.decode()
    assert "罹災証明書の交付申請" in body
    assert "犬の登録" not in body
    body = client.get(reverse("procedures:home"), {"q": "そだいごみ"}).content.decode()
    assert "粗大ごみの収集申込" in body
    assert "1件の手続が見つかりました" in body
    body = client.get(reverse("procedures:home"), {"q": "x" * 5000, "category": "nope"}).content
    assert "条件に合う手続はありません" in body.decode()


def test_procedure_page_shows_what_a_resident_needs(gifu, client):
    response = client.get(reverse("procedures:detail", args=["jido-teate-nintei-seikyu"]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "児童手当法第7条",
        "請求者名義の金融機関の口座情報",
        "無料",
        "子ども支援課",
        "市庁舎1階",
        "申請様式（第1版）",
        "児童の生年月日",
        "「配偶者はいますか」が「いる」のとき",
        "1〜15件",
        "妊娠の届出",
    ]:
        assert text in body, text


def test_unknown_fee_and_department_are_said_plainly(gifu, client):
    # A procedure whose department the city has not registered falls back to the main number.
    apps.get_model("core", "Department").objects.filter(code="seikatsu-eisei").delete()
    body = client.get(reverse("procedures:detail", args=["inu-toroku"])).content.decode()
    assert "手数料は担当課にご確認ください。" in body
    assert "担当課は市役所（代表）にお問い合わせください。" in body
    assert "058-265-4141" in body
    assert "この手続はオンラインでは申請できません" in body


def test_unknown_procedure_is_404(catalog, client):
    assert client.get("/procedures/no-such-procedure/").status_code == 404


def test_core_home_links_to_the_catalog(catalog, client):
    assert reverse("procedures:home") in client.get("/").content.decode()


def test_pages_in_english(gifu, client):
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    body = client.get(reverse("procedures:home"), **en).content.decode()
    assert "Application for Child Allowance (recognition of eligibility)" in body
    assert "Browse by life event" in body
    assert "Long-term care" in body
    body = client.get(reverse("procedures:detail", args=["juminhyo-utsushi"]), **en).content
    page = body.decode()
    assert '<html lang="en">' in page
    assert "300 yen per copy" in page
    assert "Proof of identity (My Number card, driving licence, etc.)" in page
    assert "Number of copies" in page
    from ukai.procedures.tests.conftest import start_application

    start_application(client, "juminhyo-utsushi")
    step = reverse("procedures:apply_step", args=["juminhyo-utsushi", "requester"])
    page = client.post(step, {}, **en).content.decode()
    assert "Reading in katakana (furigana)" in page
    assert "Enter “Your date of birth”." in page
    assert "Step 1 of 2" in page
    assert "Please check what you entered" in page
