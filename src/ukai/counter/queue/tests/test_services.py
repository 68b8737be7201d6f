"""The queue's rules: numbering, calling, timestamps, routing, and refusals that change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import timezone

from ukai.core.errors import UkaiError
from ukai.counter.queue import service, services
from ukai.counter.queue.models import Desk, Status, Ticket, TicketSegment

TOKYO = ZoneInfo("Asia/Tokyo")


class Clock:
    """``timezone.now`` under the test's control."""

    def __init__(self, monkeypatch: Any, start: datetime) -> None:
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: Any) -> Clock:
    return Clock(monkeypatch, datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO))


def audit_count() -> int:
    return int(apps.get_model("core", "AuditEvent").objects.count())


def snapshot() -> list[tuple[Any, ...]]:
    """Every row of the queue's tables, to show that a refused action changed nothing."""
    return [
        *Ticket.objects.order_by("pk").values_list(),
        *TicketSegment.objects.order_by("pk").values_list(),
        *Desk.objects.order_by("pk").values_list(),
    ]


# --- numbering ------------------------------------------------------------------------------


def test_numbers_run_per_day_and_prefix(desks: Any, clock: Clock) -> None:
    numbers = [
        services.ticket_issue(category=code).number
        for code in ["moving_in", "moving_in", "birth", "moving_in", "death"]
    ]
    assert numbers == ["A-001", "A-002", "D-001", "A-003", "E-001"]
    # A code the queue does not list (the counter's own life events) shares 「その他」's letter.
    unknown = services.ticket_issue(category="kokuho_shikaku", category_label="国保の資格")
    other = services.ticket_issue(category="other")
    assert (unknown.number, other.number) == ("Z-001", "Z-002")
    assert unknown.category_label == "国保の資格"
    assert other.category_label == "その他"

    clock.advance(days=1)
    assert services.ticket_issue(category="moving_in").number == "A-001"
    assert services.ticket_issue(category="birth").number == "D-001"


def test_the_running_number_grows_past_999(desks: Any, clock: Clock) -> None:
    for _ in range(3):
        services.ticket_issue(category="moving_out")
    counter = apps.get_model("counter_queue", "DailyCounter").objects.get(prefix="B")
    counter.last_sequence = 999
    counter.save()
    assert services.ticket_issue(category="moving_out").number == "B-1000"


def test_an_issued_ticket_waits_at_the_one_stop_counter(desks: Any, clock: Clock) -> None:
    record = service.ticket_issue(
        category="moving_in", category_label="転入", department_code="shimin"
    )
    assert record.status == "waiting"
    assert record.status_label == "お待ち"
    assert record.issued_at == clock.now
    (segment,) = record.segments
    assert segment.department_code == "shimin"
    assert segment.queued_at == clock.now
    assert (segment.called_at, segment.started_at, segment.ended_at) == (None, None, None)
    assert segment.waiting_seconds is None
    assert segment.handling_seconds is None
    with pytest.raises(AttributeError):
        record.status = "done"  # type: ignore[misc]


def test_a_ticket_cannot_be_issued_for_a_department_without_a_desk(desks: Any) -> None:
    before = snapshot()
    with pytest.raises(UkaiError) as caught:
        services.ticket_issue(category="moving_in", department_code="nozei")
    assert caught.value.code == "no_desk_for_department"
    assert "使用中の窓口がありません" in caught.value.message_ja
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"category": ""}, "invalid_code"),
        ({"category": "Moving In"}, "invalid_code"),
        ({"category": "x", "category_label": ""}, "invalid_text"),
        ({"category": "moving_in", "category_label": "転入\x07"}, "invalid_text"),
    ],
)
def test_bad_input_is_refused_in_japanese_and_english(
    desks: Any, fields: dict[str, str], code: str
) -> None:
    with pytest.raises(UkaiError) as caught:
        services.ticket_issue(**fields)
    assert caught.value.code == code
    assert caught.value.message_ja
    assert caught.value.message_en
    assert not Ticket.objects.exists()


