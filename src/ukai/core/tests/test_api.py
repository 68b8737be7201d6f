import pytest

from ukai.core.demo import demo_load
from ukai.core.models import ApiToken, AuditEvent

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def gifu():
    return demo_load()


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["detail"]
    assert body["detail_en"]
    assert body["code"]
    return body


def test_the_municipality_is_public(client, gifu):
    body = client.get("/api/v1/municipality").json()
    assert body["code"] == "212016"
    assert body["name"] == "岐阜市"


def test_departments_are_paginated(client, gifu):
    first = client.get("/api/v1/departments?limit=5").json()
    assert first["count"] == gifu.departments
    assert len(first["items"]) == 5
    rest = client.get(f"/api/v1/departments?limit=5&offset={gifu.departments - 2}").json()
    assert len(rest["items"]) == 2
    names = {d["name"] for d in client.get("/api/v1/departments?limit=100").json()["items"]}
    assert {
        "市民課",
        "子ども支援課",
        "国保・年金課",
        "介護保険課",
        "環境事業課",
        "情報政策課",
    } <= names


def test_a_page_larger_than_the_maximum_is_refused_with_a_problem(client, gifu):
    body = _problem(client.get("/api/v1/departments?limit=100000"), 422)
    assert body["errors"][0]["loc"][-1] == "limit"


def test_unknown_department_is_a_404_problem_in_japanese_and_english(client, gifu):
    body = _problem(client.get("/api/v1/departments/999999"), 404)
    assert "見つかりません" in body["detail"]
    assert "not found" in body["detail_en"]


@pytest.mark.parametrize("bad", ["abc", "1.5", "%E5%B2%90"])
def test_malformed_ids_are_validation_problems(client, gifu, bad):
    _problem(client.get(f"/api/v1/departments/{bad}"), 422)


def test_an_id_beyond_any_database_integer_is_simply_not_found(client, gifu):
    _problem(client.get("/api/v1/departments/99999999999999999999999"), 404)


def test_unknown_api_route_is_a_problem_not_an_html_page(client):
    body = _problem(client.get("/api/v1/no-such-thing/42"), 404)
    assert body["code"] == "unknown_route"


def test_me_requires_authentication(client):
    body = _problem(client.get("/api/v1/me"), 401)
    assert body["code"] == "authentication_required"


def test_token_authentication(client, gifu):
    member = factories.staff(role="counter", departments=[])
    raw = factories.api_token(owner=member)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == member.username
    assert ApiToken.objects.get(staff=member).last_used_at is not None


def test_a_revoked_or_wrong_token_is_refused(client, gifu):
    from django.utils import timezone

    member = factories.staff()
    raw = factories.api_token(owner=member)
    _problem(client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer wrong-token"), 401)
    ApiToken.objects.filter(staff=member).update(revoked_at=timezone.now())
    _problem(client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}"), 401)


def test_session_authentication_for_signed_in_staff(client, gifu):
    member = factories.staff()
    client.force_login(member)
    assert client.get("/api/v1/me").json()["username"] == member.username


def test_counter_staff_may_not_read_the_audit_log(client, gifu):
    member = factories.staff(role="counter")
    raw = factories.api_token(owner=member)
    body = _problem(client.get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {raw}"), 403)
    assert "権限" in body["detail"]


def test_administrators_search_the_audit_log(client, gifu):
    from ukai.core.audit import audit_log

    admin = factories.staff(role="admin")
    raw = factories.api_token(owner=admin)
    audit_log(action="read", object_type="core.staff", object_id=7, purpose="確認")
    audit_log(action="export", object_type="core.auditevent", purpose="監査")
    response = client.get(
        "/api/v1/audit-events?object_type=core.staff&object_id=7",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["purpose"] == "確認"
    assert AuditEvent.objects.count() == 2


def test_invalid_audit_filter_date_is_a_validation_problem(client, gifu):
    admin = factories.staff(role="admin")
    raw = factories.api_token(owner=admin)
    _problem(
        client.get("/api/v1/audit-events?since=2月30日", HTTP_AUTHORIZATION=f"Bearer {raw}"),
        422,
    )


def test_every_response_carries_a_request_id(client):
    response = client.get("/api/v1/municipality", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    # An id that could inject into logs is replaced by a fresh one.
    response = client.get("/api/v1/municipality", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"


@pytest.mark.parametrize("value", ["%00", "abc%00def", "%1B%5B31m"])
def test_control_characters_in_text_are_refused_before_any_query(client, gifu, value):
    admin = factories.staff(role="admin")
    raw = factories.api_token(owner=admin)
    body = _problem(
        client.get(f"/api/v1/audit-events?actor={value}", HTTP_AUTHORIZATION=f"Bearer {raw}"),
        400,
    )
    assert body["code"] == "control_characters"
    assert "制御文字" in body["detail"]


def test_a_session_that_still_owes_its_second_factor_opens_no_api(client, gifu):
    member = factories.staff(role="department")
    client.force_login(member)
    assert client.get("/api/v1/me").status_code == 200
    member.role = "admin"  # administrators must use a second factor
    member.save()
    _problem(client.get("/api/v1/me"), 401)


def test_the_api_docs_work_on_a_closed_network(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page


def test_audit_entries_written_during_a_token_request_name_the_token_owner(rf, gifu):
    from ukai.core.api import TokenAuth
    from ukai.core.audit import audit_log
    from ukai.core.context import ActorContext, actor_reset, actor_set

    admin = factories.staff(role="admin", username="kansa")
    raw = factories.api_token(owner=admin)
    token = actor_set(ActorContext(ip_address="192.0.2.7", request_id="r-9"))
    try:
        assert TokenAuth().authenticate(rf.get("/api/v1/me"), raw) == admin
        event = audit_log(action="read", object_type="core.staff", object_id=admin.pk)
    finally:
        actor_reset(token)
    assert (event.actor_username, event.actor_role, event.ip_address) == (
        "kansa",
        "admin",
        "192.0.2.7",
    )
