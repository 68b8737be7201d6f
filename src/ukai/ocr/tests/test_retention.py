"""Retention: uploads and page images of settled jobs are deleted after UKAI_OCR_RETENTION_DAYS."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from ukai.ocr import services, tasks
from ukai.ocr.models import PageField, ReadingJob, ScanPage

AuditEvent = apps.get_model("core", "AuditEvent")


def _job(template, *, name: str, page_statuses: list[str], age_days: int) -> ReadingJob:
    finished = timezone.now() - timedelta(days=age_days)
    job = ReadingJob(
        template=template, original_name=name, status=ReadingJob.Status.DONE, finished_at=finished
    )
    job.upload.save(name, ContentFile(b"scan"), save=False)
    job.save()
    for number, status in enumerate(page_statuses, start=1):
        page = ScanPage(job=job, number=number, status=status, template=template)
        if status == ScanPage.Status.VERIFIED:
            page.verified_at = finished
        page.image.save(f"{name}-{number}.jpg", ContentFile(b"jpeg"), save=False)
        page.save()
        if status == ScanPage.Status.VERIFIED:
            PageField.objects.create(page=page, zone=template.zones.first(), value="岐阜　花子")
    return job


def test_settled_old_jobs_lose_their_files_and_keep_their_values(template, settings):
    settings.UKAI_OCR_RETENTION_DAYS = 90
    old = _job(template, name="old.zip", page_statuses=["verified", "rejected"], age_days=91)
    waiting = _job(template, name="waiting.zip", page_statuses=["verified", "read"], age_days=200)
    unmatched = _job(template, name="unmatched.zip", page_statuses=["unmatched"], age_days=200)
    recent = _job(template, name="recent.zip", page_statuses=["verified"], age_days=30)
    storage = old.upload.storage
    old_files = [str(old.upload.name), *[str(page.image.name) for page in old.pages.all()]]
    assert all(storage.exists(name) for name in old_files)

    assert services.retention_apply(dry_run=True).jobs == 1
    assert all(storage.exists(name) for name in old_files)

    summary = services.retention_apply()
    assert (summary.jobs, summary.files) == (1, 3)
    assert not any(storage.exists(name) for name in old_files)
    old.refresh_from_db()
    assert old.files_deleted_at is not None
    assert not old.upload
    assert not old.pages.exclude(image="").exists()
    # The verified value stays (it is the data the CSV export and the KPI use).
    assert PageField.objects.get(page__job=old).value == "岐阜　花子"
    for kept in (waiting, recent, unmatched):
        kept.refresh_from_db()
        assert kept.files_deleted_at is None
        assert storage.exists(str(kept.upload.name))
    event = AuditEvent.objects.get(action="delete", object_type="ocr.readingjob")
    assert event.object_id == str(old.pk)
    assert "保存期間" in event.purpose
    # Nothing left to delete: a second run does nothing.
    assert services.retention_apply().jobs == 0


def test_a_verified_page_without_its_image_is_shown_and_not_filed(client, template):
    from django.contrib.auth import get_user_model

    from ukai.core.testing.staff import staff_client_login

    job = _job(template, name="gone.zip", page_statuses=["verified"], age_days=120)
    services.retention_apply()
    staff = get_user_model().objects.create_user(
        username="ocr-ret", password="x" * 20, role="department"
    )
    staff_client_login(client, staff)
    page = job.pages.get()
    assert "削除しました" in client.get(f"/staff/ocr/jobs/{job.pk}/").content.decode()
    shown = client.get(f"/staff/ocr/pages/{page.pk}/").content.decode()
    assert "画像は保存期間の経過により削除されました" in shown
    response = client.post(f"/staff/ocr/pages/{page.pk}/case/", follow=True)
    assert "スキャン画像が削除された" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_is_queued_once_and_the_command_reports(template):
    assert tasks.retention_schedule() is True
    assert tasks.retention_schedule() is False
    _job(template, name="cmd.zip", page_statuses=["verified"], age_days=100)
    out = io.StringIO()
    call_command("ocr_retention", "--dry-run", stdout=out)
    assert "ジョブ1件" in out.getvalue()
    call_command("ocr_retention", stdout=out)
    assert ReadingJob.objects.get(original_name="cmd.zip").files_deleted_at is not None
