"""``manage.py ocr_pipeline_run NAME``: run a pipeline now, in this process, and print its steps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.ocr.models import Pipeline, PipelineRun
from ukai.ocr.pipelines import pipeline_run


class Command(BaseCommand):
    help = "自動処理（RPA）を今すぐ実行します / Run an OCR pipeline now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        pipeline = Pipeline.objects.select_related("template").filter(name=options["name"]).first()
        if pipeline is None:
            raise CommandError(f"{options['name']}: 自動処理がありません / no such pipeline")
        run = pipeline_run(pipeline=pipeline, trigger=PipelineRun.Trigger.MANUAL)
        if run is None:  # pragma: no cover - a manual run is always kept
            return
        self.stdout.write(f"#{run.pk} {run.status}")
        for step in run.steps.all():
            self.stdout.write(
                f"  {step.kind}: {step.status} {step.seconds:.2f}s {step.error_en}".rstrip()
            )
            for line in step.detail.splitlines():
                self.stdout.write(f"    {line}")
