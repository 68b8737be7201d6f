"""``manage.py ocr_seed``: the sample 住民票の写し等交付請求書 template and three sample scans.

The scans are queued for the task worker (which ``make run`` starts beside the server), so
the demo shows a job read within seconds, and commands and tests that load the demo data
without a worker do not pay for OCR.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ukai.ocr import samples
from ukai.ocr.models import FormTemplate, ReadingJob
from ukai.ocr.services import (
    TemplateInvalid,
    job_create,
    template_file_check,
    template_import,
)
from ukai.ocr.tasks import job_read_on_commit, retention_schedule

SAMPLE_NAME = "sample-scans.zip"
# An upload without a template: two forms and one page of a form without a template.
MIXED_NAME = "sample-mixed.zip"


def _import(write: Any) -> FormTemplate:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder))
        try:
            checked = template_file_check(
                json.loads(path.read_text(encoding="utf-8")), base_dir=Path(folder)
            )
            template, _ = template_import(checked=checked)
        except TemplateInvalid as exc:
            raise CommandError("\n".join(exc.problems)) from exc
    return template


class Command(BaseCommand):
    help = (
        "AI-OCRの見本（住民票の写し等交付請求書・印鑑登録証明書交付申請書の様式、見本スキャンの読取、"
        "様式を自動で判別する混在アップロード）を登録します（何度実行しても同じ結果）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        template = FormTemplate.objects.filter(name=samples.TEMPLATE_NAME).first() or _import(
            samples.template_write
        )
        if not FormTemplate.objects.filter(name=samples.INKAN_NAME).exists():
            _import(samples.inkan_template_write)
        retention_schedule()
        if not ReadingJob.objects.filter(template=None, original_name=MIXED_NAME).exists():
            mixed = io.BytesIO()
            with zipfile.ZipFile(mixed, "w") as archive:
                archive.writestr("scan-1.jpg", samples.sample_scan(14)[0])
                archive.writestr("scan-2.jpg", samples.inkan_sample_scan(15)[0])
                archive.writestr("scan-3.jpg", samples.unknown_form_scan(16))
            job = job_create(template=None, data=mixed.getvalue(), filename=MIXED_NAME)
            job_read_on_commit(job.pk)
        if template.jobs.filter(original_name=SAMPLE_NAME).exists():
            self.stdout.write("AI-OCR: 見本は登録済みです / samples already present")
            return
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for seed in (11, 12, 13):
                data, _values = samples.sample_scan(seed)
                archive.writestr(f"scan-{seed}.jpg", data)
        job = job_create(template=template, data=buffer.getvalue(), filename=SAMPLE_NAME)
        job_read_on_commit(job.pk)
        self.stdout.write(
            f"AI-OCR: 様式「{template.title}」と見本{job.pages_total}ページ（読取を登録） / "
            f"template and {job.pages_total} sample pages queued for reading"
        )
