"""The cases API for staff and integrations: scope by department, answers, state changes, filing."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client

from ukai.procedures.models import Case, CaseStatus
from ukai.procedures.tests.test_submit import SLUG, fill_and_submit, gifu

__all__ = ["gifu"]


def api_client(username: str) -> Client:
    """A client holding ``username``'s API token, as an integration would."""
    out = io.StringIO()
    call_command("ukai_token", username, "procedures tests", stdout=out)
    token = out.getvalue().strip().splitlines()[-1].split()[-1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_department_reads_its_cases_and_changes_a_state(gifu):
    fill_and_submit(Client())
    case = Case.objects.get()
    api = api_client("department")
    listed = api.get("/api/v1/procedure-cases", {"status": "received"}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["receipt_number"] == case.receipt_number
    # Typed without dashes, in full width: the same case.
    digits = case.receipt_number.replace("-", "").translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    detail = api.get(f"/api/v1/procedure-cases/{digits}").json()
    assert detail["answers"]["children"][1]["name"]["name"] == "髙橋 𠮷子"
    assert [e["kind"] for e in detail["events"]] == ["submitted"]
    url = f"/api/v1/procedure-cases/{case.receipt_number}/status"
    response = api.post(
        url,
        {"status": "reviewing", "revision": detail["revision"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "reviewing"
    stale = api.post(
        url,
        {"status": "completed", "revision": detail["revision"]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert "ほかの職員が更新しました" in stale.json()["detail"]
    assert Case.objects.get().status == CaseStatus.REVIEWING


def test_other_departments_see_nothing(gifu):
    fill_and_submit(Client())
    case = Case.objects.get()
    api = api_client("counter")
    assert api.get("/api/v1/procedure-cases").json()["count"] == 0
    response = api.get(f"/api/v1/procedure-cases/{case.receipt_number}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert Client().get("/api/v1/procedure-cases").status_code == 401


def test_an_integration_files_a_case_and_bad_answers_are_422(gifu):
    fill_and_submit(Client())
    answers = Case.objects.get().answers
    api = api_client("counter")  # the counter files on behalf of a resident
    response = api.post(
        f"/api/v1/procedures/{SLUG}/cases",
        {"answers": answers, "channel": "counter", "assurance": "counter"},
        content_type="application/json",
    )
    assert response.status_code == 201
    receipt = response.json()["receipt_number"]
    filed = Case.objects.get(receipt_number=receipt)
    assert filed.channel == "counter"
    assert filed.department_code == "kodomo-shien"  # it lands in the department's inbox
    bad = api.post(
        f"/api/v1/procedures/{SLUG}/cases",
        {"answers": {**answers, "applicant_birth_date": "令和5年2月29日"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    problem = bad.json()
    assert [e["field"] for e in problem["errors"]] == ["applicant_birth_date"]
    assert Case.objects.count() == 2
