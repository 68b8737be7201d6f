"""What the one-stop counter (書かない窓口) needs: counter validation, one PDF for a visit's cases."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ukai.core.errors import NotFound
from ukai.procedures import service
from ukai.procedures.models import Case, CaseEvent, Channel, Procedure

SIGNED_AND_DOCUMENTED: dict[str, Any] = {
    "title": "窓口テスト届",
    "steps": [
        {
            "key": "main",
            "title": "届出の内容",
            "fields": [
                {"key": "name", "type": "name", "label": "届出人の氏名", "required": True},
                {
                    "key": "proof",
                    "type": "file",
                    "label": "本人確認書類",
                    "required": True,
                    "accept": ["image/png"],
                },
                {"key": "signature", "type": "signature", "label": "署名", "required": True},
            ],
        }
    ],
}
NAME = {"name": "髙橋 花子", "kana": "タカハシ ハナコ"}

RESIDENT_RECORD: dict[str, Any] = {
    "requester_name": {"name": "渡邉 一郎", "kana": "ワタナベ イチロウ"},
    "requester_birth_date": "1980-04-01",
    "requester_postal_code": "500-8701",
    "requester_address": "岐阜県岐阜市司町40番地1",
    "requester_phone": "058-265-4141",
    "relation": "self",
    "scope": "whole_household",
    "copies": 2,
    "include": ["head_relationship"],
    "purpose": "employment",
    "delivery": "counter",
    "declaration": True,
}


def errors_of(answers: dict[str, Any], *, at_counter: bool) -> dict[str, str]:
    _cleaned, errors = service.form_validate(SIGNED_AND_DOCUMENTED, answers, at_counter=at_counter)
    return {e.path: e.code for e in errors}


def test_at_the_counter_no_document_is_required_and_one_signature_signs():
    signed = {"name": NAME, "signature": service.counter_signature("来庁 0012")}
    assert errors_of(signed, at_counter=True) == {}
    cleaned, _ = service.form_validate(SIGNED_AND_DOCUMENTED, signed, at_counter=True)
    assert cleaned["signature"] == {"counter_signature": "来庁 0012"}
    spec = service.form_spec_parse(SIGNED_AND_DOCUMENTED)
    (signature_field,) = [f for f in spec.fields() if f.key == "signature"]
    assert service.form_value_display(signature_field, cleaned["signature"]) == "窓口で署名（一括）"


def test_online_the_document_is_required_and_a_counter_signature_is_refused():
    signed = {"name": NAME, "signature": service.counter_signature("来庁 0012")}
    assert errors_of(signed, at_counter=False) == {
        "proof": "required",
        "signature": "file_invalid",
    }
    # The current signature keeps working for the other channels.
    _cleaned, errors = service.form_validate(SIGNED_AND_DOCUMENTED, {"name": NAME})
    assert {e.path for e in errors} == {"proof", "signature"}


def test_at_the_counter_the_signature_is_still_required_and_checked():
    assert errors_of({"name": NAME}, at_counter=True) == {"signature": "required"}
    for reference in ("", "   ", "x" * 101, "a\x00b", 12):
        assert errors_of(
            {"name": NAME, "signature": {"counter_signature": reference}}, at_counter=True
        ) == {"signature": "signature_invalid"}, reference


@pytest.fixture
def gifu(db: Any) -> None:
    """The demo data: the cover page names each department as the core's data does."""
    call_command("ukai_demo", verbosity=0)


def counter_procedure() -> tuple[Procedure, Any]:
    procedure = Procedure.objects.create(
        slug="counter-test",
        name="窓口テスト届",
        department_code="kodomo-shien",
        category="resident-registry",
        channels=["counter"],
        is_published=True,
    )
    from ukai.procedures import services

    form = services.form_definition_publish(
        form_definition=services.form_definition_create(
            procedure=procedure, definition=SIGNED_AND_DOCUMENTED
        )
    )
    return procedure, form


def submit_at_counter(slug: str, answers: dict[str, Any], staff: Any = None) -> Case:
    procedure = service.procedure_by_slug(slug)
    assert procedure is not None
    form = service.form_definition_current(procedure=procedure)
    submitted = service.case_submit(
        procedure=procedure,
        form_definition=form,
        answers=answers,
        channel=Channel.COUNTER,
        assurance=service.Assurance.COUNTER,
        at_counter=True,
        staff=staff,
    )
    return submitted.case


