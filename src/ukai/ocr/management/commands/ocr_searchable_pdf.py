"""``manage.py ocr_searchable_pdf IN.pdf OUT.pdf``: add a Japanese text layer to a scanned PDF."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.errors import UkaiError
from ukai.ocr.fullpage import pdf_text, searchable_pdf


class Command(BaseCommand):
    help = (
        "スキャンしたPDFに日本語の文字情報を付け、検索できるPDFにします（OCRmyPDF + Tesseract）。"
        " / Make a scanned PDF searchable (Japanese text layer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)
        parser.add_argument("target", type=Path)
        parser.add_argument("--jobs", type=int, default=None, help="OCR processes (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        target: Path = options["target"]
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise CommandError(f"{source}: 読めません / cannot read ({exc.strerror})") from exc
        started = time.perf_counter()
        try:
            result = searchable_pdf(data, jobs=options["jobs"])
        except UkaiError as exc:
            raise CommandError(f"{source}: {exc.message_ja} / {exc.message_en}") from exc
        target.write_bytes(result)
        texts = pdf_text(result)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{target}: {len(texts)} pages, {sum(len(t.strip()) for t in texts)} characters, "
            f"{seconds:.1f} s"
        )