# --- calling and serving --------------------------------------------------------------------


def test_call_next_takes_the_oldest_waiting_ticket_of_the_desks_department(
    desks: Any, staff: Any, clock: Clock
) -> None:
    first = services.ticket_issue(category="moving_in")
    clock.advance(minutes=1)
    services.ticket_issue(category="birth", department_code="kodomo-shien")
    clock.advance(minutes=1)
    second = services.ticket_issue(category="marriage")

    called = services.desk_call_next(desk_id=desks["2"].pk, staff=staff)
    assert called is not None
    assert called.pk == first.pk
    assert called.status == Status.CALLED
    called = services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    assert called is not None
    assert called.pk == second.pk
    # Desk 6 (子ども支援課) only sees its own department's ticket.
    other = services.desk_call_next(desk_id=desks["6"].pk, staff=staff)
    assert other is not None
    assert other.number == "D-001"


def test_call_next_with_nobody_waiting_returns_none(desks: Any, staff: Any) -> None:
    assert services.desk_call_next(desk_id=desks["1"].pk, staff=staff) is None


def test_yesterdays_waiting_tickets_are_not_called(desks: Any, staff: Any, clock: Clock) -> None:
    services.ticket_issue(category="moving_in")
    clock.advance(days=1)
    assert services.desk_call_next(desk_id=desks["1"].pk, staff=staff) is None


def test_every_timestamp_of_a_visit_is_recorded(
    desks: Any, staff: Any, make_staff: Any, clock: Clock
) -> None:
    other_staff = make_staff("department", username="kodomo")
    ticket = services.ticket_issue(category="birth")
    issued = clock.now
    clock.advance(minutes=5)
    services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    called = clock.now
    clock.advance(seconds=40)
    services.ticket_recall(ticket_id=ticket.pk, staff=staff)
    clock.advance(seconds=20)
    services.ticket_start(ticket_id=ticket.pk, desk_id=desks["1"].pk, staff=staff)
    started = clock.now
    clock.advance(minutes=10)
    services.ticket_route(ticket_id=ticket.pk, department_code="kodomo-shien", staff=staff)
    routed = clock.now
    clock.advance(minutes=3)
    services.desk_call_next(desk_id=desks["6"].pk, staff=other_staff)
    services.ticket_start(ticket_id=ticket.pk, desk_id=desks["6"].pk, staff=other_staff)
    called_6 = clock.now
    clock.advance(minutes=7)
    record = service.service_end(ticket_id=ticket.pk, staff=other_staff)
    ended_6 = clock.now

    assert record.status == "done"
    assert record.issued_at == issued
    first, second = record.segments
    assert (first.department_code, first.desk_label) == ("shimin", "総合窓口 1番")
    assert (first.queued_at, first.called_at, first.started_at, first.ended_at) == (
        issued,
        called,
        started,
        routed,
    )
    assert first.recall_count == 1
    assert first.waiting_seconds == 300
    assert first.handling_seconds == 600
    assert (second.department_code, second.desk_label) == ("kodomo-shien", "子ども支援 6番")
    assert (second.queued_at, second.called_at, second.started_at, second.ended_at) == (
        routed,
        called_6,
        called_6,
        ended_6,
    )
    assert (second.waiting_seconds, second.handling_seconds) == (180, 420)
    rows = list(TicketSegment.objects.filter(ticket=ticket).order_by("position"))
    assert (rows[0].called_by_id, rows[0].started_by_id, rows[0].ended_by_id) == (
        staff.pk,
        staff.pk,
        staff.pk,
    )
    assert rows[1].ended_by_id == other_staff.pk

    # The KPIs read the same times for the period.
    times = service.ticket_times(start=issued, end=issued + timedelta(hours=1))
    assert [t.number for t in times] == [ticket.number]
    assert times[0].segments == record.segments
    assert service.ticket_times(start=issued + timedelta(seconds=1), end=ended_6) == []


