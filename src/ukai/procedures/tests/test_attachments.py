"""Attachments: accepted by their content, not their name; anything else refused with a
field-level message, the typed answers kept and nothing stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ukai.procedures.attachments import (
    Antivirus,
    AttachmentRejected,
    antivirus_registry,
    check_content,
)
from ukai.procedures.models import Attachment, Case
from ukai.procedures.tests.test_submit import CHILD_ALLOWANCE, SLUG, gifu, staff

__all__ = ["gifu"]  # the fixture, used by name

CONFIRM = reverse("procedures:apply_step", args=[SLUG, "confirm"])


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack("!I", len(data)) + body + struct.pack("!I", zlib.crc32(body))

    header = struct.pack("!IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(client: Client, name: str, data: bytes, content_type: str = "application/octet-stream"):
    return client.post(
        CONFIRM,
        {"declaration": "on", "identity_document": SimpleUploadedFile(name, data, content_type)},
    )


def test_an_image_is_attached_submitted_and_shown_to_staff(gifu, client):
    body = fill_and_submit_with_file(client, "運転免許証.png", png_bytes())
    assert "申請を受け付けました" in body
    case = Case.objects.get()
    (attachment,) = case.attachments.all()
    assert attachment.content_type == "image/png"
    assert attachment.name == "運転免許証.png"
    assert case.answers["identity_document"]["attachment"] == str(attachment.pk)
    department = staff(Client(), "department")
    page = department.get(reverse("procedures_staff:case", args=[case.receipt_number]))
    assert "運転免許証.png" in page.content.decode()
    response = department.get(
        reverse("procedures_staff:case_attachment", args=[case.receipt_number, attachment.pk])
    )
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue() == png_bytes()
    other = staff(Client(), "counter")
    url = reverse("procedures_staff:case_attachment", args=[case.receipt_number, attachment.pk])
    assert other.get(url).status_code == 404


def fill_and_submit_with_file(client: Client, name: str, data: bytes) -> str:
    from ukai.procedures.tests.conftest import start_application

    start_application(client, SLUG)
    for step, answers in CHILD_ALLOWANCE.items():
        if step == "confirm":
            response = upload(client, name, data)
        else:
            response = client.post(reverse("procedures:apply_step", args=[SLUG, step]), answers)
        assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("procedures:apply_check", args=[SLUG]))
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "passport.pdf",
            b"PK\x03\x04" + b"\0" * 200,
            "中身で判定",
        ),  # a ZIP (or zip bomb) named .pdf
        ("photo.png", b"MZ\x90\x00" + b"\0" * 200, "中身で判定"),  # a program named .png
        ("bomb.png", png_claiming(40_000, 40_000), "画素数が多すぎます"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "壊れている"),
        (
            "script.pdf",
            b"%PDF-1.7\n1 0 obj <</S /JavaScript /JS (app.alert(1))>>\n%%EOF",
            "JavaScript",
        ),
        ("cut.pdf", b"%PDF-1.7\n1 0 obj <<>>", "途中で切れている"),
        ("empty.pdf", b"", "空のファイル"),
    ],
)
def test_a_wrong_file_is_refused_and_nothing_is_stored(applicant, name, data, message):
    response = upload(applicant, name, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert 'href="#f-identity-document"' in body  # in the error summary, linked to the field
    assert "checked" in body  # the ticked declaration is kept
    assert not Attachment.objects.exists()


def test_a_file_too_large_is_refused(applicant):
    big = b"%PDF-1.7\n" + b"0" * 10_000_001 + b"\n%%EOF"
    response = upload(applicant, "big.pdf", big)
    assert response.status_code == 422
    assert "ファイルが大きすぎます（10 MB まで）" in response.content.decode()
    assert not Attachment.objects.exists()


def test_replacing_and_removing_a_file(applicant):
    upload(applicant, "one.png", png_bytes())
    upload(applicant, "two.png", png_bytes((10, 10)))
    assert list(Attachment.objects.values_list("name", flat=True)) == ["two.png"]
    response = applicant.post(CONFIRM, {"action": "clear:identity_document"})
    assert "添付済み" not in response.content.decode()
    assert not Attachment.objects.exists()


@antivirus_registry.register("test-signature")
class SignatureScanner(Antivirus):
    """Finds the EICAR test string, as every antivirus does (a test plugin for the hook)."""

    def scan(self, data: bytes) -> str | None:
        return "Eicar-Test-Signature" if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data else None


def test_the_antivirus_hook_refuses_an_infected_file(applicant, settings):
    settings.UKAI_PROCEDURES_ANTIVIRUS = [{"engine": "test-signature"}]
    infected = (
        b"%PDF-1.4\n% X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n%%EOF"
    )
    response = upload(applicant, "scan.pdf", infected)
    assert response.status_code == 422
    assert "ウイルスが見つかった" in response.content.decode()
    assert not Attachment.objects.exists()
    assert upload(applicant, "clean.png", png_bytes()).status_code == 302
    assert Attachment.objects.get().scanned_by == "test-signature"


@settings(max_examples=200)
@given(
    st.binary(max_size=300), st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-"])
)
def test_arbitrary_bytes_are_either_a_checked_file_or_a_clear_refusal(data, prefix):
    refusal: AttachmentRejected | None = None
    try:
        sniffed = check_content(prefix + data, accept=[])
    except AttachmentRejected as exc:
        refusal = exc
    if refusal is not None:
        assert refusal.message_ja
        assert refusal.message_en
    else:
        assert sniffed.content_type in {"application/pdf", "image/png", "image/jpeg"}


def test_a_truncated_photo_is_refused_even_after_weasyprint_is_loaded(applicant):
    import weasyprint  # noqa: F401 - it sets ImageFile.LOAD_TRUNCATED_IMAGES for the process

    out = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(out, format="JPEG", quality=90)
    response = upload(applicant, "cut.jpg", out.getvalue()[: len(out.getvalue()) // 2])
    assert response.status_code == 422
    assert "壊れている" in response.content.decode()
    assert not Attachment.objects.exists()


def signed_form(db_procedure_slug: str = "signed") -> str:
    from ukai.procedures import services
    from ukai.procedures.models import Procedure

    procedure = Procedure.objects.create(
        slug=db_procedure_slug,
        name="署名のある届出",
        department_code="shimin",
        category="resident-registry",
        channels=["online"],
        is_published=True,
    )
    definition = {
        "title": "署名のある届出",
        "steps": [
            {
                "key": "sign",
                "title": "署名",
                "fields": [
                    {"key": "signature", "type": "signature", "label": "署名", "required": True}
                ],
            }
        ],
    }
    services.form_definition_publish(
        form_definition=services.form_definition_create(procedure=procedure, definition=definition)
    )
    return db_procedure_slug


def test_a_signature_drawn_on_screen_is_kept_as_a_png(catalog, client):
    import base64

    from ukai.procedures.tests.conftest import start_application

    slug = signed_form()
    start_application(client, slug)
    step = reverse("procedures:apply_step", args=[slug, "sign"])
    response = client.post(step, {})
    assert response.status_code == 422
    assert "「署名」を入力してください" in response.content.decode()
    response = client.post(step, {"signature": "data:image/png;base64,not-base64!"})
    assert "署名を読み取れませんでした" in response.content.decode()
    jpeg = io.BytesIO()
    Image.new("RGB", (60, 20)).save(jpeg, format="JPEG")
    disguised = "data:image/png;base64," + base64.b64encode(jpeg.getvalue()).decode()
    assert client.post(step, {"signature": disguised}).status_code == 422
    assert not Attachment.objects.exists()
    drawn = "data:image/png;base64," + base64.b64encode(png_bytes((600, 200))).decode()
    response = client.post(step, {"signature": drawn})
    assert response["Location"] == reverse("procedures:apply_check", args=[slug])
    assert "署名あり" in client.get(response["Location"]).content.decode()
    (attachment,) = Attachment.objects.all()
    assert attachment.content_type == "image/png"
    assert attachment.name == "署名.png"


def test_the_pdf_shows_the_drawn_signature(catalog, client):
    import base64

    import pypdfium2

    from ukai.procedures.models import Case
    from ukai.procedures.pdf import case_pdf
    from ukai.procedures.tests.conftest import start_application

    slug = signed_form()
    start_application(client, slug)
    drawn = "data:image/png;base64," + base64.b64encode(png_bytes((600, 200))).decode()
    client.post(reverse("procedures:apply_step", args=[slug, "sign"]), {"signature": drawn})
    client.post(reverse("procedures:apply_check", args=[slug]))
    case = Case.objects.get()
    assert case.attachments.count() == 1
    document = pypdfium2.PdfDocument(case_pdf(case))
    images = [
        obj for obj in document[0].get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
    ]
    assert len(images) == 1  # the signature, drawn in its row


def test_a_huge_upload_is_refused_from_its_length_before_it_is_read(applicant):
    response = applicant.generic(
        "POST",
        CONFIRM,
        b"x" * 64,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "大きすぎます" in response.content.decode()
    assert not Attachment.objects.exists()
