"""From the check page to a completed case: receipt number, e-mail, status page, the inbox, 補正."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ukai.core.testing.staff import staff_client_login
from ukai.procedures import services
from ukai.procedures.models import Case, CaseEvent, CaseStatus, CaseStep, Draft
from ukai.procedures.receipts import receipt_number_normalize
from ukai.procedures.selectors import form_definition_current, procedure_by_slug
from ukai.procedures.tests.conftest import found, start_application

SLUG = "jido-teate-nintei-seikyu"
RECEIPT = re.compile(r"\d{4}-\d{4}-\d{4}")
STATUS_LINK = re.compile(r"https?://testserver(/procedures/status/[^/\s]+/)")

CHILD_ALLOWANCE = {
    "applicant": {
        "applicant_name.name": "髙橋 花子",
        "applicant_name.kana": "タカハシ ハナコ",
        "applicant_birth_date": "平成2年4月1日",
        "postal_code": "500-8701",
        "address": "岐阜県岐阜市司町40番地1",
        "phone": "058-265-4141",
        "is_public_servant": "no",
    },
    "spouse": {"has_spouse": "no"},
    "children": {
        "children.count": "2",
        "children.0.name.name": "髙橋 一郎",
        "children.0.name.kana": "タカハシ イチロウ",
        "children.0.birth_date": "R3.5.1",
        "children.0.relationship": "child",
        "children.0.lives_with_applicant": "yes",
        "children.1.name.name": "髙橋 𠮷子",
        "children.1.name.kana": "タカハシ ヨシコ",
        "children.1.birth_date": "令和5年6月1日",
        "children.1.relationship": "child",
        "children.1.lives_with_applicant": "yes",
    },
    "account": {
        "bank_name": "十六銀行",
        "branch_name": "本店",
        "account_type": "ordinary",
        "account_number": "1234567",
        "account_holder_kana": "タカハシ ハナコ",
    },
    "confirm": {"declaration": "on"},
}


@pytest.fixture
def gifu(db):
    call_command("ukai_demo", verbosity=0)


def fill_and_submit(client: Client) -> str:
    """Fill every step, submit from the check page; returns the confirmation page's HTML."""
    start_application(client, SLUG)
    for step, data in CHILD_ALLOWANCE.items():
        response = client.post(reverse("procedures:apply_step", args=[SLUG, step]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    check = reverse("procedures:apply_check", args=[SLUG])
    assert "この内容で申請する" in client.get(check).content.decode()
    response = client.post(check)
    assert response["Location"] == reverse("procedures:submitted", args=[SLUG])
    return client.get(response["Location"]).content.decode()


def staff(client: Client, username: str) -> Client:
    staff_client_login(client, get_user_model().objects.get(username=username))
    return client


def run_worker() -> None:
    call_command("ukai_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_resident_applies_staff_ask_for_a_correction_and_complete_it(gifu):
    resident = Client()
    page = fill_and_submit(resident)
    receipt = found(RECEIPT, page)
    assert "申請を受け付けました" in page
    assert receipt_number_normalize(receipt) == receipt
    case = Case.objects.get(receipt_number=receipt)
    assert case.form_definition.version == 1
    assert case.department_code == "kodomo-shien"
    assert case.applicant_name == "髙橋 花子"
    assert [c["name"]["name"] for c in case.answers["children"]] == ["髙橋 一郎", "髙橋 𠮷子"]
    assert not Draft.objects.exists()  # the draft became the case

    # The confirmation e-mail goes out from the worker, with the status link.
    mail.outbox.clear()
    run_worker()
    (message,) = mail.outbox
    assert receipt in message.subject
    assert message.to == ["hanako@example.jp"]
    status_path = found(STATUS_LINK, message.body, 1)
    assert set(CaseStep.objects.filter(case=case).values_list("state", flat=True)) == {"done"}
    assert CaseStep.objects.get(case=case, name="confirmation_email").payload == {}
    received = case.attachments.get(field_key="_received_pdf")  # the record of what arrived
    assert received.content_type == "application/pdf"
    assert received.file.read().startswith(b"%PDF-")
    status_page = resident.get(status_path).content.decode()
    assert receipt in status_page
    assert "受付" in status_page

    # 子ども支援課 sees it in the inbox; 市民課 does not.
    department = staff(Client(), "department")
    inbox = department.get(reverse("procedures_staff:inbox")).content.decode()
    assert receipt in inbox
    assert "髙橋 花子" in inbox
    counter = staff(Client(), "counter")
    assert receipt not in counter.get(reverse("procedures_staff:inbox")).content.decode()
    case_url = reverse("procedures_staff:case", args=[receipt])
    assert counter.get(case_url).status_code == 404

    # A correction of the phone number only.
    response = department.post(
        reverse("procedures_staff:case_correction", args=[receipt]),
        {
            "correction-revision": case.revision,
            "correction-paths": ["phone"],
            "correction-message": "電話番号が1桁足りません。",
        },
    )
    assert response.status_code == 302
    mail.outbox.clear()
    run_worker()
    (message,) = mail.outbox
    assert "補正のお願い" in message.subject
    assert "電話番号が1桁足りません。" in message.body
    status_page = resident.get(status_path).content.decode()
    assert "補正（内容の修正）をお願いします" in status_page
    assert "電話番号が1桁足りません。" in status_page
    correct_url = status_path + "correct/"
    form = resident.get(correct_url).content.decode()
    assert 'name="phone"' in form
    assert 'name="address"' not in form
    assert "children.0.name.name" not in form
    response = resident.post(correct_url, {"phone": "0582654"})
    assert response.status_code == 422  # a field-level message, nothing changed
    assert Case.objects.get(pk=case.pk).answers["phone"] == "058-265-4141"
    response = resident.post(correct_url, {"phone": "０５８－２１４－２１１１"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWING
    assert case.answers["phone"] == "058-214-2111"
    assert case.answers["address"] == "岐阜県岐阜市司町40番地1"

    # Staff complete it; the resident sees 完了 and the message.
    response = department.post(
        reverse("procedures_staff:case_status", args=[receipt]),
        {
            "status-revision": case.revision,
            "status-status": "completed",
            "status-message": "認定しました。",
        },
    )
    assert response.status_code == 302
    mail.outbox.clear()
    run_worker()
    assert [m.subject for m in mail.outbox] == [
        f"【岐阜市 電子申請】受付番号 {receipt}：「完了」になりました"
    ]
    status_page = resident.get(status_path).content.decode()
    assert "完了" in status_page
    assert "認定しました。" in status_page
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["submitted", "correction_requested", "corrected", "status"]


def test_a_stale_form_changes_nothing(gifu):
    client = Client()
    fill_and_submit(client)
    case = Case.objects.get()
    department = staff(Client(), "department")
    url = reverse("procedures_staff:case_status", args=[case.receipt_number])
    assert (
        department.post(
            url, {"status-revision": case.revision, "status-status": "reviewing"}
        ).status_code
        == 302
    )
    response = department.post(
        url, {"status-revision": case.revision, "status-status": "rejected"}, follow=True
    )
    assert "ほかの職員が更新しました" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWING


def test_submitting_twice_makes_one_case(gifu):
    client = Client()
    fill_and_submit(client)
    response = client.post(reverse("procedures:apply_check", args=[SLUG]))
    assert response["Location"] == reverse("procedures:submitted", args=[SLUG])
    assert Case.objects.count() == 1


def test_invalid_answers_are_refused_and_nothing_is_stored(catalog):
    procedure = procedure_by_slug(SLUG)
    assert procedure is not None
    form = form_definition_current(procedure=procedure)
    assert form is not None
    with pytest.raises(services.FormAnswersInvalid) as caught:
        services.case_submit(
            procedure=procedure,
            form_definition=form,
            answers={"phone": "😀", "applicant_birth_date": "令和5年2月29日"},
            channel="online",
            assurance="email",
        )
    assert caught.value.status == 422
    fields = {e["field"] for e in caught.value.extra["errors"]}
    assert {"phone", "applicant_birth_date", "applicant_name"} <= fields
    assert not Case.objects.exists()
    assert not CaseStep.objects.exists()


def test_a_wrong_or_expired_link_says_what_to_do(catalog, client):
    response = client.get(reverse("procedures:resume", args=["no-such-secret"]))
    assert response.status_code == 404
    assert "有効期限（30日）が切れています" in response.content.decode()
    path = start_application(Client(), SLUG)
    Draft.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert client.get(path).status_code == 404
    assert client.get(reverse("procedures:status", args=["x" * 32])).status_code == 404


def test_saving_offers_a_new_link(catalog, client):
    start_application(client, SLUG)
    step = reverse("procedures:apply_step", args=[SLUG, "applicant"])
    response = client.post(step, {"phone": "058", "action": "save"})
    assert "入力内容を保存しました" in response.content.decode()
    assert Draft.objects.get().answers["phone"] == "058"
    mail.outbox.clear()
    response = client.post(reverse("procedures:apply_resend", args=[SLUG]))
    assert "以前にお送りしたリンクは使えなくなりました" in response.content.decode()
    (message,) = mail.outbox
    fresh = Client()
    link = found(r"/procedures/resume/\S+/", message.body)
    assert fresh.get(link)["Location"] == reverse("procedures:apply_check", args=[SLUG])
    assert 'value="058"' in fresh.get(step).content.decode()


def test_link_emails_are_rate_limited(catalog, client, settings):
    settings.UKAI_PROCEDURES_LINKS_PER_HOUR = 2
    url = reverse("procedures:apply", args=[SLUG])
    for _ in range(2):
        assert client.post(url, {"email": "a@example.jp"}).status_code == 200
    response = client.post(url, {"email": "a@example.jp"})
    assert response.status_code == 422
    assert "メールの送信が多すぎます" in response.content.decode()
    assert Draft.objects.count() == 2


def test_exports_for_core_systems(gifu):
    fill_and_submit(Client())
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(
        answers={**case.answers, "bank_name": '=HYPERLINK("http://x")'}
    )
    department = staff(Client(), "department")
    response = department.get(reverse("procedures_staff:export", args=[SLUG, "csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff受付番号,状態,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][0] == case.receipt_number
    assert '\'=HYPERLINK("http://x")' in rows[1]  # not a formula in Excel
    data = json.loads(
        department.get(reverse("procedures_staff:export", args=[SLUG, "json"])).content
    )
    assert data["count"] == 1
    assert data["cases"][0]["answers"]["children"][1]["name"]["name"] == "髙橋 𠮷子"
    counter = staff(Client(), "counter")
    assert counter.get(reverse("procedures_staff:export", args=[SLUG, "csv"])).status_code == 404


def test_reading_a_case_is_audited(gifu):
    fill_and_submit(Client())
    case = Case.objects.get()
    department = staff(Client(), "department")
    department.get(reverse("procedures_staff:case", args=[case.receipt_number]))
    # The administrators' audit log page lists the read, who made it and why.
    reader = staff(Client(), "admin")
    response = reader.get(
        "/staff/audit/", {"object_type": "procedures.case", "object_id": str(case.pk)}
    )
    events = list(response.context["page"].object_list)
    assert [e.action for e in events] == ["read"]
    assert events[0].actor_username == "department"
    assert events[0].purpose == "申請内容の確認"
    assert "answers" in events[0].fields


def test_the_pdf_prints_the_application_like_the_paper_form(gifu):
    import pypdfium2

    fill_and_submit(Client())
    case = Case.objects.get()
    department = staff(Client(), "department")
    response = department.get(reverse("procedures_staff:case_pdf", args=[case.receipt_number]))
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert case.receipt_number in text
    assert "児童手当 認定請求書" in text.replace("\r", "").replace("\n", "") or "認定請求" in text
    assert "髙橋 𠮷子" in text
    assert "平成2年4月1日" in text  # dates in 和暦, as the paper form
    counter = staff(Client(), "counter")
    url = reverse("procedures_staff:case_pdf", args=[case.receipt_number])
    assert counter.get(url).status_code == 404


def test_plan_kpis_count_the_cases(gifu):
    from datetime import timedelta

    from django.utils import timezone

    from ukai.procedures import service

    fill_and_submit(Client())
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.COMPLETED,
        submitted_at=case.submitted_at - timedelta(days=3),
        completed_at=case.submitted_at,
    )
    procedure = procedure_by_slug(SLUG)
    assert procedure is not None
    form = form_definition_current(procedure=procedure)
    assert form is not None
    services.case_submit(  # one received at the counter
        procedure=procedure,
        form_definition=form,
        answers=case.answers,
        channel="counter",
        assurance="counter",
    )
    today = timezone.localdate()
    assert service.kpi_online_share(as_of=today)["value"] == 50.0
    assert service.kpi_median_days_to_completion(as_of=today)["value"] == 3.0
    # applicant 7 (name and reading count as two), spouse 1, two children x 5, account 5,
    # the declaration 1; the counter's case is not counted
    assert service.kpi_fields_captured(as_of=today)["value"] == 24.0
    assert service.kpi_online_share(as_of=today - timedelta(days=400))["value"] == 0.0
