"""Background tasks of the minutes module: take ids, call services."""

from __future__ import annotations

from django.db import transaction

from ukai.core.background import background_task

from . import services


@background_task(max_attempts=3, backoff_seconds=30)
def minutes_transcribe_recording(recording_id: int) -> str:
    """Transcribe one recording in the worker (resumes from the last saved chunk on retry)."""
    return services.recording_transcribe_run(recording_id=recording_id).status


def transcription_enqueue_on_commit(recording_id: int) -> None:
    transaction.on_commit(lambda: minutes_transcribe_recording.enqueue(recording_id))
