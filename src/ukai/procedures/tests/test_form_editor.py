"""Staff edit a form as a new version: problems located, live preview, publishing by the 所属長."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from ukai.procedures.models import FormDefinition
from ukai.procedures.selectors import form_definition_current, procedure_by_slug
from ukai.procedures.tests.test_submit import gifu, staff

__all__ = ["gifu"]

KAIGO = "yokaigo-nintei-shinsei"


def test_a_manager_edits_a_new_version_and_publishes_it(gifu):
    manager = staff(Client(), "manager")  # 所属長 of 介護保険課
    page = manager.get(reverse("procedures_staff:form_versions", args=[KAIGO]))
    assert "第1版" in page.content.decode()
    response = manager.post(reverse("procedures_staff:form_new", args=[KAIGO]))
    edit_url = reverse("procedures_staff:form_edit", args=[KAIGO, 2])
    assert response["Location"] == edit_url
    draft = FormDefinition.objects.get(procedure__slug=KAIGO, version=2)
    definition = dict(draft.definition)

    # A broken definition: every problem with its location, nothing saved.
    broken = {**definition, "steps": [{"key": "check", "title": "x", "fields": []}]}
    response = manager.post(edit_url, {"definition": json.dumps(broken), "action": "save"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "件の問題があります" in body
    assert "steps.0.fields" in body
    response = manager.post(edit_url, {"definition": '{"title": ', "action": "save"})
    assert "JSON の書き方に誤りがあります" in response.content.decode()
    draft.refresh_from_db()
    assert draft.definition == definition

    # A new question, previewed, then saved and published.
    definition["steps"][0]["fields"].append(
        {"key": "contact_time", "type": "text", "label": "連絡のつきやすい時間帯"}
    )
    text = json.dumps(definition, ensure_ascii=False)
    preview = manager.post(
        reverse("procedures_staff:form_preview", args=[KAIGO, 2]), {"definition": text}
    )
    assert "連絡のつきやすい時間帯" in preview.content.decode()
    response = manager.post(edit_url, {"definition": text, "action": "publish"})
    assert response.status_code == 302
    procedure = procedure_by_slug(KAIGO)
    assert procedure is not None
    current = form_definition_current(procedure=procedure)
    assert current is not None
    assert current.version == 2
    assert current.definition["steps"][0]["fields"][-1]["key"] == "contact_time"
    # A published version cannot be changed any more.
    assert manager.post(edit_url, {"definition": text, "action": "save"}).status_code == 403


def test_department_staff_save_drafts_but_do_not_publish(gifu):
    department = staff(Client(), "department")  # 子ども支援課, not a 所属長
    slug = "jido-teate-nintei-seikyu"
    department.post(reverse("procedures_staff:form_new", args=[slug]))
    edit_url = reverse("procedures_staff:form_edit", args=[slug, 2])
    page = department.get(edit_url).content.decode()
    assert "保存して公開する" not in page
    assert "公開は所属長またはシステム管理者が行います" in page
    text = json.dumps(FormDefinition.objects.get(procedure__slug=slug, version=2).definition)
    assert department.post(edit_url, {"definition": text, "action": "save"}).status_code == 302
    assert department.post(edit_url, {"definition": text, "action": "publish"}).status_code == 403
    assert FormDefinition.objects.get(procedure__slug=slug, version=2).status == "draft"
    # Another department's form is not theirs to edit.
    url = reverse("procedures_staff:form_versions", args=[KAIGO])
    assert department.get(url).status_code == 403
