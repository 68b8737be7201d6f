"""Upload → background reading → verification → CSV, through the staff pages and the real worker."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from ukai.core.testing.staff import staff_client_login
from ukai.ocr import samples, selectors, service, services
from ukai.ocr.engine import PpOcrV5Engine
from ukai.ocr.models import PageField, ReadingJob, ScanPage

URL = "/staff/ocr/"
# The core's audit log, read as the audit page reads it (core.models is not public).
AuditEvent = apps.get_model("core", "AuditEvent")


def staff_login(client):
    staff = get_user_model().objects.create_user(
        username="ocr-staff", password="x" * 20, role="department"
    )
    staff_client_login(client, staff)
    return staff


def sample_zip(*seeds: int, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for seed in seeds:
            archive.writestr(f"scan-{seed}.jpg", samples.sample_scan(seed)[0])
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def run_worker() -> None:
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_staff_only(client, db):
    response = client.get(URL)
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_upload_read_verify_and_export(client, template):
    staff_login(client)
    blank = io.BytesIO()
    from PIL import Image

    Image.new("L", (1654, 2339), 253).save(blank, format="PNG")
    data = sample_zip(21, 22, extra={"z-blank.png": blank.getvalue()})
    upload = io.BytesIO(data)
    upload.name = "batch.zip"
    response = client.post(URL, {"template": template.pk, "mode": "ocr", "upload": upload})
    assert response.status_code == 302
    job = ReadingJob.objects.get()
    assert job.status == ReadingJob.Status.QUEUED
    assert job.pages_total == 3

    run_worker()
    job.refresh_from_db()
    assert job.status == ReadingJob.Status.DONE
    assert job.pages_done == 3
    pages = list(job.pages.order_by("number"))
    assert [page.status for page in pages] == ["read", "read", "rejected"]
    assert pages[2].rejection_code == "page_blank"

    page = client.get(f"/staff/ocr/jobs/{job.pk}/")
    assert "白紙のページです" in page.content.decode()
    status = client.get(f"/staff/ocr/jobs/{job.pk}/status/").json()
    assert status["finished"]
    assert status["percent"] == 100

    first = pages[0]
    response = client.get(f"/staff/ocr/pages/{first.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    # Names and addresses are always flagged; fields needing review come first.
    flagged = [row["needs_review"] for row in rows]
    assert flagged == sorted(flagged, reverse=True)
    assert all(row["needs_review"] for row in rows if row["zone"].field_type in ("name", "address"))
    assert "必ず画像と見比べてください" in html
    zone = rows[0]["zone"]
    image = client.get(f"/staff/ocr/pages/{first.pk}/zones/{zone.pk}.png")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"

    truth = samples.sample_scan(21)[1]
    posted = {"opened": response.context["opened"], "active_seconds": "12.5"}
    for row in rows:
        name = row["zone"].name
        if row["is_mark"]:
            if truth[name] == "1":
                posted[row["input_name"]] = "1"
        else:
            posted[row["input_name"]] = truth[name]
    posted["f_postal_code"] = "5OO-87O1"  # a typo: letter O for zero
    response = client.post(f"/staff/ocr/pages/{first.pk}/", posted)
    assert response.status_code == 422
    assert "郵便番号" in response.content.decode()
    first.refresh_from_db()
    assert first.status == ScanPage.Status.READ

    posted["f_postal_code"] = truth["postal_code"]
    response = client.post(f"/staff/ocr/pages/{first.pk}/", posted)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/ocr/pages/{pages[1].pk}/"
    first.refresh_from_db()
    assert first.status == ScanPage.Status.VERIFIED
    assert 0 < first.active_seconds <= 12.5
    values = {field.zone.name: field.value for field in first.fields.select_related("zone")}
    assert values["applicant_name"] == truth["applicant_name"]  # variant kanji as staff typed them
    corrected = PageField.objects.filter(page=first, corrected=True).count()
    assert (
        AuditEvent.objects.filter(object_type="ocr.pagefield", action="update").count() == corrected
    )
    assert AuditEvent.objects.filter(object_type="ocr.scanpage", action="verify").count() == 1

    csv_bom = client.get(f"/staff/ocr/templates/{template.name}/export.csv?encoding=utf-8-sig")
    body = b"".join(csv_bom.streaming_content) if csv_bom.streaming else csv_bom.content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert truth["applicant_name"] in text
    assert truth["address"] in text
    assert len(text.strip().splitlines()) == 2  # header + the one verified page
    cp932 = client.get(f"/staff/ocr/templates/{template.name}/export.csv?encoding=cp932")
    if "髙" in truth["applicant_name"] or "﨑" in truth["applicant_name"]:
        assert cp932.status_code == 302
    else:
        assert cp932.status_code == 200
        assert truth["address"] in cp932.content.decode("cp932")
    assert AuditEvent.objects.filter(action="export", object_type="ocr.pagefield").exists()


@pytest.mark.django_db(transaction=True)
def test_a_corrupt_page_fails_the_job_and_keeps_nothing(template):
    data = sample_zip(31)
    job = services.job_create(template=template, data=data, filename="ok.zip")
    # Swap in a file whose second image is cut short: decoding fails mid-way.
    broken = sample_zip(31, extra={"z-cut.jpg": samples.sample_scan(32)[0][:4000]})
    with job.upload.open("wb") as target:
        target.write(broken)
    services.job_read(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReadingJob.Status.FAILED
    assert job.error_code == "scan_corrupt"
    assert job.pages.count() == 0


def test_a_refused_upload_stores_nothing(client, template):
    staff_login(client)
    upload = io.BytesIO(b"not a scan at all")
    upload.name = "notes.txt"
    response = client.post(URL, {"template": template.pk, "mode": "ocr", "upload": upload})
    assert response.status_code == 200
    assert "読み取れる形式ではありません" in response.content.decode()
    assert ReadingJob.objects.count() == 0


def test_the_wrong_template_rejects_every_page(db, template_folder, template, real_engine):
    # A second template whose blank form is a different document.
    import json

    from PIL import Image, ImageDraw

    other = template_folder.parent / "other-form"
    other.mkdir(exist_ok=True)
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    for row in range(12):
        draw.rectangle((150, 300 + row * 150, 1500, 420 + row * 150), outline=0, width=4)
        draw.text(
            (170, 320 + row * 150),
            f"児童手当 認定請求書 第{row}欄",
            font=samples.font("ipaex-mincho", 40),
            fill=0,
        )
    page.save(other / "blank.png")
    definition = {
        "name": "other",
        "title": "別の様式",
        "image": "blank.png",
        "dpi": 200,
        "zones": [{"name": "a", "type": "text", "box": [160, 310, 600, 100]}],
    }
    (other / "t.json").write_text(json.dumps(definition), encoding="utf-8")
    other_template, _ = services.template_import(
        checked=services.template_file_check(definition, base_dir=other)
    )
    job = services.job_create(template=other_template, data=sample_zip(41), filename="wrong.zip")
    services.job_read(job_id=job.pk, engine=real_engine)
    page_row = job.pages.get()
    assert page_row.status == ScanPage.Status.REJECTED
    # The page is the other active template's form: the message names it.
    assert page_row.rejection_code == "page_other_template"
    assert "住民票の写し等交付請求書" in page_row.rejection_ja
    template.is_active = False
    template.save()
    job = services.job_create(template=other_template, data=sample_zip(41), filename="wrong2.zip")
    services.job_read(job_id=job.pk, engine=real_engine)
    assert job.pages.get().rejection_code == "page_no_match"


def test_input_time_reduction_compares_ocr_with_manual_entry(db, template):
    assert service.kpi_input_time_reduction(as_of=timezone.localdate())["value"] == 0.0
    now = timezone.now()
    for mode, seconds in (("ocr", 30.0), ("ocr", 50.0), ("manual", 100.0), ("manual", 140.0)):
        job = ReadingJob.objects.create(
            template=template, mode=mode, original_name=f"{mode}.zip", status="done"
        )
        ScanPage.objects.create(
            job=job,
            number=1,
            status="verified",
            active_seconds=seconds,
            verified_at=now - timedelta(days=1),
        )
    result = service.kpi_input_time_reduction(as_of=timezone.localdate())
    # OCR 40 s per page against manual 120 s: 66.7 % less.
    assert result["value"] == pytest.approx(66.7, abs=0.05)
    assert "手入力" in str(result["description"])
    [row] = selectors.time_comparison()
    assert row.ocr_pages == 2
    assert row.manual_pages == 2


@pytest.mark.django_db(transaction=True)
def test_manual_entry_starts_empty_and_records_the_baseline_time(client, template):
    staff_login(client)
    upload = io.BytesIO(sample_zip(51))
    upload.name = "manual.zip"
    client.post(URL, {"template": template.pk, "mode": "manual", "upload": upload})
    run_worker()
    page = ScanPage.objects.get(job__mode="manual")
    response = client.get(f"/staff/ocr/pages/{page.pk}/")
    assert all(row["value"] == "" for row in response.context["rows"])
    assert "手入力" in response.content.decode()
    truth = samples.sample_scan(51)[1]
    posted = {"opened": response.context["opened"], "active_seconds": "95"}
    for row in response.context["rows"]:
        name = row["zone"].name
        if not row["is_mark"]:
            posted[row["input_name"]] = truth[name]
        elif truth[name] == "1":
            posted[row["input_name"]] = "1"
    response = client.post(f"/staff/ocr/pages/{page.pk}/", posted)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == ScanPage.Status.VERIFIED
    # Never more than the time since the page was served (well under 95 s in a test).
    assert 0 < page.active_seconds < 95
    assert not PageField.objects.filter(page=page, corrected=True).exists()


def test_the_template_page_shows_zones_on_the_blank_form(client, template):
    staff_login(client)
    page = client.get(f"/staff/ocr/templates/{template.name}/")
    html = page.content.decode()
    assert "請求者の氏名" in html
    assert "requester_name" in html  # the procedure field it maps to
    preview = client.get(f"/staff/ocr/templates/{template.name}/preview.png")
    assert preview["Content-Type"] == "image/png"
    from PIL import Image

    image = Image.open(io.BytesIO(preview.content)).convert("RGB")
    assert image.width == 900
    # The first zone's red outline is drawn where the zone is, scaled to the preview.
    x, y, _w, _h = template.zones.first().box
    scale = 900 / template.width
    pixel = image.getpixel((round((x + 60) * scale), round(y * scale) + 1))
    assert isinstance(pixel, tuple)
    r, g, b = pixel
    assert r > 150
    assert g < 80
    assert b < 80


def test_the_pages_speak_english_when_chosen(client, template):
    staff_login(client)
    client.cookies["ukai_language"] = "en"
    html = client.get(URL).content.decode()
    assert "Upload and read" in html
    assert "Up to 200 pages and 100 MB." in html
    upload = io.BytesIO(b"GIF89a")
    upload.name = "photo.gif"
    html = client.post(
        URL, {"template": template.pk, "mode": "ocr", "upload": upload}
    ).content.decode()
    assert "is not a format Ukai reads" in html


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_failure_fails_the_job_visibly_and_keeps_nothing(template, real_engine):
    class BrokenAfterFirstPage(PpOcrV5Engine):  # the real engine, failing on the 2nd page
        calls = 0

        def read_lines(self, crops):
            BrokenAfterFirstPage.calls += 1
            if BrokenAfterFirstPage.calls > 1:
                raise RuntimeError("disk full")
            return super().read_lines(crops)

    job = services.job_create(template=template, data=sample_zip(61, 62), filename="two.zip")
    with pytest.raises(RuntimeError):
        services.job_read(
            job_id=job.pk, engine=BrokenAfterFirstPage(cache_dir=str(real_engine.cache_dir))
        )
    job.refresh_from_db()
    assert job.status == ReadingJob.Status.FAILED
    assert job.error_code == "ocr_internal_error"
    assert job.pages.count() == 0


def test_a_two_page_pdf_scan_is_read_page_by_page(template, real_engine):
    from PIL import Image

    first, second = (Image.open(io.BytesIO(samples.sample_scan(seed)[0])) for seed in (71, 72))
    buffer = io.BytesIO()
    first.save(buffer, format="PDF", save_all=True, append_images=[second], resolution=240)
    job = services.job_create(template=template, data=buffer.getvalue(), filename="scan.pdf")
    assert job.pages_total == 2
    services.job_read(job_id=job.pk, engine=real_engine)
    pages = list(job.pages.order_by("number"))
    assert [page.status for page in pages] == ["read", "read"]
    postal = PageField.objects.get(page=pages[1], zone__name="postal_code")
    assert postal.value == samples.sample_scan(72)[1]["postal_code"]
