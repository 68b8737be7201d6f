"""Template import and export: the issue's JSON format, every problem listed, nothing half-written."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from ukai.ocr import samples
from ukai.ocr.models import FormTemplate, TemplateZone

pytestmark = pytest.mark.django_db


def test_import_creates_the_template_with_zones_and_mappings(template_folder, capsys):
    call_command("ocr_template_import", str(template_folder / "template.json"))
    template = FormTemplate.objects.get(name=samples.TEMPLATE_NAME)
    assert (template.width, template.height, template.dpi) == (samples.WIDTH, samples.HEIGHT, 200)
    assert template.zones.count() == len(samples.ZONES)
    name = template.zones.get(name="applicant_name")
    assert name.field_type == "name"
    assert name.needs_review_always
    assert (name.procedure_slug, name.procedure_field) == (
        "juminhyo-utsushi",
        "requester_name.name",
    )
    assert "created" in capsys.readouterr().out


def test_an_invalid_file_lists_every_problem_and_writes_nothing(tmp_path, template_folder):
    (tmp_path / "blank.png").write_bytes((template_folder / "blank.png").read_bytes())
    definition = samples.template_definition()
    definition["dpi"] = "200"
    definition["zones"][0]["type"] = "barcode"
    definition["zones"][1]["box"] = [1500, 100, 400, 80]  # past the right edge
    definition["zones"][2]["name"] = definition["zones"][3]["name"]
    definition["zones"][4]["validation"] = {"required": True, "colour": "red"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("ocr_template_import", str(path))
    message = str(caught.value)
    assert "5件の誤り" in message
    for location in (
        "dpi:",
        "zones[0] (request_date).type",
        "zones[1] (applicant_name).box",
        "zones[3] (birth_date).name",
        "zones[4] (postal_code).validation",
    ):
        assert location in message
    assert FormTemplate.objects.count() == 0
    assert TemplateZone.objects.count() == 0


def test_a_missing_image_and_a_path_outside_the_folder_are_named(tmp_path):
    definition = samples.template_definition(image_name="../secret.png")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    with pytest.raises(CommandError, match="outside the file's folder"):
        call_command("ocr_template_import", str(path))
    definition["image"] = "missing.png"
    path.write_text(json.dumps(definition), encoding="utf-8")
    with pytest.raises(CommandError, match="was not found"):
        call_command("ocr_template_import", str(path))


def test_export_then_import_gives_the_same_template(template_folder, tmp_path):
    call_command("ocr_template_import", str(template_folder / "template.json"))
    call_command("ocr_template_export", samples.TEMPLATE_NAME, str(tmp_path))
    exported = json.loads((tmp_path / f"{samples.TEMPLATE_NAME}.json").read_text(encoding="utf-8"))
    original = samples.template_definition()
    assert [zone["box"] for zone in exported["zones"]] == [
        zone["box"] for zone in original["zones"]
    ]
    FormTemplate.objects.all().delete()
    call_command("ocr_template_import", str(tmp_path / f"{samples.TEMPLATE_NAME}.json"))
    assert FormTemplate.objects.get().zones.count() == len(samples.ZONES)


def test_eval_prints_one_json_object(template_folder, tmp_path, capsys, settings, real_engine):
    settings.UKAI_OCR_CACHE_DIR = real_engine.cache_dir
    call_command("ocr_template_import", str(template_folder / "template.json"))
    capsys.readouterr()
    samples.evaluation_set_write(tmp_path / "set", count=3, seed=60)
    call_command("ocr_eval", "--template", samples.TEMPLATE_NAME, str(tmp_path / "set"))
    report = json.loads(capsys.readouterr().out)
    assert report["pages"] == 3
    assert report["pages_rejected"] == 0
    assert report["checkbox_accuracy"] == 1.0
    assert report["character_accuracy"] >= 0.95
    assert set(report["per_field"]) >= {"address", "postal_code", "phone", "birth_date"}


@pytest.mark.django_db(transaction=True)
def test_seed_is_idempotent_and_the_worker_reads_the_samples(settings, real_engine):
    settings.UKAI_OCR_CACHE_DIR = real_engine.cache_dir
    call_command("ocr_seed", verbosity=0)
    call_command("ocr_seed", verbosity=0)
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    template = FormTemplate.objects.get(name=samples.TEMPLATE_NAME)
    assert template.jobs.count() == 1
    assert template.jobs.get().pages.filter(status="read").count() == 3