def test_every_change_is_audited(desks: Any, staff: Any) -> None:
    before = audit_count()
    ticket = services.ticket_issue(category="moving_in")
    services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    services.ticket_mark_absent(ticket_id=ticket.pk, staff=staff)
    services.ticket_recall(ticket_id=ticket.pk, staff=staff)
    services.ticket_start(ticket_id=ticket.pk, desk_id=desks["1"].pk, staff=staff)
    services.ticket_end(ticket_id=ticket.pk, staff=staff)
    events = apps.get_model("core", "AuditEvent").objects.filter(
        object_type="counter_queue.ticket", object_id=str(ticket.pk)
    )
    assert audit_count() - before == 6
    assert sorted(e.purpose for e in events) == sorted(
        [
            "受付番号の発行",
            "呼出し（総合窓口 1番）",
            "不在",
            "呼出し直し（総合窓口 1番）",
            "対応開始（総合窓口 1番）",
            "対応終了",
        ]
    )


def test_a_desk_serves_one_ticket_at_a_time(desks: Any, staff: Any) -> None:
    first = services.ticket_issue(category="moving_in")
    second = services.ticket_issue(category="moving_in")
    services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    before = snapshot()
    with pytest.raises(UkaiError) as caught:
        services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    assert caught.value.code == "desk_busy"
    assert "A-001" in caught.value.message_ja
    with pytest.raises(UkaiError):
        services.ticket_start(ticket_id=second.pk, desk_id=desks["1"].pk, staff=staff)
    assert snapshot() == before
    # 不在 frees the desk for the next one; the absent ticket can be called again later.
    services.ticket_mark_absent(ticket_id=first.pk, staff=staff)
    called = services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    assert called is not None
    assert called.pk == second.pk


def test_route_adds_a_waiting_segment_and_the_board_shows_it_again(desks: Any, staff: Any) -> None:
    from ukai.counter.queue.selectors import board_state

    ticket = services.ticket_issue(category="birth")
    services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    services.ticket_start(ticket_id=ticket.pk, desk_id=desks["1"].pk, staff=staff)
    assert board_state()["called"] == []  # being served: off the board

    record = service.ticket_route(ticket_id=ticket.pk, department_code="kodomo-shien", staff=staff)
    assert record.status == "waiting"
    assert [s.department_code for s in record.segments] == ["shimin", "kodomo-shien"]
    assert record.segments[0].status == "done"
    assert board_state()["waiting"] == [{"number": "D-001"}]
    # 市民課's desks no longer see it; 子ども支援課's desk calls it, and the board shows desk 6.
    assert services.desk_call_next(desk_id=desks["2"].pk, staff=staff) is None
    services.desk_call_next(desk_id=desks["6"].pk, staff=staff)
    called = board_state()["called"]
    assert [(c["number"], c["desk"]) for c in called] == [("D-001", "6")]


def test_routing_needs_another_department_with_a_desk(desks: Any, staff: Any) -> None:
    ticket = services.ticket_issue(category="birth")
    services.desk_call_next(desk_id=desks["1"].pk, staff=staff)
    before = snapshot()
    with pytest.raises(UkaiError) as same:
        services.ticket_route(ticket_id=ticket.pk, department_code="shimin", staff=staff)
    with pytest.raises(UkaiError) as nowhere:
        services.ticket_route(ticket_id=ticket.pk, department_code="nozei", staff=staff)
    assert (same.value.code, nowhere.value.code) == ("same_department", "no_desk_for_department")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("prepare", "action", "status_ja"),
    [
        ([], "end", "お待ち"),
        ([], "absent", "お待ち"),
        ([], "recall", "お待ち"),
        ([], "route", "お待ち"),
        (["call"], "end", "呼出中"),
        (["call", "start"], "cancel", "対応中"),
        (["call", "start", "end"], "start", "終了"),
        (["cancel"], "start", "取消"),
    ],
)
def test_invalid_transitions_change_nothing(
    desks: Any, staff: Any, prepare: list[str], action: str, status_ja: str
) -> None:
    ticket = services.ticket_issue(category="moving_in")
    desk_id = desks["1"].pk
    steps = {
        "call": lambda: services.desk_call_next(desk_id=desk_id, staff=staff),
        "start": lambda: services.ticket_start(ticket_id=ticket.pk, desk_id=desk_id, staff=staff),
        "end": lambda: services.ticket_end(ticket_id=ticket.pk, staff=staff),
        "absent": lambda: services.ticket_mark_absent(ticket_id=ticket.pk, staff=staff),
        "recall": lambda: services.ticket_recall(ticket_id=ticket.pk, staff=staff),
        "cancel": lambda: services.ticket_cancel(ticket_id=ticket.pk, staff=staff),
        "route": lambda: services.ticket_route(
            ticket_id=ticket.pk, department_code="kodomo-shien", staff=staff
        ),
    }
    for step in prepare:
        steps[step]()
    before, events = snapshot(), audit_count()
    with pytest.raises(UkaiError) as caught:
        steps[action]()
    assert caught.value.code in {"invalid_transition", "ticket_changed"}
    assert status_ja in caught.value.message_ja
    assert caught.value.message_en
    assert snapshot() == before
    assert audit_count() == events


