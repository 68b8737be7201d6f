"""Uploaded scans: sniff the content, check the limits, and yield one grayscale page at a time.

Accepts a (multi-page) PDF, TIFF, JPEG, PNG, or a ZIP of them. The content decides the
format, not the file name. Limits: the upload's size, the number of pages, each image's
pixels, and for a ZIP the number of members and their uncompressed size (a zip bomb is
refused before anything is unpacked). Every refusal is a ``UkaiError`` in Japanese and
English, raised before any page is stored.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

from ukai.core.errors import UkaiError

from .engine import GrayImage

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
MAX_PAGES = 200
MAX_IMAGE_PIXELS = 60_000_000  # A3 at 600 dpi is ~70 MP in colour; A4 at 600 dpi ~35 MP
MAX_ZIP_MEMBERS = 500
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200
PDF_RENDER_DPI = 200


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_UPLOAD_BYTES
    max_pages: int = MAX_PAGES


def _error(code: str, ja: str, en: str, *, status: int = 422) -> UkaiError:
    return UkaiError(code=code, message_ja=ja, message_en=en, status=status, field="upload")


def sniff(data: bytes) -> str:
    """``pdf``, ``tiff``, ``jpeg``, ``png``, ``zip`` or ``unknown`` from the first bytes."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return "unknown"


def _unknown(name: str) -> UkaiError:
    return _error(
        "scan_unknown_format",
        f"「{name}」は読み取れる形式ではありません。PDF、TIFF、JPEG、PNG、またはそれらのZIPをアップロードしてください。",
        f"“{name}” is not a format Ukai reads; upload a PDF, TIFF, JPEG, PNG, or a ZIP of them.",
    )


def _corrupt(name: str) -> UkaiError:
    return _error(
        "scan_corrupt",
        f"「{name}」は壊れているか、途中までしかありません。スキャンし直してください。",
        f"“{name}” is damaged or incomplete; scan it again.",
    )


def _too_many_pages(count: int, limit: int) -> UkaiError:
    return _error(
        "scan_too_many_pages",
        f"ページ数が多すぎます（{count}ページ）。1回に{limit}ページまでです。分けてアップロードしてください。",
        f"Too many pages ({count}); at most {limit} per upload. Split the file.",
        status=413,
    )


def _pdf_document(data: bytes, name: str) -> object:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _error(
                "scan_pdf_encrypted",
                f"「{name}」はパスワードで保護されています。保護を外したPDFをアップロードしてください。",
                f"“{name}” is password-protected; upload an unprotected PDF.",
            ) from exc
        raise _corrupt(name) from exc


@dataclass(frozen=True)
class _Member:
    name: str
    data: bytes


def _zip_members(data: bytes, name: str) -> list[_Member]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise _corrupt(name) from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _too_many_pages(len(infos), MAX_ZIP_MEMBERS)
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > MAX_ZIP_UNCOMPRESSED or total / compressed > MAX_ZIP_RATIO:
        raise _error(
            "scan_zip_bomb",
            f"「{name}」は展開すると大きくなりすぎるため受け付けられません。",
            f"“{name}” expands to too much data and is refused.",
            status=413,
        )
    members = []
    for info in sorted(infos, key=lambda item: item.filename):
        if info.filename.startswith(("__MACOSX/", ".")) or "/." in info.filename:
            continue
        try:
            content = archive.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: encrypted member
            raise _corrupt(f"{name}/{info.filename}") from exc
        kind = sniff(content)
        if kind in ("zip", "unknown"):
            raise _unknown(f"{name}/{info.filename}")
        members.append(_Member(f"{name}/{info.filename}", content))
    if not members:
        raise _error(
            "scan_zip_empty", f"「{name}」に画像がありません。", f"“{name}” holds no images."
        )
    return members


def _count(data: bytes, name: str) -> int:
    kind = sniff(data)
    if kind == "pdf":
        document = _pdf_document(data, name)
        return len(document)  # type: ignore[arg-type]
    if kind in ("tiff", "png", "jpeg"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                return int(getattr(image, "n_frames", 1))
        except (UnidentifiedImageError, OSError) as exc:
            raise _corrupt(name) from exc
    if kind == "zip":
        return sum(_count(member.data, member.name) for member in _zip_members(data, name))
    raise _unknown(name)


def scan_check(data: bytes, name: str, *, limits: Limits | None = None) -> int:
    """Check an upload and return its number of pages; raise ``UkaiError`` if it is refused."""
    limits = limits or Limits()
    if not data:
        raise _error("scan_empty", "ファイルが空です。", "The file is empty.")
    if len(data) > limits.max_bytes:
        raise _error(
            "scan_too_large",
            f"ファイルが大きすぎます。{limits.max_bytes // (1024 * 1024)}MBまでです。",
            f"The file is too large; at most {limits.max_bytes // (1024 * 1024)} MB.",
            status=413,
        )
    count = _count(data, name)
    if count == 0:
        raise _error(
            "scan_no_pages", f"「{name}」にページがありません。", f"“{name}” has no pages."
        )
    if count > limits.max_pages:
        raise _too_many_pages(count, limits.max_pages)
    return count


def _image_to_gray(image: Image.Image, name: str) -> GrayImage:
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise _error(
            "scan_image_too_large",
            f"「{name}」の画像が大きすぎます（{image.width}×{image.height}）。300dpi程度でスキャンしてください。",
            f"“{name}” is too large ({image.width}×{image.height}); scan at about 300 dpi.",
            status=413,
        )
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    return gray


@contextlib.contextmanager
def strict_decoding() -> Iterator[None]:
    """Refuse truncated images while decoding, whatever the process-wide setting.

    WeasyPrint sets ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when it is imported
    (for the PDF exports), which would let half a page through as a whole one.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def scan_pages(data: bytes, name: str) -> Iterator[GrayImage]:
    """Yield each page of a checked upload as a grayscale image, in order.

    A page that cannot be decoded raises ``UkaiError`` (``scan_corrupt``).
    """
    kind = sniff(data)
    if kind == "zip":
        for member in _zip_members(data, name):
            yield from scan_pages(member.data, member.name)
        return
    if kind == "pdf":
        document = _pdf_document(data, name)
        for index in range(len(document)):  # type: ignore[arg-type]
            try:
                page = document[index]  # type: ignore[index]
                bitmap = page.render(scale=PDF_RENDER_DPI / 72, grayscale=True)
                image = bitmap.to_pil()
            except Exception as exc:
                raise _corrupt(f"{name} p.{index + 1}") from exc
            yield _image_to_gray(image, f"{name} p.{index + 1}")
        return
    if kind in ("tiff", "png", "jpeg"):
        # Pillow refuses a truncated file (OpenCV would return half a page).
        try:
            with Image.open(io.BytesIO(data)) as image:
                for index, frame in enumerate(ImageSequence.Iterator(image)):
                    with strict_decoding():
                        frame.load()
                    yield _image_to_gray(frame, f"{name} p.{index + 1}")
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise _corrupt(name) from exc
        return
    raise _unknown(name)
