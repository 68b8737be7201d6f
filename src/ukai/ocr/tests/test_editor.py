"""The template editor: create and change templates in the browser, through the import's checks."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model

from ukai.core.testing.staff import staff_client_login
from ukai.ocr import samples
from ukai.ocr.models import FormTemplate, ReadingJob

pytestmark = pytest.mark.django_db


def login(client):
    staff = get_user_model().objects.create_user(
        username="ocr-editor", password="x" * 20, role="department"
    )
    staff_client_login(client, staff)


def blank_png() -> io.BytesIO:
    buffer = io.BytesIO()
    samples.blank_form().save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "blank.png"
    return buffer


ZONES = [
    {"name": "applicant_name", "label": "請求者の氏名", "type": "name", "box": [488, 590, 804, 96]},
    {
        "name": "postal_code",
        "label": "郵便番号",
        "type": "postal_code",
        "box": [488, 926, 1038, 96],
    },
]


def test_a_new_template_is_created_from_an_image_and_drawn_zones(client):
    login(client)
    response = client.post(
        "/staff/ocr/templates/new/",
        {
            "title": "請求書（試作）",
            "name": "draft-form",
            "dpi": 200,
            "image": blank_png(),
            "zones": json.dumps(ZONES),
        },
    )
    assert response.status_code == 302
    template = FormTemplate.objects.get(name="draft-form")
    assert [zone.name for zone in template.zones.all()] == ["applicant_name", "postal_code"]
    assert (template.width, template.height) == (samples.WIDTH, samples.HEIGHT)


def test_every_problem_is_listed_and_nothing_is_written(client):
    login(client)
    zones = [*ZONES, {"name": "applicant_name", "type": "barcode", "box": [1600, 10, 100, 40]}]
    response = client.post(
        "/staff/ocr/templates/new/",
        {
            "title": "請求書",
            "name": "bad-form",
            "dpi": 200,
            "image": blank_png(),
            "zones": json.dumps(zones),
        },
    )
    assert response.status_code == 422
    problems = response.context["problems"]
    assert len(problems) == 3  # duplicate name, unknown type, box outside the image
    assert any("duplicate name" in problem for problem in problems)
    assert not FormTemplate.objects.filter(name="bad-form").exists()
    # Broken JSON is reported next to the field, what was typed is kept.
    response = client.post(
        "/staff/ocr/templates/new/",
        {"title": "請求書", "name": "bad-form", "dpi": 200, "image": blank_png(), "zones": "[{"},
    )
    assert response.status_code == 422
    assert "JSONとして読めません" in response.content.decode()
    assert response.context["form"]["zones"].value() == "[{"


def test_zones_of_an_unused_template_can_be_changed_but_not_of_one_with_read_pages(
    client, template
):
    login(client)
    page = client.get(f"/staff/ocr/templates/{template.name}/edit/")
    zones = json.loads(page.context["form"]["zones"].value())
    assert len(zones) == len(samples.ZONES)
    zones[0]["box"][2] -= 100
    posted = {"title": template.title, "dpi": template.dpi, "zones": json.dumps(zones)}
    response = client.post(f"/staff/ocr/templates/{template.name}/edit/", posted)
    assert response.status_code == 302
    assert template.zones.get(name=zones[0]["name"]).width == zones[0]["box"][2]
    ReadingJob.objects.create(template=template, original_name="x.pdf", status="done")
    response = client.post(f"/staff/ocr/templates/{template.name}/edit/", posted)
    assert response.status_code == 422
    assert "置き換えられません" in " ".join(response.context["problems"])
