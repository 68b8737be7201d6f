"""Background tasks of the OCR module: take ids, call services."""

from __future__ import annotations

from django.db import transaction

from ukai.core.background import background_task

from . import services


@background_task(max_attempts=2, backoff_seconds=30)
def ocr_job_read(job_id: int) -> str:
    """Align and read every page of an uploaded scan."""
    return services.job_read(job_id=job_id).status


def job_read_on_commit(job_id: int) -> None:
    """Enqueue the reading once the upload's transaction commits."""
    transaction.on_commit(lambda: ocr_job_read.enqueue(job_id))
