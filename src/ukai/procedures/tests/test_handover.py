"""A resident's online draft handed over at the counter by its QR code (ADR 0045–0047)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ukai.core.errors import UkaiError
from ukai.core.testing.staff import staff_client_login
from ukai.procedures import service
from ukai.procedures.draft_handover import handover_code_issue
from ukai.procedures.models import Attachment, Case, CaseEvent, Draft
from ukai.procedures.receipts import handover_code_normalize
from ukai.procedures.tests.conftest import start_application
from ukai.procedures.tests.test_attachments import png_bytes
from ukai.procedures.tests.test_submit import CHILD_ALLOWANCE

SLUG = "jido-teate-nintei-seikyu"
CODE = re.compile(r'class="proc-qr__code"[^>]*>(\d{4}-\d{4}-\d)<')
HANDOVER = reverse("procedures_staff:handover")


ROLES = ("counter", "department", "manager", "ict", "cio", "admin")


@pytest.fixture
def gifu(catalog: Any) -> None:
    """The seeded catalog and one member of staff per role (named after the role)."""
    for role in ROLES:
        get_user_model().objects.create_user(username=role, role=role)


def staff(username: str) -> Client:
    client = Client()
    staff_client_login(client, get_user_model().objects.get(username=username))
    return client


def fill_draft(client: Client, *, with_file: bool = True) -> None:
    """Every step of 児童手当 認定請求 (the identity document attached), not submitted."""
    start_application(client, SLUG)
    for step, answers in CHILD_ALLOWANCE.items():
        data: dict[str, Any] = dict(answers)
        if step == "confirm" and with_file:
            data["identity_document"] = SimpleUploadedFile(
                "在留カード.png", png_bytes(), "image/png"
            )
        response = client.post(reverse("procedures:apply_step", args=[SLUG, step]), data)
        assert response.status_code == 302, response.content.decode()[:2000]


def show_code(client: Client, page: str, fields: dict[str, str] | None = None) -> str:
    """Press 「QR コードと番号を表示する」 as the resident does; returns the code shown."""
    response = client.post(page, {**(fields or {}), "action": "handover"})
    assert response.status_code == 200, response.content.decode()[:2000]
    body = response.content.decode()
    assert "<svg" in body  # the QR code, inline
    return CODE.search(body).group(1)  # type: ignore[union-attr]


def test_the_check_page_shows_a_qr_code_and_a_checked_code_without_submitting(gifu):
    resident = Client()
    fill_draft(resident)
    check = reverse("procedures:apply_check", args=[SLUG])
    page = resident.get(check).content.decode()
    assert "窓口で続きを手続する" in page
    assert "<svg" not in page  # a code is made only when the resident asks for one
    code = show_code(resident, check)
    assert handover_code_normalize(code) == code.replace("-", "")
    assert not Case.objects.exists()  # the button does not submit the application
    draft = Draft.objects.get()
    # Only a keyed hash is stored, never the digits.
    assert draft.handover_code_hash
    assert code.replace("-", "") not in draft.handover_code_hash
    assert code.replace("-", "") not in str(Draft.objects.values().get())
    assert draft.handover_expires_at is not None
    lifetime = draft.handover_expires_at - timezone.now()
    assert timedelta(hours=23, minutes=59) < lifetime <= timedelta(hours=24)


def test_the_step_page_keeps_what_was_typed_and_a_new_code_replaces_the_old(gifu):
    resident = Client()
    start_application(resident, SLUG)
    step = reverse("procedures:apply_step", args=[SLUG, "applicant"])
    typed = {"applicant_name.name": "髙橋 花子", "address": "岐阜市司町"}
    response = resident.post(step, {**typed, "action": "handover"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<details" in body
    assert " open" in body
    first = CODE.search(body).group(1)  # type: ignore[union-attr]
    assert Draft.objects.get().answers["applicant_name"]["name"] == "髙橋 花子"
    second = show_code(resident, step, typed)
    assert second != first
    counter = get_user_model().objects.get(username="counter")
    with pytest.raises(service.HandoverCodeInvalid):
        service.draft_by_handover_code(code=first, staff=counter)
    record = service.draft_by_handover_code(code=second, staff=counter)
    assert record.procedure_slug == SLUG
    assert record.answers["address"] == "岐阜市司町"


def test_codes_typed_any_way_open_the_draft_and_wrong_ones_say_why(gifu):
    resident = Client()
    fill_draft(resident, with_file=False)
    code = show_code(resident, reverse("procedures:apply_check", args=[SLUG]))
    counter = get_user_model().objects.get(username="counter")
    full_width = code.replace("-", " ").translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    record = service.draft_by_handover_code(code=full_width, staff=counter)
    assert record.email == "hanako@example.jp"
    assert record.answers["children"][1]["name"]["name"] == "髙橋 𠮷子"
    assert record.form_definition.procedure.slug == SLUG
    # One digit wrong: the check digit catches it before any search.
    digits = code.replace("-", "")
    wrong = digits[:3] + str((int(digits[3]) + 1) % 10) + digits[4:]
    with pytest.raises(service.HandoverCodeInvalid) as raised:
        service.draft_by_handover_code(code=wrong, staff=counter)
    assert "9桁" in raised.value.message_ja
    assert "9 digits" in raised.value.message_en
    # A well-formed code nobody holds.
    with pytest.raises(service.HandoverCodeInvalid) as raised:
        service.draft_by_handover_code(code="0000-0000-0", staff=counter)
    assert "見つかりません" in raised.value.message_ja
    # After 24 hours.
    Draft.objects.update(handover_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(service.HandoverCodeExpired) as expired:
        service.draft_by_handover_code(code=code, staff=counter)
    assert expired.value.code == "handover_code_expired"
    assert "24時間" in expired.value.message_ja
    assert "24 hours" in expired.value.message_en


def test_filing_at_the_counter_keeps_the_files_and_deletes_the_draft(gifu):
    resident = Client()
    fill_draft(resident)
    code = show_code(resident, reverse("procedures:apply_check", args=[SLUG]))
    counter = get_user_model().objects.get(username="counter")
    record = service.draft_by_handover_code(code=code, staff=counter)
    answers = {**record.answers, "phone": "０５８−２６５−４１４２"}
    submitted = service.draft_submit_at_counter(code=code, answers=answers, staff=counter)
    case = submitted.case
    assert case.channel == "counter"
    assert case.assurance == "counter"
    assert case.answers["phone"] == "058-265-4142"
    (attachment,) = Attachment.objects.all()
    assert attachment.case == case
    assert attachment.name == "在留カード.png"
    assert case.answers["identity_document"]["attachment"] == str(attachment.pk)
    assert not Draft.objects.exists()
    assert CaseEvent.objects.get(case=case).actor == counter
    with pytest.raises(service.HandoverCodeInvalid):  # filed once only
        service.draft_submit_at_counter(code=code, answers=answers, staff=counter)
    assert Case.objects.count() == 1


def test_invalid_answers_at_the_counter_file_nothing(gifu):
    resident = Client()
    fill_draft(resident, with_file=False)
    code = show_code(resident, reverse("procedures:apply_check", args=[SLUG]))
    counter = get_user_model().objects.get(username="counter")
    record = service.draft_by_handover_code(code=code, staff=counter)
    assert record.errors == []  # no file needed at the counter
    with pytest.raises(service.FormAnswersInvalid) as raised:
        service.draft_submit_at_counter(
            code=code, answers={**record.answers, "phone": "電話"}, staff=counter
        )
    assert [e.path for e in raised.value.errors] == ["phone"]
    assert not Case.objects.exists()
    assert Draft.objects.exists()


def test_staff_find_check_correct_and_file_a_draft_on_the_counter_page(gifu):
    resident = Client()
    fill_draft(resident)
    code = show_code(resident, reverse("procedures:apply_check", args=[SLUG]))
    counter = staff("counter")
    assert "引き継ぎ番号" in counter.get(HANDOVER).content.decode()
    page = counter.post(HANDOVER, {"code": code.replace("-", ""), "action": "open"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "髙橋 𠮷子" in body
    assert "在留カード.png" in body
    assert "この内容で窓口受付する" in body
    edit = counter.post(HANDOVER, {"code": code, "action": "edit"}).content.decode()
    assert 'value="十六銀行"' in edit
    # A wrong correction is refused next to its field; nothing is filed.
    fields = {
        "code": code,
        "action": "save",
        **CHILD_ALLOWANCE["applicant"],
        **CHILD_ALLOWANCE["spouse"],
        **CHILD_ALLOWANCE["children"],
        **CHILD_ALLOWANCE["account"],
        **CHILD_ALLOWANCE["confirm"],
    }
    refused = counter.post(HANDOVER, {**fields, "phone": "でんわ"})
    assert refused.status_code == 422
    assert 'href="#f-phone"' in refused.content.decode()
    saved = counter.post(HANDOVER, {**fields, "branch_name": "岐阜駅前支店"})
    assert saved.status_code == 200
    assert "岐阜駅前支店" in saved.content.decode()
    done = counter.post(HANDOVER, {"code": code, "action": "submit"}).content.decode()
    case = Case.objects.get()
    assert case.receipt_number in done
    assert case.answers["branch_name"] == "岐阜駅前支店"
    assert case.attachments.count() == 1
    # The reads were audited, with who read and why.
    events = (
        staff("admin")
        .get("/staff/audit/", {"object_type": "procedures.draft"})
        .context["page"]
        .object_list
    )
    assert {e.actor_username for e in events} == {"counter"}
    assert any("窓口での下書きの引き継ぎ" in e.purpose for e in events)


def test_the_counter_page_shows_wrong_codes_next_to_the_field(gifu):
    counter = staff("counter")
    response = counter.post(HANDOVER, {"code": "1234-5678-0", "action": "open"})
    assert response.status_code in {404, 422}
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert 'href="#f-code"' in body
    assert "1234-5678-0" in body  # what was typed is kept


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("counter", True), ("department", True), ("manager", True), ("ict", False), ("cio", False)],
)
def test_only_counter_and_department_staff_open_drafts(gifu, username, allowed):
    response = staff(username).get(HANDOVER)
    assert response.status_code == (200 if allowed else 403)


def test_signing_in_is_needed(gifu):
    response = Client().get(HANDOVER)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_guessing_codes_is_stopped(gifu):
    counter = get_user_model().objects.get(username="counter")
    procedure = service.procedure_by_slug(SLUG)
    assert procedure is not None
    form = service.form_definition_current(procedure=procedure)
    assert form is not None
    draft = Draft.objects.create(
        token_hash="x" * 64,
        procedure=procedure,
        form_definition=form,
        email="a@example.jp",
        expires_at=timezone.now() + timedelta(days=1),
    )
    code = handover_code_issue(draft=draft).code
    for _ in range(30):
        with pytest.raises(service.HandoverCodeInvalid):
            service.draft_by_handover_code(code="0000-0000-0", staff=counter)
    with pytest.raises(UkaiError) as raised:
        service.draft_by_handover_code(code="0000-0000-0", staff=counter)
    assert raised.value.status == 429
    assert "多すぎます" in raised.value.message_ja
    # The right code still opens the draft (a resident at the counter is not locked out).
    assert service.draft_by_handover_code(code=code, staff=counter).draft_id == draft.pk


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=1, max_value=9),
)
def test_one_wrong_or_two_swapped_digits_never_open_another_draft(body, position, delta):
    from ukai.procedures.receipts import _check_digit, handover_code_format

    digits = body + _check_digit(body)
    assert handover_code_normalize(handover_code_format(digits)) == digits
    wrong = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert handover_code_normalize(wrong) is None
    if position < 8 and digits[position] != digits[position + 1]:
        swapped = (
            digits[:position] + digits[position + 1] + digits[position] + digits[position + 2 :]
        )
        assert handover_code_normalize(swapped) is None


def test_a_signature_not_drawn_online_is_signed_on_paper_at_the_counter(gifu):
    from ukai.procedures.tests.test_attachments import signed_form

    slug = signed_form()
    resident = Client()
    start_application(resident, slug)
    code = show_code(resident, reverse("procedures:apply_step", args=[slug, "sign"]))
    counter = staff("counter")
    review = counter.post(HANDOVER, {"code": code, "action": "open"}).content.decode()
    assert "「署名」を入力してください" in review
    assert "この内容で窓口受付する" not in review  # nothing to file until it is signed
    edit = counter.post(HANDOVER, {"code": code, "action": "edit"}).content.decode()
    assert "申請者が窓口で書面に署名しました" in edit
    saved = counter.post(HANDOVER, {"code": code, "action": "save", "counter_sign.signature": "on"})
    assert "窓口で署名（一括）" in saved.content.decode()
    done = counter.post(HANDOVER, {"code": code, "action": "submit"})
    assert done.status_code == 200
    case = Case.objects.get()
    assert case.procedure.slug == slug
    assert case.answers["signature"]["counter_signature"].startswith("窓口 ")
