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
from ukai.ocr.models import FormTemplate
from ukai.ocr.services import (
    TemplateInvalid,
    job_create,
    template_file_check,
    template_import,
)
from ukai.ocr.tasks import job_read_on_commit

SAMPLE_NAME = "sample-scans.zip"


class Command(BaseCommand):
    help = "AI-OCRの見本（住民票の写し等交付請求書の様式と見本スキャン3枚の読取）を登録します（何度実行しても同じ結果）。"

    def handle(self, *args: Any, **options: Any) -> None:
        template = FormTemplate.objects.filter(name=samples.TEMPLATE_NAME).first()
        if template is None:
            with tempfile.TemporaryDirectory() as folder:
                path = samples.template_write(Path(folder))
                try:
                    checked = template_file_check(
                        json.loads(path.read_text(encoding="utf-8")), base_dir=Path(folder)
                    )
                    template, _ = template_import(checked=checked)
                except TemplateInvalid as exc:
                    raise CommandError("\n".join(exc.problems)) from exc
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