def test_an_inactive_desk_cannot_call_or_serve(desks: Any, staff: Any) -> None:
    ticket = services.ticket_issue(category="moving_in")
    before = snapshot()
    for attempt in (
        lambda: services.desk_call_next(desk_id=desks["9"].pk, staff=staff),
        lambda: services.ticket_start(ticket_id=ticket.pk, desk_id=desks["9"].pk, staff=staff),
    ):
        with pytest.raises(UkaiError) as caught:
            attempt()
        assert caught.value.code == "desk_inactive"
        assert "総合窓口 9番" in caught.value.message_ja
    assert snapshot() == before


def test_a_desk_of_another_department_cannot_start_the_ticket(desks: Any, staff: Any) -> None:
    ticket = services.ticket_issue(category="moving_in")
    with pytest.raises(UkaiError) as caught:
        services.ticket_start(ticket_id=ticket.pk, desk_id=desks["6"].pk, staff=staff)
    assert caught.value.code == "wrong_department"
    assert Ticket.objects.get().status == Status.WAITING


def test_unknown_tickets_and_desks_are_reported(desks: Any, staff: Any) -> None:
    with pytest.raises(UkaiError) as caught:
        service.ticket_get(ticket_id=999)
    assert caught.value.code == "ticket_not_found"
    assert caught.value.status == 404
    with pytest.raises(UkaiError) as caught:
        service.service_end(ticket_id=999, staff=staff)
    assert caught.value.code == "ticket_not_found"
    with pytest.raises(UkaiError) as caught:
        services.desk_call_next(desk_id=999, staff=staff)
    assert caught.value.code == "desk_not_found"


def test_service_start_serves_a_ticket_that_was_not_called(
    desks: Any, staff: Any, clock: Clock
) -> None:
    """The counter module starts service directly when the resident is already at the desk."""
    ticket = service.ticket_issue(
        category="moving_in", category_label="転入", department_code="shimin"
    )
    clock.advance(minutes=2)
    record = service.service_start(ticket_id=ticket.id, desk_id=desks["2"].pk, staff=staff)
    segment = record.current
    assert record.status == "serving"
    assert segment.desk_label == "総合窓口 2番"
    assert segment.called_at == segment.started_at == clock.now
    assert segment.waiting_seconds == 120


def test_desks_for_lists_desks_in_use(desks: Any) -> None:
    found = service.desks_for(department_codes={"shimin", "kodomo-shien"})
    assert [d.label for d in found] == ["総合窓口 1番", "総合窓口 2番", "子ども支援 6番"]
    assert service.desks_for(department_codes={"nozei"}) == []


def test_desk_numbers_are_unique(desks: Any) -> None:
    with pytest.raises(UkaiError) as caught:
        service.desk_create(label="別の窓口", number="1", department_code="shimin")
    assert caught.value.code == "desk_number_taken"
