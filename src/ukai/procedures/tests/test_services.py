"""Seeding, form definition versions (a published version never changes) and the plan KPI."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.procedures import service, services
from ukai.procedures.formspec import FormDefinitionInvalid
from ukai.procedures.models import Channel, FormDefinition, Procedure
from ukai.procedures.seed import DATA_DIR, procedures_seed
from ukai.procedures.selectors import form_definition_current

SEEDED_FORMS = len(list((DATA_DIR / "forms").glob("*.json")))
# The one-stop counter's procedures (procedures-counter.json), offered at the counter only.
COUNTER = len(
    json.loads((DATA_DIR / "procedures-counter.json").read_text(encoding="utf-8"))["procedures"]
)
SIMPLE = {
    "title": "テスト様式",
    "steps": [{"key": "s", "title": "S", "fields": [{"key": "a", "type": "text", "label": "A"}]}],
}


def test_seed_loads_thirty_two_procedures_and_is_idempotent(catalog):
    # 32 in the catalog, and the chatbot's inquiry form, which is not listed.
    assert catalog.created == 33 + COUNTER
    assert catalog.forms_published == SEEDED_FORMS == 33 + COUNTER
    assert Procedure.objects.filter(is_published=True).count() == 32 + COUNTER
    again = procedures_seed()
    assert (again.created, again.updated, again.forms_published) == (0, 0, 0)
    assert FormDefinition.objects.count() == SEEDED_FORMS
    standard = Procedure.objects.exclude(
        slug__in=[
            "juminhyo-utsushi",
            "tenshutsu-todoke",
            "sodai-gomi-shushu",
            "inu-toroku",
            "risai-shomeisho",
            "shugaku-enjo",
            "chatbot-inquiry",
        ]
    )
    assert standard.count() == 26 + COUNTER
    assert all(p.name_en and p.description_en and p.description_easy for p in standard)


def test_seed_command_prints_a_summary(db):
    out = io.StringIO()
    call_command("procedures_seed", stdout=out)
    assert f"手続 {33 + COUNTER}件を登録" in out.getvalue()


def test_unknown_fees_stay_unknown(catalog):
    assert Procedure.objects.get(slug="inu-toroku").fee_yen is None
    assert Procedure.objects.get(slug="sodai-gomi-shushu").fee_yen is None
    assert Procedure.objects.get(slug="juminhyo-utsushi").fee_yen == 300


def test_draft_then_publish_then_immutable(db):
    procedure = Procedure.objects.create(
        slug="test", name="テスト", department_code="shimin", category="waste", channels=["online"]
    )
    draft = services.form_definition_create(procedure=procedure, definition=SIMPLE)
    assert (draft.version, draft.status) == (1, "draft")
    changed = {**SIMPLE, "title": "変更後"}
    draft = services.form_definition_update(form_definition=draft, definition=changed)
    assert draft.definition["title"] == "変更後"
    published = services.form_definition_publish(form_definition=draft)
    assert published.status == "published"
    assert published.published_at is not None
    with pytest.raises(UkaiError) as caught:
        services.form_definition_update(form_definition=published, definition=SIMPLE)
    assert caught.value.code == "form_definition_published"
    with pytest.raises(UkaiError):
        services.form_definition_publish(form_definition=published)
    # The model refuses too, whatever the caller.
    published.definition = SIMPLE
    with pytest.raises(UkaiError):
        published.save()
    with pytest.raises(UkaiError):
        published.delete()
    assert FormDefinition.objects.get(pk=published.pk).definition["title"] == "変更後"
    second = services.form_definition_create(procedure=procedure, definition=SIMPLE)
    assert second.version == 2
    assert form_definition_current(procedure=procedure) == published
    services.form_definition_publish(form_definition=second)
    current = form_definition_current(procedure=procedure)
    assert current is not None
    assert current.version == 2


def test_an_invalid_definition_is_refused_and_nothing_is_written(db):
    procedure = Procedure.objects.create(
        slug="t2", name="テスト", department_code="shimin", category="waste"
    )
    with pytest.raises(FormDefinitionInvalid):
        services.form_definition_create(procedure=procedure, definition={"title": "x"})
    assert FormDefinition.objects.count() == 0


def test_kpi_counts_online_procedures_with_a_published_form(catalog):
    today = timezone.localdate()
    result = service.kpi_procedures_online(as_of=today)
    # Every procedure has a form; 犬の登録 is not offered online (counter and post), and
    # the chatbot's inquiry form is not in the catalog, nor are the counter-only procedures online.
    assert result["value"] == float(SEEDED_FORMS - COUNTER - 2)
    assert "オンライン" in result["description"]
    assert service.kpi_procedures_online(as_of=today - timedelta(days=1))["value"] == 0.0
    Procedure.objects.filter(slug="sodai-gomi-shushu").update(channels=[Channel.COUNTER])
    assert service.kpi_procedures_online(as_of=today)["value"] == SEEDED_FORMS - COUNTER - 3
    Procedure.objects.filter(slug="juminhyo-utsushi").update(is_published=False)
    assert service.kpi_online_procedures(as_of=today)["value"] == SEEDED_FORMS - COUNTER - 4


def test_kpi_with_no_data(db):
    assert service.kpi_procedures_online(as_of=date(2024, 4, 1))["value"] == 0.0
