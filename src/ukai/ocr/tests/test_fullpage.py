"""Full-page OCR: a scanned Japanese PDF becomes searchable (OCRmyPDF + Tesseract jpn, for real)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw

from ukai.core.errors import UkaiError
from ukai.ocr import samples, service
from ukai.ocr.tests.test_jobs import run_worker

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract-ocr-jpn (scripts/system-packages.sh)"
)
LINES = ("岐阜市役所市民課", "住民票の写しの交付", "申請者渡辺花子", "令和6年4月1日")


def scanned_pdf(pages: int = 1) -> bytes:
    """An image-only PDF (what a scanner writes): text drawn, no text layer."""
    images = []
    for number in range(pages):
        image = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(image)
        for index, line in enumerate(LINES):
            draw.text(
                (150, 200 + index * 130 + number * 40),
                line,
                font=samples.font("ipaex-gothic", 60),
                fill=0,
            )
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=200, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_scanned_japanese_pdf_becomes_searchable(tmp_path: Path):
    data = scanned_pdf()
    assert plain("".join(service.pdf_text(data))) == ""  # nothing to search before
    source, target = tmp_path / "scan.pdf", tmp_path / "searchable.pdf"
    source.write_bytes(data)
    out = io.StringIO()
    call_command("ocr_searchable_pdf", str(source), str(target), stdout=out)
    assert "1 pages" in out.getvalue()
    text = plain("".join(service.pdf_text(target.read_bytes())))
    for expected in ("岐阜市役所市民課", "渡辺花子", "令和6年4月1日"):
        assert expected in text


def test_an_unreadable_or_encrypted_pdf_is_refused_in_japanese_and_english():
    with pytest.raises(UkaiError) as caught:
        service.searchable_pdf(b"%PDF-1.4 broken")
    assert caught.value.message_ja == "PDFとして読めません。"
    import pikepdf

    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(scanned_pdf())) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(UkaiError, match="暗号化"):
        service.searchable_pdf(buffer.getvalue())


@pytest.mark.django_db(transaction=True)
def test_a_large_pdf_is_made_searchable_by_the_worker(tmp_path: Path):
    source, target = tmp_path / "large.pdf", tmp_path / "out" / "large-searchable.pdf"
    source.write_bytes(scanned_pdf(pages=2))
    service.searchable_pdf_later(source, target)
    assert not target.exists()
    run_worker()
    texts = service.pdf_text(target.read_bytes())
    assert len(texts) == 2
    assert all("住民票" in plain(text) for text in texts)
