"""The staff pages: who may open them, the purpose that comes first, results and records."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from .conftest import audit_events

pytestmark = pytest.mark.django_db

SEARCH = "/staff/residents/"


@pytest.mark.parametrize("role", ["ict", "cio", "admin"])
def test_ict_cio_and_admins_cannot_read_residents(
    family: Any, staff_client: Any, role: str
) -> None:
    client = staff_client(role)
    assert client.get(SEARCH).status_code == 403
    detail = reverse("residents_staff:detail", args=["0000000001"])
    assert client.get(detail, {"purpose": "identity"}).status_code == 403
    assert audit_events(object_type="residents.resident") == []


def test_the_link_is_shown_to_counter_staff_only(staff_client: Any) -> None:
    assert SEARCH in staff_client("counter").get("/staff/").content.decode()
    assert SEARCH not in staff_client("ict").get("/staff/").content.decode()


def test_a_search_without_a_purpose_is_refused(family: Any, staff_client: Any) -> None:
    response = staff_client("counter").get(SEARCH, {"purpose": "", "q": "高橋"})
    page = response.content.decode()
    assert "入力内容を確認してください" in page
    assert "照会の目的" in page
    assert "髙橋" not in page
    assert 'value="高橋"' in page  # what was typed is kept
    assert audit_events(object_type="residents.resident") == []


def test_search_by_wareki_birth_date(family: Any, staff_client: Any) -> None:
    client = staff_client("department")
    response = client.get(SEARCH, {"purpose": "examination", "birth_date": "S57.7.15"})
    page = response.content.decode()
    assert "髙橋\u3000花子" in page
    assert "昭和57年7月15日" in page
    assert "1人が見つかりました" in page
    (event,) = audit_events(object_type="residents.resident")
    assert event.purpose == "手続の審査"
    assert event.actor_username == "department-user"


def test_a_bad_birth_date_gets_a_message(family: Any, staff_client: Any) -> None:
    response = staff_client("counter").get(
        SEARCH, {"purpose": "identity", "birth_date": "平成2年2月30日"}
    )
    assert "生年月日" in response.content.decode()
    assert response.context["form"].errors["birth_date"]


def test_the_record_asks_for_a_purpose_first_then_audits(family: Any, staff_client: Any) -> None:
    client = staff_client("counter")
    url = reverse("residents_staff:detail", args=["0000000003"])
    asked = client.get(url).content.decode()
    assert "照会の目的を選んでください" in asked
    assert "陽翔" not in asked
    assert audit_events(object_type="residents.resident") == []
    page = client.get(url, {"purpose": "identity"}).content.decode()
    assert "髙橋\u3000陽翔" in page
    assert "出生" in page
    assert "平成28年5月10日" in page
    (event,) = audit_events(object_type="residents.resident")
    assert (event.action, event.purpose) == ("read", "窓口での本人確認")
    household = client.get(
        reverse("residents_staff:household", args=["00000001"]), {"purpose": "identity"}
    ).content.decode()
    assert household.index("髙橋\u3000一郎") < household.index("髙橋\u3000陽翔")
    assert (
        client.get(
            reverse("residents_staff:detail", args=["nobody"]), {"purpose": "identity"}
        ).status_code
        == 404
    )


def test_there_is_no_way_to_write_a_record(family: Any, staff_client: Any) -> None:
    client = staff_client("manager")
    url = reverse("residents_staff:detail", args=["0000000001"])
    assert client.post(url, {"purpose": "identity", "family_name": "x"}).status_code == 405
