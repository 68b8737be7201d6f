"""Full-page OCR: a scanned PDF becomes a searchable PDF (OCRmyPDF + Tesseract ``jpn``).

OCRmyPDF runs as a child process (``python -m ocrmypdf``): it starts its own worker pool, holds
Tesseract's memory only while it runs, and can be stopped by a timeout without harming the
caller (docs/adr/0088). No Django models here; the documents module calls
``ukai.ocr.service.searchable_pdf``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

from ukai.core.errors import UkaiError

# OCRmyPDF's exit codes (ocrmypdf.ExitCode) that mean something about the input.
_INPUT_PROBLEMS = {
    2: (
        "PDFとして読めません。",
        "The file cannot be read as a PDF.",
    ),
    8: (
        "暗号化（パスワード保護）されたPDFは読み取れません。保護を外してからお使いください。",
        "An encrypted (password-protected) PDF cannot be read; remove the protection first.",
    ),
}
MAX_BYTES = 200 * 1024 * 1024


def languages() -> list[str]:
    return list(getattr(settings, "UKAI_OCR_PDF_LANGUAGES", ["jpn"]))


def page_timeout_seconds() -> float:
    return float(getattr(settings, "UKAI_OCR_PDF_SECONDS_PER_PAGE", 60))


def _pages(data: bytes) -> int:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        code = 8 if "password" in str(exc).lower() else 2
        message_ja, message_en = _INPUT_PROBLEMS[code]
        raise UkaiError(
            code="ocr_pdf_unreadable", message_ja=message_ja, message_en=message_en
        ) from exc
    try:
        return len(document)
    finally:
        document.close()


def searchable_pdf(data: bytes, *, jobs: int | None = None) -> bytes:
    """Add a text layer (Japanese) to every page of a PDF that has no text; return the new PDF.

    Pages that already carry text are kept as they are. A PDF that cannot be read or is
    encrypted raises ``UkaiError`` (Japanese and English); a missing program raises
    ``UkaiError`` with code ``ocr_pdf_unavailable``.
    """
    if len(data) > MAX_BYTES:
        raise UkaiError(
            code="ocr_pdf_too_large",
            message_ja=f"PDFが大きすぎます。{MAX_BYTES // (1024 * 1024)}MBまでです。",
            message_en=f"The PDF is too large; the limit is {MAX_BYTES // (1024 * 1024)} MB.",
        )
    pages = _pages(data)
    if shutil.which("tesseract") is None:
        raise UkaiError(
            code="ocr_pdf_unavailable",
            message_ja="全文OCRに必要なTesseractがこのサーバーにありません。",
            message_en="Tesseract, needed for full-page OCR, is not installed on this server.",
            status=503,
        )
    with tempfile.TemporaryDirectory(prefix="ukai-ocrpdf-") as folder:
        source = Path(folder) / "in.pdf"
        target = Path(folder) / "out.pdf"
        source.write_bytes(data)
        command = [
            sys.executable,
            "-m",
            "ocrmypdf",
            "--quiet",
            "--language",
            "+".join(languages()),
            "--output-type",
            "pdf",
            "--skip-text",
            "--optimize",
            "0",
            # pdfium (pypdfium2, already a dependency) renders the pages; Ghostscript is not needed.
            "--rasterizer",
            "pypdfium",
            "--jobs",
            str(jobs or int(getattr(settings, "UKAI_OCR_PDF_JOBS", 1))),
            str(source),
            str(target),
        ]
        try:
            finished = subprocess.run(
                command,
                capture_output=True,
                timeout=60 + pages * page_timeout_seconds(),
                cwd=folder,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise UkaiError(
                code="ocr_pdf_timeout",
                message_ja="全文OCRが時間内に終わりませんでした。",
                message_en="Full-page OCR did not finish in time.",
                status=503,
            ) from exc
        if finished.returncode in _INPUT_PROBLEMS:
            message_ja, message_en = _INPUT_PROBLEMS[finished.returncode]
            raise UkaiError(code="ocr_pdf_unreadable", message_ja=message_ja, message_en=message_en)
        if finished.returncode != 0 or not target.is_file():
            detail = finished.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise UkaiError(
                code="ocr_pdf_failed",
                message_ja=f"全文OCRに失敗しました（終了コード {finished.returncode}）。",
                message_en=f"Full-page OCR failed (exit code {finished.returncode}): {' '.join(detail)}",
                status=500,
            )
        return target.read_bytes()


def pdf_text(data: bytes) -> list[str]:
    """The text of each page (what a search or a screen reader gets)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()
