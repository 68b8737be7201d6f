"""Double entry: critical fields are typed a second time, blind; a mismatch stores nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.apps import apps

from ukai.ocr import samples, services
from ukai.ocr.models import ScanPage
from ukai.ocr.tests.test_jobs import sample_zip, staff_login

AuditEvent = apps.get_model("core", "AuditEvent")
CRITICAL = ("postal_code", "birth_date")


@pytest.fixture
def double_template(template, template_folder: Path):
    definition = json.loads((template_folder / "template.json").read_text(encoding="utf-8"))
    for zone in definition["zones"]:
        if zone["name"] in CRITICAL:
            zone["double_entry"] = True
    created, _ = services.template_import(
        checked=services.template_file_check(definition, base_dir=template_folder)
    )
    return created


def first_entry(client, page: ScanPage, truth: dict[str, str]) -> dict[str, str]:
    response = client.get(f"/staff/ocr/pages/{page.pk}/")
    posted = {"opened": response.context["opened"], "active_seconds": "15"}
    for row in response.context["rows"]:
        name = row["zone"].name
        if row["is_mark"]:
            if truth[name] == "1":
                posted[row["input_name"]] = "1"
        else:
            posted[row["input_name"]] = truth[name]
    return posted


def test_critical_fields_are_asked_again_without_the_first_entry(client, double_template):
    staff_login(client)
    job = services.job_create(template=double_template, data=sample_zip(71), filename="a.zip")
    services.job_read(job_id=job.pk)
    page = job.pages.get()
    truth = samples.sample_scan(71)[1]

    response = client.post(f"/staff/ocr/pages/{page.pk}/", first_entry(client, page, truth))
    assert response.status_code == 200
    html = response.content.decode()
    assert "二重入力" in html
    assert sorted(row["input_name"] for row in response.context["rows"]) == [
        "c_birth_date",
        "c_postal_code",
    ]
    # Neither the first entry nor the reading is on the page.
    assert truth["postal_code"] not in html
    assert 'value=""' in html
    page.refresh_from_db()
    assert page.status == ScanPage.Status.READ

    second = {
        "phase": "second",
        "entry": response.context["entry"],
        "opened": response.context["opened"],
        "active_seconds": "6",
        "c_postal_code": "500-0000",  # typed differently the second time
        "c_birth_date": truth["birth_date"],
    }
    response = client.post(f"/staff/ocr/pages/{page.pk}/", second)
    assert response.status_code == 422
    assert "一致しません" in response.content.decode()
    assert [row["zone"].name for row in response.context["errors"]] == ["postal_code"]
    page.refresh_from_db()
    assert page.status == ScanPage.Status.READ
    assert AuditEvent.objects.filter(
        object_type="ocr.scanpage", purpose__contains="二重入力の不一致"
    ).exists()

    response = client.post(f"/staff/ocr/pages/{page.pk}/", first_entry(client, page, truth))
    second.update(entry=response.context["entry"], c_postal_code=truth["postal_code"])
    response = client.post(f"/staff/ocr/pages/{page.pk}/", second)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == ScanPage.Status.VERIFIED
    assert page.fields.get(zone__name="postal_code").value == truth["postal_code"]
    assert AuditEvent.objects.filter(
        object_type="ocr.scanpage", action="verify", purpose__contains="二重入力2項目一致"
    ).exists()
    assert page.active_seconds > 0  # each visit adds its time (capped by the wall clock)


def test_double_entry_in_the_import_format(double_template, template_folder: Path, tmp_path: Path):
    exported = json.loads(
        services.template_export(template=double_template, folder=tmp_path).read_text("utf-8")
    )
    assert sorted(z["name"] for z in exported["zones"] if z.get("double_entry")) == sorted(CRITICAL)
    definition = json.loads((template_folder / "template.json").read_text(encoding="utf-8"))
    definition["zones"][-1]["double_entry"] = True  # the seal
    definition["zones"][0]["double_entry"] = "yes"
    with pytest.raises(services.TemplateInvalid) as caught:
        services.template_file_check(definition, base_dir=template_folder)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        f"zones[0] ({definition['zones'][0]['name']}).double_entry",
        f"zones[{len(definition['zones']) - 1}] ({definition['zones'][-1]['name']}).double_entry",
    ]
