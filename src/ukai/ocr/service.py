"""The OCR module's public API for Ukai's other modules.

- ``kpi_input_time_reduction`` feeds plan measure 2-2 (the plan module calls it by name).
- ``searchable_pdf(data)`` returns a scanned PDF with a Japanese text layer (OCRmyPDF +
  Tesseract ``jpn``), for the documents module; ``searchable_pdf_later(source, target)`` does
  the same for a large file in the task worker. ``pdf_text`` reads a PDF's text per page.

A verified page becomes a procedures case through ``services.page_case_create`` (the OCR
pages and pipelines call it; no other module needs to).
"""

from __future__ import annotations

from pathlib import Path

from .fullpage import pdf_text, searchable_pdf
from .selectors import kpi_input_time_reduction


def searchable_pdf_later(source: Path, target: Path) -> str:
    """Queue full-page OCR of the PDF at ``source``; the worker writes ``target`` (whole, at
    once). Returns the task result's id (``django_tasks`` ``get_result``)."""
    from .tasks import ocr_searchable_pdf_file

    return ocr_searchable_pdf_file.enqueue(str(source), str(target)).id


__all__ = ["kpi_input_time_reduction", "pdf_text", "searchable_pdf", "searchable_pdf_later"]
