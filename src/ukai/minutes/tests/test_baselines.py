"""Manual baselines per meeting type: the page, its checks, the audit and the KPI (ADR 0098)."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.utils import timezone

from ukai.core.testing.staff import staff_client_login
from ukai.minutes import service, services
from ukai.minutes.models import ManualBaseline, Meeting, Recording

from .conftest import staff_member

URL = "/staff/minutes/baselines/"


@pytest.fixture
def manager(db):
    staff = staff_member("minutes-manager", "somu")
    staff.role = "manager"
    staff.save(update_fields=["role"])
    return staff


def _approved_meeting(staff, *, body: str, recorded: float, editing: float) -> Meeting:
    meeting = services.meeting_create(
        staff=staff,
        values={
            "department": "somu",
            "title": f"{body} の会議",
            "body": body,
            "held_on": date(2025, 9, 12),
        },
    )
    Recording.objects.create(
        meeting=meeting,
        original_name="a.wav",
        duration_seconds=recorded,
        status=Recording.Status.DONE,
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.APPROVED, approved_at=timezone.now(), editing_seconds=editing
    )
    meeting.refresh_from_db()
    return meeting


def test_a_manager_sets_a_types_baseline_and_the_kpi_and_meeting_page_use_it(
    client, manager, settings
):
    settings.UKAI_MINUTES_MANUAL_FACTOR = 4.5
    committee = _approved_meeting(manager, body="committee", recorded=600, editing=900)
    internal = _approved_meeting(manager, body="internal", recorded=1200, editing=1800)
    before = service.kpi_minutes_time_ratio(as_of=timezone.localdate())["value"]
    assert before == pytest.approx(2700 / (1800 * 4.5), abs=1e-4)

    staff_client_login(client, manager)
    page = client.get(URL).content.decode()
    assert "既定値" in page
    response = client.post(
        URL,
        {
            "body": "committee",
            "committee-factor": "3",
            "committee-note": "令和6年度の委員会3回分を書き起こした時間の平均",
        },
    )
    assert response.status_code == 302
    baseline = ManualBaseline.objects.get(body="committee")
    assert baseline.factor == 3.0
    assert baseline.set_by == manager

    kpi = service.kpi_minutes_time_ratio(as_of=timezone.localdate())
    # committee: 600 s × 3, internal keeps the default: 1200 s × 4.5
    assert kpi["value"] == pytest.approx(2700 / (600 * 3 + 1200 * 4.5), abs=1e-4)
    assert "議会（委員会）3倍" in str(kpi["description"])

    page = client.get(URL).content.decode()
    assert "令和6年度の委員会3回分" in page
    detail = client.get(f"/staff/minutes/{committee.pk}/").content.decode()
    assert "0.50" in detail  # 900 s ÷ (600 s × 3)
    assert "この種類の基準 3" in detail
    detail = client.get(f"/staff/minutes/{internal.pk}/").content.decode()
    assert "この種類の基準 4.5" in detail

    audit = apps.get_model("core", "AuditEvent").objects
    assert audit.filter(
        actor_username="minutes-manager", purpose__contains="手作業の基準の設定"
    ).exists()

    response = client.post(URL, {"body": "committee", "reset": "1"})
    assert response.status_code == 302
    assert not ManualBaseline.objects.exists()
    assert service.kpi_minutes_time_ratio(as_of=timezone.localdate())["value"] == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "0より大きく20以下"),
        ("-2", "0より大きく20以下"),
        ("20.5", "0より大きく20以下"),
        ("たくさん", "数で入力してください"),
        ("", "入力してください"),
    ],
)
def test_a_baseline_outside_0_to_20_is_refused_and_nothing_stored(client, manager, value, message):
    staff_client_login(client, manager)
    response = client.post(URL, {"body": "plenary", "plenary-factor": value, "plenary-note": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="error-summary"' in page
    assert not ManualBaseline.objects.exists()


def test_the_upper_bound_is_allowed(client, manager):
    staff_client_login(client, manager)
    response = client.post(URL, {"body": "plenary", "plenary-factor": "20", "plenary-note": ""})
    assert response.status_code == 302
    assert ManualBaseline.objects.get().factor == 20.0


def test_department_staff_see_the_baselines_but_cannot_change_them(client, db):
    clerk = staff_member("minutes-clerk", "somu")
    staff_client_login(client, clerk)
    page = client.get(URL).content.decode()
    assert "基準を変更できるのは、所属長と情報政策課の職員です。" in page
    assert 'name="plenary-factor"' not in page
    response = client.post(URL, {"body": "plenary", "plenary-factor": "3"})
    assert response.status_code == 403
    assert not ManualBaseline.objects.exists()
    with pytest.raises(Exception, match="所属長と情報政策課"):
        services.baseline_set(staff=clerk, body="plenary", factor=3.0, note="")


def test_ict_staff_may_set_baselines(db):
    ict = staff_member("minutes-ict", "joho")
    ict.role = "ict"
    ict.save(update_fields=["role"])
    services.baseline_set(staff=ict, body="internal", factor=2.5, note="実測")
    assert ManualBaseline.objects.get().factor == 2.5
