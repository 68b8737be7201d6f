"""The counter's pages in English: the catalog, and the life events' English beside the Japanese."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ukai.counter import services
from ukai.counter.models import LifeEvent, Visit
from ukai.counter.templatetags.counter_i18n import localized, localized_message

from .test_visits import (
    CONTACT,
    INTERVIEW,
    MOVING_IN_FAMILY,
    complete_forms,
    fresh,
    moving_in_to_forms,
)


def english(client: Client) -> Client:
    """The language switcher's choice, as the browser sends it back."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def identified(staff: Any) -> Visit:
    visit = services.visit_start(life_event=LifeEvent.objects.get(code="moving_in"), staff=staff)
    services.visit_identify_manual(
        visit=visit, revision=visit.revision, persons=MOVING_IN_FAMILY, contact=CONTACT, staff=staff
    )
    return fresh(visit)


def test_the_home_page_in_english_names_the_life_events_in_english(
    events: Any, staff_client: Any
) -> None:
    page = english(staff_client("counter")).get(reverse("counter:home")).content.decode()
    assert "<h1>One-stop counter (書かない窓口)</h1>" in page
    assert "Start the visit" in page
    assert "Moving into Gifu City" in page
    assert "For people who moved to Gifu City from another municipality or from abroad." in page
    assert "Bereavement" in page
    assert "転入（市外から引っ越してきた）" not in page
    assert "受付を開始する" not in page

    # A life event without an English name shows its Japanese one, not an empty choice.
    LifeEvent.objects.filter(code="moving_in").update(name_en="", description_en="")
    page = english(staff_client("counter", "clerk-2")).get(reverse("counter:home")).content.decode()
    assert "転入（市外から引っ越してきた）" in page
    assert "市外・国外から岐阜市に住所を移した方の手続です。" in page

    # In Japanese (the default) nothing changes.
    page = staff_client("counter", "clerk-3").get(reverse("counter:home")).content.decode()
    assert "受付を開始する" in page
    assert "Bereavement" not in page


def test_the_interview_in_english_asks_the_english_questions(
    events: Any, staff: Any, staff_client: Any
) -> None:
    visit = identified(staff("counter"))
    client = english(staff_client("counter", "clerk-2"))
    page = client.get(reverse("counter:interview", args=[visit.pk])).content.decode()

    assert "Interview：Moving into Gifu City</h1>" in page
    assert 'aria-current="step">Interview</span>' in page
    assert ">Identity check</a>" in page
    assert "<span>Signature</span>" in page
    assert "Children of primary or lower secondary school age" in page  # a fact from the records
    assert "The day you started living in Gifu City" in page
    assert "Notify within 14 days of moving in." in page
    assert "> National Health Insurance</label>" in page
    assert "> Yes</label>" in page
    assert "Decide the procedures needed" in page

    spec = services.visit_spec(visit)
    for question in spec.questions:
        if question.label_en:
            assert question.label not in page, question.key
        if question.help_en:
            assert question.help not in page, question.key
        for choice in question.choices:
            if choice.label_en:
                assert choice.label not in page, choice.value

    # What staff posted wrong is listed under the English question.
    response = client.post(
        reverse("counter:interview", args=[visit.pk]),
        {**INTERVIEW, "move_date": "", "revision": visit.revision},
    )
    assert response.status_code == 422
    assert "Check the answers" in response.content.decode()
    assert '<a href="#q-move_date">The day you started living in Gifu City：' in (
        response.content.decode()
    )


def test_the_procedures_page_in_english_gives_the_english_reasons(
    events: Any, staff: Any, staff_client: Any
) -> None:
    clerk = staff("counter")
    visit = identified(clerk)
    services.visit_interview_save(
        visit=visit, revision=visit.revision, raw_answers=INTERVIEW, staff=clerk
    )
    client = english(staff_client("counter", "clerk-2"))
    page = client.get(reverse("counter:procedures", args=[visit.pk])).content.decode()

    assert "<h1>Procedures needed</h1>" in page
    assert "There are 2 children under 18: child allowance" in page
    assert "2 school-age children will attend a city school: school transfer" in page
    assert "Application for Child Allowance (recognition of eligibility)" in page
    assert "18歳未満のお子さん（2人）がいるため：児童手当" not in page
    assert "Prepare the forms" in page

    # A visit saved before the rules had English keeps its Japanese reasons rather than none.
    visit = fresh(visit)
    visit.procedures = [
        {k: v for k, v in row.items() if k != "reasons_en"} for row in visit.procedures
    ]
    visit.save(update_fields=["procedures"])
    page = client.get(reverse("counter:procedures", args=[visit.pk])).content.decode()
    assert "18歳未満のお子さん（2人）がいるため：児童手当" in page


def test_localized_picks_english_for_every_language_but_japanese() -> None:
    question = {"label": "印鑑登録をしますか", "label_en": "Register a seal?", "help": "前の登録"}
    with translation.override("ja"):
        assert localized(question, "label") == "印鑑登録をしますか"
    with translation.override("en"):
        assert localized(question, "label") == "Register a seal?"
        assert localized(question, "help") == "前の登録"  # no English: the Japanese
        assert localized(question, "title") == ""
    with translation.override("zh-hans"):
        assert localized(question, "label") == "Register a seal?"

    error = SimpleNamespace(
        message_ja="電話番号の形式が違います。", message_en="Not a phone number."
    )
    with translation.override("en"):
        assert localized_message(error) == "Not a phone number."
        assert (
            localized_message(SimpleNamespace(message_ja="必須です。", message_en=""))
            == "必須です。"
        )
    with translation.override("ja"):
        assert localized_message(error) == "電話番号の形式が違います。"


def test_the_forms_and_the_signature_page_in_english_use_the_forms_english_labels(
    events: Any, staff: Any, staff_client: Any
) -> None:
    clerk = staff("counter")
    visit = moving_in_to_forms(clerk)
    client = english(staff_client("counter", "clerk-2"))
    page = client.get(reverse("counter:forms", args=[visit.pk])).content.decode()
    assert "Filled in from the records" in page
    assert '<a href="#f0-top">Moving-in notification</a>' in page
    assert "You started living in Gifu City (notify within 14 days)" in page
    specs = []
    for row in visit.procedures:
        found = services.procedure_form(row["slug"])
        assert found is not None
        specs.append(found[2])
    checked = 0
    for spec in specs:
        assert spec.title_en, spec.title
        assert f">{spec.title_en} <span" in page
        assert f">{spec.title} <span" not in page
        for field in spec.fields():
            if field.label_en and field.type not in {"file", "signature", "group"}:
                assert not re.search(f">{re.escape(field.label)}[ <]", page), field.key
                checked += 1
    assert checked > 20

    services.visit_forms_save(
        visit=visit, revision=visit.revision, forms=complete_forms(visit), staff=clerk
    )
    page = client.get(reverse("counter:sign", args=[visit.pk])).content.decode()
    assert "<h1>Check and sign</h1>" in page
    for spec in specs:
        assert f">{spec.title_en} <span" in page
