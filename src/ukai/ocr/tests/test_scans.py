"""Uploads: formats sniffed from content, limits, and clear refusals."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from ukai.core.errors import UkaiError
from ukai.ocr import samples
from ukai.ocr.scans import Limits, scan_check, scan_pages, sniff


def page_image(seed: int = 1) -> Image.Image:
    return Image.open(io.BytesIO(samples.sample_scan(seed)[0]))


def test_a_multi_page_pdf_is_rendered_page_by_page():
    buffer = io.BytesIO()
    first, second = page_image(1), page_image(2)
    first.save(buffer, format="PDF", save_all=True, append_images=[second], resolution=200)
    data = buffer.getvalue()
    assert sniff(data) == "pdf"
    assert scan_check(data, "scans.pdf") == 2
    pages = list(scan_pages(data, "scans.pdf"))
    assert len(pages) == 2
    assert pages[0].ndim == 2
    assert pages[0].shape[0] > 2000


def test_a_zip_of_images_and_a_multi_page_tiff():
    tiff = io.BytesIO()
    page_image(1).save(tiff, format="TIFF", save_all=True, append_images=[page_image(2)])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("a.tif", tiff.getvalue())
        bundle.writestr("b.jpg", samples.sample_scan(3)[0])
    assert scan_check(archive.getvalue(), "batch.zip") == 3
    assert len(list(scan_pages(archive.getvalue(), "batch.zip"))) == 3


def test_too_many_pages_is_refused_with_the_limit_stated():
    tiff = io.BytesIO()
    small = Image.new("L", (200, 200), 255)
    small.save(tiff, format="TIFF", save_all=True, append_images=[small] * 5)
    with pytest.raises(UkaiError) as caught:
        scan_check(tiff.getvalue(), "many.tif", limits=Limits(max_pages=4))
    assert caught.value.code == "scan_too_many_pages"
    assert "4ページまで" in caught.value.message_ja
    assert "at most 4" in caught.value.message_en


def test_a_zip_bomb_is_refused_before_unpacking():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("huge.png", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(UkaiError) as caught:
        scan_check(archive.getvalue(), "bomb.zip")
    assert caught.value.code == "scan_zip_bomb"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "scan_empty"),
        (b"GIF89a not a scan", "scan_unknown_format"),
        (b"%PDF-1.7\n garbage", "scan_corrupt"),
    ],
)
def test_bad_files_get_a_clear_message(data, code):
    with pytest.raises(UkaiError) as caught:
        scan_check(data, "upload.bin")
    assert caught.value.code == code
    assert caught.value.message_ja
    assert caught.value.message_en


def test_a_truncated_jpeg_is_reported_as_damaged():
    cut = samples.sample_scan(1)[0][:5000]
    pages = scan_pages(cut, "cut.jpg")
    with pytest.raises(UkaiError) as caught:
        next(pages)
    assert caught.value.code == "scan_corrupt"
    assert "cut.jpg" in caught.value.message_ja


def test_an_encrypted_pdf_is_refused():
    # A minimal PDF whose trailer names an /Encrypt dictionary (RC4, user password set).
    data = ENCRYPTED_PDF
    with pytest.raises(UkaiError) as caught:
        scan_check(data, "locked.pdf")
    assert caught.value.code == "scan_pdf_encrypted"
    assert "パスワード" in caught.value.message_ja


ENCRYPTED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"4 0 obj<</Filter/Standard/V 1/R 2/O(0123456789abcdef0123456789abcdef)"
    b"/U(0123456789abcdef0123456789abcdef)/P -4>>endobj\n"
    b"trailer<</Root 1 0 R/Encrypt 4 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\n"
    b"%%EOF\n"
)
