"""Checking residents' attachments by their content, and the antivirus hook.

A file is accepted only when its bytes are what the form allows — a PDF that starts
like a PDF and ends like one, a JPEG or PNG that Pillow can read within a pixel budget
(so a decompression bomb is refused) — whatever its name says. Archives are never
accepted (no zip bombs to unpack). An antivirus plugin (``UKAI_PROCEDURES_ANTIVIRUS``,
e.g. ``[{"engine": "clamd", "options": {"socket": "/run/clamav/clamd.ctl"}}]``) scans
every file before it is stored; without one, the case page says the file was not scanned.
"""

from __future__ import annotations

import io
import socket
import struct
import warnings
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings

from ukai.core.errors import UkaiError
from ukai.core.plugins import Plugin, PluginConfigError, Registry

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# 50 megapixels: a phone photo of a document is 12-50; a bomb is far more.
MAX_PIXELS = 50_000_000


class AttachmentRejected(UkaiError):
    def __init__(self, code: str, message_ja: str, message_en: str) -> None:
        super().__init__(code=code, message_ja=message_ja, message_en=message_en, status=422)


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    label: str


def sniff(head: bytes) -> Sniffed | None:
    """The type the first bytes say, among those Ukai accepts; None for anything else."""
    if head.startswith(b"%PDF-"):
        return Sniffed(PDF, "PDF")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG, "JPEG")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PNG, "PNG")
    return None


def _check_image(data: bytes) -> None:
    from PIL import Image, ImageFile

    # WeasyPrint (imported for PDFs) sets LOAD_TRUNCATED_IMAGES for the whole process;
    # a truncated photo must still be refused here.
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        _check_image_strict(data, Image)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _check_image_strict(data: bytes, Image: Any) -> None:  # noqa: N803 - the PIL module
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise AttachmentRejected(
                        "file_too_many_pixels",
                        "画像の画素数が多すぎます（5,000万画素まで）。縮小してから添付してください。",
                        "The image has too many pixels (50 megapixels at most); shrink it first.",
                    )
                image.verify()
            # verify() checks a PNG's chunks but not a JPEG's data: decode it, at 1/8 scale
            # (cheap), so that a truncated photo is refused.
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":
                    image.draft("L", (max(width // 8, 1), max(height // 8, 1)))
                    image.load()
        except AttachmentRejected:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise AttachmentRejected(
                "file_too_many_pixels",
                "画像の画素数が多すぎます（5,000万画素まで）。縮小してから添付してください。",
                "The image has too many pixels (50 megapixels at most); shrink it first.",
            ) from exc
        except Exception as exc:
            raise AttachmentRejected(
                "file_broken",
                "画像ファイルが壊れているため、読み取れません。",
                "The image file is broken and cannot be read.",
            ) from exc


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise AttachmentRejected(
            "file_broken",
            "PDFファイルが途中で切れているか、壊れています。",
            "The PDF file is truncated or broken.",
        )
    if b"/JavaScript" in data or b"/Launch" in data:
        raise AttachmentRejected(
            "file_active_content",
            "プログラム（JavaScript など）を含むPDFは添付できません。",
            "PDF files that contain programs (JavaScript and the like) cannot be attached.",
        )


def check_content(data: bytes, *, accept: list[str]) -> Sniffed:
    """The checked type of ``data``; ``AttachmentRejected`` (with a message for the resident) if not."""
    if not data:
        raise AttachmentRejected(
            "file_empty", "空のファイルは添付できません。", "An empty file cannot be attached."
        )
    sniffed = sniff(data[:16])
    allowed = accept or [PDF, JPEG, PNG]
    if sniffed is None or sniffed.content_type not in allowed:
        labels = "、".join({PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}.get(t, t) for t in allowed)
        raise AttachmentRejected(
            "file_type",
            f"添付できるのは {labels} のファイルです。ファイルの中身がこの形式ではありません"
            "（ファイル名の拡張子ではなく、中身で判定しています）。",
            f"Only {labels} files can be attached; this file's content is not one of them "
            "(the content is checked, not the file name).",
        )
    if sniffed.content_type == PDF:
        _check_pdf(data)
    else:
        _check_image(data)
    return sniffed


# --- antivirus ---------------------------------------------------------------------------


class Antivirus(Plugin):
    def scan(self, data: bytes) -> str | None:
        """The name of what was found, or None when the file is clean."""
        raise NotImplementedError


antivirus_registry: Registry[Antivirus] = Registry("procedures_antivirus")


@antivirus_registry.register("clamd")
class ClamdAntivirus(Antivirus):
    """ClamAV's daemon over its socket (``INSTREAM``); Debian: ``apt-get install clamav-daemon``."""

    verbose_name = "ClamAV (clamd)"

    def check_config(self) -> None:
        if not (self.options.get("socket") or self.options.get("host")):
            raise PluginConfigError("clamd needs options.socket or options.host")

    def _connect(self) -> socket.socket:
        timeout = float(self.options.get("timeout", 30))
        if self.options.get("socket"):
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            conn.connect(self.options["socket"])
            return conn
        return socket.create_connection(
            (self.options["host"], int(self.options.get("port", 3310))), timeout=timeout
        )

    def scan(self, data: bytes) -> str | None:
        self.check_config()
        with self._connect() as conn:
            conn.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 65536):
                chunk = data[start : start + 65536]
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = _read_reply(conn)
        if reply.endswith("OK"):
            return None
        if reply.endswith("FOUND"):
            return reply.split(":", 1)[-1].removesuffix("FOUND").strip()
        raise OSError(f"clamd answered {reply!r}")


def _read_reply(conn: BinaryIO | socket.socket) -> str:
    parts = []
    while True:
        chunk = conn.recv(4096) if isinstance(conn, socket.socket) else conn.read(4096)
        if not chunk:
            break
        parts.append(chunk)
        if chunk.endswith(b"\0"):
            break
    return b"".join(parts).rstrip(b"\0").decode("utf-8", "replace").strip()


def antivirus_plugins() -> list[Antivirus]:
    configured = getattr(settings, "UKAI_PROCEDURES_ANTIVIRUS", None) or []
    return [
        antivirus_registry.plugin_class(entry["engine"])(**entry.get("options", {}))
        for entry in configured
    ]


def scan(data: bytes) -> str:
    """Scan with every configured plugin; returns their names ("" if none is configured).

    ``AttachmentRejected`` when one finds something; an unreachable scanner refuses the file
    too (an unchecked file must not pass as checked)."""
    names = []
    for plugin in antivirus_plugins():
        try:
            found = plugin.scan(data)
        except OSError as exc:
            raise AttachmentRejected(
                "file_scan_unavailable",
                "ウイルス検査を実行できなかったため、添付できませんでした。しばらくしてからお試しください。",
                "The virus check could not run, so the file was not attached. Please try again later.",
            ) from exc
        if found:
            raise AttachmentRejected(
                "file_infected",
                "このファイルからウイルスが見つかったため、添付できません。",
                "A virus was found in this file, so it cannot be attached.",
            )
        names.append(plugin.identifier)
    return ",".join(names)