def test_a_case_filed_at_the_counter_names_the_staff_member(catalog):
    counter_procedure()
    staff = get_user_model().objects.create_user(username="counter", role="counter")
    case = submit_at_counter(
        "counter-test", {"name": NAME, "signature": service.counter_signature("V-1")}, staff
    )
    (event,) = CaseEvent.objects.filter(case=case)
    assert event.kind == CaseEvent.Kind.SUBMITTED
    assert event.actor == staff
    assert case.channel == "counter"
    assert case.answers["signature"] == {"counter_signature": "V-1"}
    with pytest.raises(service.FormAnswersInvalid):  # not at the counter: refused, nothing stored
        service.case_submit(
            procedure=case.procedure,
            form_definition=case.form_definition,
            answers={"name": NAME, "signature": service.counter_signature("V-1")},
            channel=Channel.COUNTER,
            assurance=service.Assurance.COUNTER,
        )
    assert Case.objects.count() == 1


def pdf_pages(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    return [page.get_textpage().get_text_range() for page in document]


def test_one_pdf_prints_a_cover_then_every_case_from_a_new_page(gifu):
    counter_procedure()
    first = submit_at_counter("juminhyo-utsushi", RESIDENT_RECORD)
    second = submit_at_counter(
        "counter-test", {"name": NAME, "signature": service.counter_signature("V-1")}
    )
    third = submit_at_counter(
        "juminhyo-utsushi",
        {**RESIDENT_RECORD, "requester_name": {"name": "齋藤 𠮷男", "kana": "サイトウ ヨシオ"}},
    )
    cases = service.cases_by_receipt(
        [third.receipt_number, first.receipt_number.replace("-", ""), second.receipt_number]
    )
    assert [c.pk for c in cases] == [third.pk, first.pk, second.pk]
    from ukai.procedures.pdf import case_pdf

    single = {c.pk: len(pdf_pages(case_pdf(c))) for c in cases}
    pages = pdf_pages(service.cases_pdf(cases=cases))
    assert len(pages) == 1 + sum(single.values())
    cover = pages[0]
    assert "本日お手続きいただいた書類" in cover
    for case in cases:
        assert case.receipt_number in cover
        assert case.procedure.name in cover
    assert "子ども支援課" in cover  # the department by its name
    # Each case starts on its own page, in the order given.
    starts = [1, 1 + single[third.pk], 1 + single[third.pk] + single[first.pk]]
    for start, case in zip(starts, cases, strict=True):
        assert f"受付番号 {case.receipt_number}" in pages[start]
    assert "齋藤" in pages[starts[0]]
    assert "渡邉" in pages[starts[1]]
    assert "窓口で署名（一括）" in pages[starts[2]]
    assert "窓口で受け付けた内容" in "".join(pages[starts[1] :])


def test_an_unknown_receipt_number_is_named(catalog):
    case = submit_at_counter("juminhyo-utsushi", RESIDENT_RECORD)
    with pytest.raises(NotFound) as raised:
        service.cases_by_receipt([case.receipt_number, "1111-2222-3333"])
    assert "1111-2222-3333" in raised.value.message_ja


def test_the_forms_print_before_the_cases_exist_marked_for_checking(catalog):
    procedure, form = counter_procedure()
    resident_record = service.procedure_by_slug("juminhyo-utsushi")
    assert resident_record is not None
    items: list[tuple[Any, Any, dict[str, Any]]] = [
        (procedure, form, {"name": NAME, "signature": service.counter_signature("V-2")}),
        (
            resident_record,
            service.form_definition_current(procedure=resident_record),
            RESIDENT_RECORD,
        ),
    ]
    pages = pdf_pages(service.cases_pdf_preview(items=items))
    assert len(pages) >= 3
    assert "受付前（確認用）" in pages[0]
    assert "窓口テスト届" in pages[0]
    assert "住民票の写し等の交付請求" in pages[0]
    assert "髙橋" in pages[1]
    assert "受付前（確認用）" in pages[1]
    assert any("渡邉" in page for page in pages[2:])
    assert not Case.objects.exists()
    items[1] = (items[1][0], items[1][1], {**RESIDENT_RECORD, "copies": 0})
    with pytest.raises(service.FormAnswersInvalid) as raised:
        service.cases_pdf_preview(items=items)
    assert raised.value.extra["procedure"] == "juminhyo-utsushi"
    assert raised.value.errors[0].path == "copies"
