"""A case can be routed to another department's inbox than its procedure's (chatbot hand-offs)."""

from __future__ import annotations

import pytest

from ukai.procedures import services
from ukai.procedures.models import Assurance, Channel, Procedure
from ukai.procedures.selectors import case_inbox, form_definition_current, procedure_by_slug

INQUIRY = {"email": "taro@example.jp", "details": "粗大ごみの料金を知りたい"}


def _submit(procedure: Procedure, department_code: str = "") -> services.Submitted:
    form = form_definition_current(procedure=procedure)
    assert form is not None
    return services.case_submit(
        procedure=procedure,
        form_definition=form,
        answers=INQUIRY,
        channel=Channel.ONLINE,
        assurance=Assurance.EMAIL,
        department_code=department_code,
    )


def test_department_code_routes_the_case_to_that_inbox(catalog):
    procedure = procedure_by_slug("chatbot-inquiry", published_only=False)
    assert procedure is not None
    assert procedure.department_code == "koho-kocho"
    routed = _submit(procedure, department_code="kankyo-jigyo").case
    default = _submit(procedure).case
    assert routed.department_code == "kankyo-jigyo"
    assert default.department_code == "koho-kocho"
    today = routed.submitted_at.date()
    inbox = list(case_inbox(department_codes={"kankyo-jigyo"}, status="", today=today))
    assert inbox == [routed]


def test_the_chatbot_inquiry_form_is_not_in_the_public_catalog(catalog, client):
    assert procedure_by_slug("chatbot-inquiry") is None
    assert client.get("/procedures/chatbot-inquiry/").status_code == 404
    assert "お問い合わせ（AIチャットボットから）" not in client.get("/procedures/").content.decode()


@pytest.mark.parametrize("answers", [{"details": "連絡先なし"}, {"email": "a@example.jp"}])
def test_the_inquiry_form_needs_a_contact_and_a_question(catalog, answers):
    procedure = procedure_by_slug("chatbot-inquiry", published_only=False)
    assert procedure is not None
    form = form_definition_current(procedure=procedure)
    assert form is not None
    with pytest.raises(services.FormAnswersInvalid):
        services.case_submit(
            procedure=procedure,
            form_definition=form,
            answers=answers,
            channel=Channel.ONLINE,
            assurance=Assurance.EMAIL,
        )
