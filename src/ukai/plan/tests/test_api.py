import pytest
from django.utils import timezone

from ukai.plan import services
from ukai.plan.models import Indicator

from . import factories

pytestmark = pytest.mark.django_db


def test_the_progress_api_is_public_and_complete(client):
    factories.seeded_plan()
    services.indicator_value_enter(
        indicator=Indicator.objects.get(code="1-7-a"),
        value_text="6275",
        measured_on=timezone.localdate(),
        description="アクセス解析",
        evidence=factories.evidence_pdf(),
        entered_by=factories.staff(display_name="情報 秘密子"),
    )
    response = client.get("/api/v1/plan/progress?fy=2025")
    assert response.status_code == 200
    body = response.json()
    assert (body["start_fiscal_year"], body["end_fiscal_year"], body["review_fiscal_year"]) == (
        2020,
        2025,
        2022,
    )
    measures = [m for p in body["policies"] for m in p["measures"]]
    assert len(measures) == 16
    m17 = next(m for m in measures if m["code"] == "1-7")
    assert m17["indicators"][0]["actual"] == 6275
    assert m17["indicators"][0]["attainment_percent"] == 50
    assert m17["schedule"]["2020"] == "partial"
    m14 = next(m for m in measures if m["code"] == "1-4")
    assert m14["indicators"][0]["targets"] == {"2025": 30.0}
    assert "秘密子" not in response.content.decode()


def test_a_fiscal_year_outside_the_plan_is_a_problem(client):
    factories.seeded_plan()
    response = client.get("/api/v1/plan/progress?fy=2019")
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "fy_outside_plan"
