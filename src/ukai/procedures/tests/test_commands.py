"""procedures_form_load: staff load a JSON form as a new version (the editor UI comes later)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from ukai.procedures.models import FormDefinition

FORM = {
    "title": "犬の登録",
    "steps": [
        {"key": "s", "title": "飼い主", "fields": [{"key": "a", "type": "name", "label": "氏名"}]}
    ],
}


def run(*args):
    out = io.StringIO()
    call_command("procedures_form_load", *args, stdout=out)
    return out.getvalue()


def test_load_as_draft_then_publish(catalog, tmp_path):
    path = tmp_path / "form.json"
    path.write_text(json.dumps(FORM, ensure_ascii=False), encoding="utf-8")
    # The seed published version 1 of every form: a loaded file becomes the next version.
    assert "第2版を登録しました（下書き / draft）" in run("inu-toroku", str(path))
    assert "第3版を登録しました（公開 / published）" in run("inu-toroku", str(path), "--publish")
    versions = FormDefinition.objects.filter(procedure__slug="inu-toroku").order_by("version")
    assert [v.status for v in versions] == ["published", "draft", "published"]


def test_check_reports_each_problem_and_writes_nothing(catalog, tmp_path):
    path = tmp_path / "bad.json"
    bad = {
        "title": "x",
        "steps": [
            {"key": "s", "title": "S", "fields": [{"key": "a", "type": "choice", "label": "A"}]}
        ],
    }
    path.write_text(json.dumps(bad), encoding="utf-8")
    before = FormDefinition.objects.count()
    with pytest.raises(CommandError, match="a choice field needs choices"):
        run("inu-toroku", str(path))
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        run("inu-toroku", str(path))
    path.write_text(json.dumps(FORM), encoding="utf-8")
    assert "誤りはありません" in run("no-such", str(path), "--check")
    with pytest.raises(CommandError, match="見つかりません"):
        run("no-such", str(path))
    assert FormDefinition.objects.count() == before
