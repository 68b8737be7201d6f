"""Pipelines (RPA): a watched folder read on a schedule, verified by staff, filed, exported and
notified, with the run history and a failed step retried from the page; the real engine and worker."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ukai.core.errors import UkaiError
from ukai.core.testing.staff import staff_client_login
from ukai.ocr import pipelines, samples, tasks
from ukai.ocr.models import Pipeline, PipelineRun, PipelineStep, ScanPage
from ukai.ocr.tests.test_jobs import run_worker, sample_zip

TICK = tasks.ocr_pipeline_tick.module_path


@pytest.fixture
def roots(tmp_path: Path, settings) -> Path:
    settings.UKAI_OCR_PIPELINE_ROOTS = [tmp_path]
    # Long enough that a file written during the test never counts as settled, however slow
    # the machine (the demo's own tasks run first in the worker); "old" files are older.
    settings.UKAI_OCR_PIPELINE_SETTLE_SECONDS = 1800
    return tmp_path


def write_old(path: Path, data: bytes) -> None:
    """A file written a while ago (whole)."""
    path.write_bytes(data)
    past = time.time() - 7200
    os.utime(path, (past, past))


def definition(roots: Path, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "mail-requests",
        "title": "郵送の住民票請求",
        "template": samples.TEMPLATE_NAME,
        "source": {"folder": str(roots / "watched")},
        "schedule": {"every_minutes": 5},
        "after_verification": {
            "file_cases": True,
            "export_csv": {"folder": str(roots / "export"), "encoding": "utf-8-sig"},
        },
        "notify": ["shimin@example.jp"],
        "department": "shimin",
    }
    base.update(overrides)
    return base


def login(client, role: str = "ict"):
    staff = get_user_model().objects.create_user(
        username=f"ocr-{role}", password="x" * 20, role=role
    )
    staff_client_login(client, staff)
    return staff


def verify_through_page(client, page: ScanPage, truth: dict[str, str], **overrides: str) -> None:
    response = client.get(f"/staff/ocr/pages/{page.pk}/")
    posted = {"opened": response.context["opened"], "active_seconds": "20"}
    values = {**truth, **overrides}
    for row in response.context["rows"]:
        name = row["zone"].name
        if row["is_mark"]:
            if values[name] == "1":
                posted[row["input_name"]] = "1"
        else:
            posted[row["input_name"]] = values[name]
    response = client.post(f"/staff/ocr/pages/{page.pk}/", posted)
    assert response.status_code == 302, response.content.decode()[:2000]


def waiting_ticks():
    return DBTaskResult.objects.filter(task_path=TICK, status=TaskResultStatus.READY)


@pytest.mark.django_db(transaction=True)
def test_a_watched_folder_is_read_once_filed_exported_and_notified(client, template, roots):
    call_command("ukai_demo", verbosity=0)
    watched = roots / "watched"
    watched.mkdir()
    write_old(watched / "morning.zip", sample_zip(61))
    # Still being written: its size and time change as the scanner writes it.
    (watched / "late.zip").write_bytes(sample_zip(62)[:5000])
    (watched / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    os.utime(watched / "broken.pdf", (time.time() - 7200, time.time() - 7200))

    pipeline, created = pipelines.pipeline_import(definition=definition(roots))
    assert created
    assert tasks.pipeline_tick_schedule()
    assert not tasks.pipeline_tick_schedule()  # never doubled
    assert waiting_ticks().count() == 1

    run_worker()
    run = PipelineRun.objects.get()
    assert run.trigger == PipelineRun.Trigger.SCHEDULE
    assert run.status == PipelineRun.Status.WAITING
    # Taken once: moved aside; the partial file waits for the next run; the bad one is set apart.
    assert sorted(p.name for p in watched.iterdir() if p.is_file()) == ["late.zip"]
    assert (watched / "processed" / "morning.zip").exists()
    assert (watched / "failed" / "broken.pdf").exists()
    assert "壊れている" in (watched / "failed" / "broken.pdf.error.txt").read_text(encoding="utf-8")
    steps = {step.kind: step for step in run.steps.all()}
    assert set(steps) == {"collect", "read"}
    assert all(step.status == "ok" and step.seconds > 0 for step in steps.values())
    assert "morning.zip" in steps["collect"].detail
    assert "broken.pdf" in steps["collect"].detail
    assert "次回" in steps["collect"].detail
    # The next tick waits for the pipeline's next time, once.
    pipeline.refresh_from_db()
    assert waiting_ticks().count() == 1
    assert waiting_ticks().get().run_after == pipeline.next_run_at
    assert pipeline.next_run_at > timezone.now() + timedelta(minutes=4)

    staff = login(client)
    history = client.get(f"/staff/ocr/pipelines/{pipeline.name}/").content.decode()
    assert "確認待ち" in history
    assert "morning.zip" in history
    page = ScanPage.objects.get(job__pipeline_run=run)
    assert page.status == ScanPage.Status.READ
    assert not mail.outbox  # nothing is filed or sent before staff verify

    truth = samples.sample_scan(61)[1]
    verify_through_page(
        client, page, truth, kind_all="1", kind_part="0", seal="1", with_honseki="1"
    )
    run_worker()
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.DONE
    page.refresh_from_db()
    assert page.case_receipt
    assert page.verified_by == staff
    exported = (roots / "export" / f"mail-requests-run{run.pk}.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["applicant_name"] for row in rows] == [truth["applicant_name"]]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["shimin@example.jp"]
    assert "申請として登録 / filed as cases: 1" in message.body
    assert truth["applicant_name"] not in message.body  # no personal data in e-mail
    assert {step.kind for step in run.steps.all()} == {
        "collect",
        "read",
        "file_cases",
        "export_csv",
        "notify",
    }

    # Run again (the page's button): the finished file is not read twice; the partial one,
    # now whole and settled, is.
    write_old(watched / "late.zip", sample_zip(62))
    response = client.post(f"/staff/ocr/pipelines/{pipeline.name}/run/")
    assert response.status_code == 302
    run_worker()
    second = PipelineRun.objects.exclude(pk=run.pk).get()
    assert second.trigger == PipelineRun.Trigger.MANUAL
    assert [job.original_name for job in second.jobs.all()] == ["late.zip"]
    assert second.status == PipelineRun.Status.WAITING


@pytest.mark.django_db(transaction=True)
def test_a_failed_step_is_shown_and_retried_from_the_page(client, template, roots):
    watched = roots / "watched"
    watched.mkdir()
    write_old(watched / "one.zip", sample_zip(63))
    # The export folder's place is taken by a file: the CSV cannot be written.
    (roots / "export").write_text("not a folder", encoding="utf-8")
    pipeline, _ = pipelines.pipeline_import(
        definition=definition(
            roots,
            schedule="on_demand",
            notify=[],
            after_verification={"export_csv": {"folder": str(roots / "export")}},
        )
    )
    run = pipelines.pipeline_run(pipeline=pipeline)
    assert run is not None
    assert run.status == PipelineRun.Status.WAITING
    login(client)
    page = ScanPage.objects.get(job__pipeline_run=run)
    verify_through_page(client, page, samples.sample_scan(63)[1])
    run_worker()
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.FAILED
    step = run.steps.get(kind=PipelineStep.Kind.EXPORT_CSV)
    assert step.status == PipelineStep.Status.FAILED
    html = client.get(f"/staff/ocr/pipelines/{pipeline.name}/").content.decode()
    assert "CSVを" in html
    assert "書き込めません" in html
    assert f"/staff/ocr/pipeline-steps/{step.pk}/retry/" in html

    (roots / "export").unlink()
    response = client.post(f"/staff/ocr/pipeline-steps/{step.pk}/retry/")
    assert response.status_code == 302
    run_worker()
    step.refresh_from_db()
    run.refresh_from_db()
    assert step.status == PipelineStep.Status.OK
    assert step.attempts == 2
    assert run.status == PipelineRun.Status.DONE
    assert (roots / "export" / f"mail-requests-run{run.pk}.csv").exists()
    html = client.get(f"/staff/ocr/pipelines/{pipeline.name}/").content.decode()
    assert f"/staff/ocr/pipeline-steps/{step.pk}/retry/" not in html


def test_a_definition_is_checked_whole_and_nothing_is_written(db, template, roots):
    bad = definition(
        roots,
        name="Bad Name",
        template="no-such-form",
        source={"folder": "/etc"},
        schedule={"every_minutes": 0},
        notify=["not-an-address"],
    )
    with pytest.raises(pipelines.PipelineInvalid) as caught:
        pipelines.pipeline_import(definition=bad)
    where = [problem.split(":")[0] for problem in caught.value.problems]
    assert where == [
        "name",
        "template",
        "source.folder",
        "schedule.every_minutes",
        "notify[0]",
    ]
    assert not Pipeline.objects.exists()


def test_only_ict_and_the_departments_manager_edit_a_pipeline(client, template, roots):
    from ukai.core.service import department_list, municipality_current

    call_command("ukai_demo", verbosity=0)
    pipeline, _ = pipelines.pipeline_import(definition=definition(roots, source="inbox"))
    municipality = municipality_current()
    assert municipality is not None
    departments = {d.code: d for d in department_list(municipality=municipality)}
    manager = get_user_model().objects.create_user(
        username="ocr-manager", password="x" * 20, role="manager"
    )
    manager.departments.add(departments["shimin"])
    other = get_user_model().objects.create_user(
        username="ocr-other-manager", password="x" * 20, role="manager"
    )
    other.departments.add(next(d for code, d in departments.items() if code != "shimin"))
    counter = get_user_model().objects.create_user(
        username="ocr-counter", password="x" * 20, role="counter"
    )
    changed = definition(roots, source="inbox", title="郵送請求（改）")
    pipelines.pipeline_import(definition=changed, staff=manager)
    pipeline.refresh_from_db()
    assert pipeline.title == "郵送請求（改）"
    for staff in (other, counter):
        with pytest.raises(UkaiError, match="所属長"):
            pipelines.pipeline_import(definition=definition(roots, source="inbox"), staff=staff)
    staff_client_login(client, counter)
    html = client.get(f"/staff/ocr/pipelines/{pipeline.name}/").content.decode()
    assert "定義を編集する" not in html
    response = client.post(
        f"/staff/ocr/pipelines/{pipeline.name}/",
        {"definition": json.dumps(definition(roots, source="inbox", title="x"))},
    )
    assert response.status_code == 422
    pipeline.refresh_from_db()
    assert pipeline.title == "郵送請求（改）"


def test_the_inbox_takes_an_upload_for_the_next_run(client, template, roots):
    pipeline, _ = pipelines.pipeline_import(
        definition=definition(
            roots, source="inbox", schedule="on_demand", notify=[], after_verification={}
        )
    )
    login(client)
    upload = io.BytesIO(sample_zip(64))
    upload.name = "counter.zip"
    response = client.post(f"/staff/ocr/pipelines/{pipeline.name}/inbox/", {"upload": upload})
    assert response.status_code == 302
    assert (pipelines.inbox_folder(pipeline.name) / "counter.zip").exists()
    refused = io.BytesIO(b"plain text")
    refused.name = "note.txt"
    client.post(f"/staff/ocr/pipelines/{pipeline.name}/inbox/", {"upload": refused})
    assert not (pipelines.inbox_folder(pipeline.name) / "note.txt").exists()
    run = pipelines.pipeline_run(pipeline=pipeline)
    assert run is not None
    assert [job.original_name for job in run.jobs.all()] == ["counter.zip"]
    assert run.jobs.get().pages.get().status == ScanPage.Status.READ
    empty = pipelines.pipeline_run(pipeline=pipeline)
    assert empty is not None
    assert empty.status == PipelineRun.Status.EMPTY
