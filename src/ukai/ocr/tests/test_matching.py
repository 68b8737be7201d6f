"""Automatic template matching (docs/adr/0089): each page of an upload without a template is
read as the form it is, a page no template is sure of waits for staff to choose its form."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ukai.core.testing.staff import staff_client_login
from ukai.ocr import samples, services
from ukai.ocr.models import ReadingJob, ScanPage

AuditEvent = apps.get_model("core", "AuditEvent")
CLEAN = samples.ScanOptions(angle=1.2, shift=(12, -9), dpi=200, blur=0.4, noise=3.0)
# A faint fax-like copy: still registrable, but too weak to be sure which form it is.
FAINT = samples.ScanOptions(dpi=200, blur=4.0, noise=40.0, jpeg_quality=15)


def zip_of(pages: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, data in enumerate(pages, start=1):
            archive.writestr(f"p{index}.jpg", data)
    return buffer.getvalue()


def run_worker() -> None:
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_mixed_forms_in_one_upload_are_each_read_as_their_own(
    template, inkan_template, real_engine
):
    juminhyo, juminhyo_truth = samples.sample_scan(61, options=CLEAN)
    upside_down = samples.ScanOptions(dpi=200, angle=-0.8, upside_down=True, noise=2.0)
    inkan, inkan_truth = samples.inkan_sample_scan(62, options=upside_down)
    unknown = samples.unknown_form_scan(63, options=CLEAN)
    job = services.job_create(
        template=None, data=zip_of([juminhyo, inkan, unknown]), filename="mixed.zip"
    )
    services.job_read(job_id=job.pk, engine=real_engine)
    job.refresh_from_db()
    assert job.status == ReadingJob.Status.DONE
    first, second, third = job.pages.order_by("number")

    assert (first.status, first.template) == (ScanPage.Status.READ, template)
    values = {field.zone.name: field.value for field in first.fields.select_related("zone")}
    assert len(values) == len(samples.ZONES)
    for name in ("postal_code", "phone", "copies"):
        assert values[name] == juminhyo_truth[name]

    assert (second.status, second.template) == (ScanPage.Status.READ, inkan_template)
    assert second.rotation == 180
    values = {field.zone.name: field.value for field in second.fields.select_related("zone")}
    assert set(values) == {zone.name for zone in samples.INKAN_ZONES}
    assert values["registration_number"] == inkan_truth["registration_number"]
    assert values["copies"] == inkan_truth["copies"]
    # Scores name every candidate, best first; the page's own form wins by far.
    assert second.match_scores[0]["template"] == samples.INKAN_NAME
    assert second.match_scores[0]["score"] > 3 * second.match_scores[1]["score"]

    # The third is a form without a template: not read, listed with the scores, scan kept.
    assert third.status == ScanPage.Status.UNMATCHED
    assert third.template is None
    assert third.fields.count() == 0
    assert {row["title"] for row in third.match_scores} == {
        samples.TEMPLATE_TITLE,
        samples.INKAN_TITLE,
    }
    assert all(row["score"] < services.match_min_score() for row in third.match_scores)
    assert third.image
    assert "様式を判別できません" in third.rejection_ja


def test_a_page_of_another_known_form_is_refused_when_a_template_was_chosen(
    template, inkan_template, real_engine
):
    # Both forms share a frame, so the 印鑑 page registers weakly to the 住民票 template: it
    # must be named as the other form, not read into the wrong zones.
    inkan, _ = samples.inkan_sample_scan(64, options=CLEAN)
    juminhyo, _ = samples.sample_scan(65, options=CLEAN)
    job = services.job_create(template=template, data=zip_of([inkan, juminhyo]), filename="x.zip")
    services.job_read(job_id=job.pk, engine=real_engine)
    wrong, right = job.pages.order_by("number")
    assert wrong.status == ScanPage.Status.REJECTED
    assert wrong.rejection_code == "page_other_template"
    assert samples.INKAN_TITLE in wrong.rejection_ja
    assert right.status == ScanPage.Status.READ
    assert right.template == template


@pytest.mark.django_db(transaction=True)
def test_staff_choose_the_form_of_an_unmatched_page_and_it_is_read(
    client, template, inkan_template
):
    staff = get_user_model().objects.create_user(
        username="ocr-match", password="x" * 20, role="department"
    )
    staff_client_login(client, staff)
    home = client.get("/staff/ocr/").content.decode()
    assert "様式を自動で判別する" in home
    juminhyo, _ = samples.sample_scan(66, options=CLEAN)
    faint, _ = samples.inkan_sample_scan(67, options=FAINT)
    upload = io.BytesIO(zip_of([juminhyo, faint]))
    upload.name = "mixed.zip"
    response = client.post("/staff/ocr/", {"template": "", "mode": "ocr", "upload": upload})
    assert response.status_code == 302
    job = ReadingJob.objects.get()
    assert job.template is None
    run_worker()

    page = client.get(response.url).content.decode()
    assert "ページごとに自動で判別" in page
    assert samples.TEMPLATE_TITLE in page  # page 1's form
    assert "様式を判別できません" in page
    assert "この様式で読み取る" in page
    unmatched = job.pages.get(number=2)
    assert unmatched.status == ScanPage.Status.UNMATCHED
    assert client.get(f"/staff/ocr/pages/{unmatched.pk}/").status_code == 404
    assert client.get(f"/staff/ocr/pages/{unmatched.pk}/image.jpg").status_code == 200

    response = client.post(
        f"/staff/ocr/pages/{unmatched.pk}/assign/", {"template": inkan_template.pk}
    )
    assert response.status_code == 302
    run_worker()
    unmatched.refresh_from_db()
    assert unmatched.status == ScanPage.Status.READ
    assert unmatched.template == inkan_template
    assert unmatched.fields.count() == len(samples.INKAN_ZONES)
    assert AuditEvent.objects.filter(
        action="update", purpose__startswith="様式の手動割り当て"
    ).exists()
    verify = client.get(f"/staff/ocr/pages/{unmatched.pk}/").content.decode()
    assert samples.INKAN_TITLE in verify
    assert "登録番号" in verify
    # Assigning again is refused: the page's form is known now.
    again = client.post(
        f"/staff/ocr/pages/{unmatched.pk}/assign/", {"template": template.pk}, follow=True
    )
    assert "様式が判別済み" in again.content.decode()
    unmatched.refresh_from_db()
    assert unmatched.template == inkan_template


def test_a_form_staff_choose_that_does_not_fit_leaves_the_page_unmatched(
    template, inkan_template, real_engine, settings
):
    unknown = samples.unknown_form_scan(70, options=CLEAN)
    other = io.BytesIO()
    from PIL import Image, ImageDraw

    # A page that is no form at all: nothing registers to it.
    letter = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(letter)
    for line in range(20):
        draw.text(
            (150, 200 + line * 90),
            "拝啓　時下ますますご清栄のこととお慶び申し上げます。" if line % 2 else "記",
            font=samples.font("ipaex-mincho", 44),
            fill=0,
        )
    letter.save(other, format="JPEG", quality=85)
    job = services.job_create(
        template=None, data=zip_of([unknown, other.getvalue()]), filename="u.zip"
    )
    services.job_read(job_id=job.pk, engine=real_engine)
    form_page, letter_page = job.pages.order_by("number")
    assert form_page.status == letter_page.status == ScanPage.Status.UNMATCHED
    assert all(row["score"] == 0 for row in letter_page.match_scores)
    services.page_template_assign(page=letter_page, template=template, staff=None)
    services.page_read_assigned(page_id=letter_page.pk, engine=real_engine)
    letter_page.refresh_from_db()
    assert letter_page.status == ScanPage.Status.UNMATCHED
    assert letter_page.template is None
    assert letter_page.rejection_code == "page_assigned_no_match"
    assert samples.TEMPLATE_TITLE in letter_page.rejection_ja
    assert letter_page.fields.count() == 0


def test_with_many_templates_a_screen_picks_the_finalists_and_the_page_is_found(geometry):
    import numpy as np
    from PIL import Image

    from ukai.ocr.reading import MATCH_FINALISTS, page_match, template_geometry

    candidates = [
        (f"sibling-{index}", template_geometry(np.asarray(samples.sibling_blank_form(index))))
        for index in range(4)
    ]
    candidates.insert(2, (samples.TEMPLATE_NAME, geometry))
    candidates.append(
        (samples.INKAN_NAME, template_geometry(np.asarray(samples.inkan_blank_form())))
    )
    options = samples.ScanOptions(angle=-1.5, dpi=240, noise=4.0, upside_down=True)
    data, _ = samples.sample_scan(71, options=options)
    scan = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    match = page_match(scan, candidates)
    assert match.key == samples.TEMPLATE_NAME
    assert match.alignment is not None
    assert match.alignment.rotation == 180
    assert match.scores[0][0] == samples.TEMPLATE_NAME
    # Only the finalists were registered in full; the rest were screened out.
    scored = [score for _, score in match.scores if score is not None]
    assert len(scored) == MATCH_FINALISTS
    assert len(match.scores) == len(candidates)
