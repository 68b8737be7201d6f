"""A verified page becomes an application of its mapped procedure, the scan attached."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ukai.core.errors import UkaiError
from ukai.ocr import samples, services
from ukai.ocr.models import ScanPage
from ukai.ocr.tests.test_jobs import sample_zip
from ukai.procedures.service import case_by_receipt, procedure_by_slug


def read_one_page(template, seed: int) -> tuple[ScanPage, dict[str, str]]:
    job = services.job_create(template=template, data=sample_zip(seed), filename="mail.zip")
    services.job_read(job_id=job.pk)
    return job.pages.get(number=1), samples.sample_scan(seed)[1]


def verify(page: ScanPage, truth: dict[str, str], **overrides: str) -> None:
    values = {name: value for name, value in truth.items()}
    values.update(overrides)
    staff = get_user_model().objects.get(username="counter")
    result = services.page_verify(page=page, values=values, active_seconds=30, staff=staff)
    assert not result.errors, result.errors


@pytest.mark.django_db(transaction=True)
def test_a_verified_request_lands_in_the_departments_inbox(template):
    call_command("ukai_demo", verbosity=0)
    page, truth = read_one_page(template, 41)
    staff = get_user_model().objects.get(username="counter")
    with pytest.raises(UkaiError, match="確認済みのページだけ"):
        services.page_case_create(page=page, staff=staff)
    verify(page, truth, kind_all="1", kind_part="0", seal="1", with_honseki="1", with_relation="0")
    page.refresh_from_db()
    receipt = services.page_case_create(page=page, staff=staff)
    case = case_by_receipt(receipt, department_codes=None)
    assert case is not None
    assert case.procedure == procedure_by_slug("juminhyo-utsushi")
    assert case.channel == "post"
    assert case.assurance == "paper"
    assert case.department_code == "shimin"
    assert case.answers["requester_name"]["name"] == truth["applicant_name"]
    assert case.answers["scope"] == "whole_household"
    assert case.answers["include"] == ["honseki"]
    assert case.answers["declaration"] is True
    assert case.answers["delivery"] == "post"  # the template's default: the paper form came by post
    scan = case.attachments.get(field_key="_scan")
    assert scan.content_type == "image/jpeg"
    page.refresh_from_db()
    assert page.case_receipt == receipt
    with pytest.raises(UkaiError, match="登録済みです"):
        services.page_case_create(page=page, staff=staff)


@pytest.mark.django_db(transaction=True)
def test_a_page_missing_what_the_procedure_requires_files_nothing(template):
    call_command("ukai_demo", verbosity=0)
    page, truth = read_one_page(template, 42)
    # Neither kind of copy ticked, no seal: the request cannot be filed as it is.
    verify(page, truth, kind_all="0", kind_part="0", seal="0")
    page.refresh_from_db()
    staff = get_user_model().objects.get(username="counter")
    with pytest.raises(UkaiError) as caught:
        services.page_case_create(page=page, staff=staff)
    # Each missing answer by the label residents see on the online form.
    assert "必要な範囲" in caught.value.message_ja
    assert "登録できません" in caught.value.message_ja
    page.refresh_from_db()
    assert page.case_receipt == ""
