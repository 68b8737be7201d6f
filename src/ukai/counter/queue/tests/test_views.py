"""Reception, the desk page and the public board, as staff and residents see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from ukai.counter.queue import services
from ukai.counter.queue.models import Desk, Status, Ticket, TicketSegment

RECEPTION = "/staff/counter/queue/"
BOARD = "/counter/board/"
BOARD_JSON = "/counter/board.json"


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- who may open what --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["ict", "cio", "admin"])
def test_ict_cio_and_admins_cannot_open_reception_or_desks(
    staff_client: Any, desks: Any, role: str
) -> None:
    client = staff_client(role)
    assert client.get(RECEPTION).status_code == 403
    assert client.get(f"/staff/counter/queue/desk/{desks['1'].pk}/").status_code == 403
    response = client.post(RECEPTION, {"category": "moving_in"})
    assert response.status_code == 403
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_reception_needs_a_login(client: Client) -> None:
    response = client.get(RECEPTION)
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


@pytest.mark.parametrize("role", ["counter", "department", "manager"])
def test_counter_and_department_staff_open_reception(
    staff_client: Any, desks: Any, role: str
) -> None:
    response = staff_client(role).get(RECEPTION)
    assert response.status_code == 200
    body = response.content.decode()
    for label in ["転入", "転出", "転居", "出生", "おくやみ", "婚姻", "離婚", "妊娠", "その他"]:
        assert f'<span class="queue-issue__label">{label}</span>' in body


def test_the_staff_menu_links_to_reception_only_for_counter_roles(staff_client: Any) -> None:
    assert "受付番号（窓口の呼び出し）" in staff_client("counter").get("/staff/").content.decode()
    assert "受付番号（窓口の呼び出し）" not in staff_client("ict").get("/staff/").content.decode()


# --- reception --------------------------------------------------------------------------------


def test_reception_issues_a_printable_ticket(staff_client: Any, desks: Any) -> None:
    client = staff_client("counter")
    response = client.post(RECEPTION, {"category": "birth"}, follow=True)
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == f"/staff/counter/queue/tickets/{ticket.pk}/"
    body = response.content.decode()
    assert "受付番号 D-001 を発行しました。" in messages_of(response)
    assert 'id="ticket-number">D-001<' in body
    assert "出生" in body
    assert "番号が表示されたら窓口へお越しください。" in body
    assert "Please come to the counter when your number is shown" in body
    # The page prints as the ticket alone: the print style sheet hides everything else.
    assert "queue-print-page" in body
    assert "counter_queue/queue.css" in body
    css = Path(str(finders.find("counter_queue/queue.css"))).read_text()
    assert ".queue-print-page .site-header" in css.split("@media print")[1]

    # The second ticket of the day is told that one person waits before it.
    second = client.post(RECEPTION, {"category": "moving_in"}, follow=True).content.decode()
    assert 'id="ticket-number">A-001<' in second
    assert "1 人" in second

    listing = client.get(RECEPTION).content.decode()
    assert "D-001" in listing
    assert "A-001" in listing
    assert "お待ち・対応中の番号は 2 件です。" in listing


def test_reception_refuses_an_unknown_category(staff_client: Any, desks: Any) -> None:
    response = staff_client("counter").post(RECEPTION, {"category": "tax"})
    assert response.status_code == 422
    assert "来庁の目的を一覧から選んでください。" in response.content.decode()
    assert not Ticket.objects.exists()


def test_reception_says_when_no_desk_is_open(staff_client: Any, db: Any) -> None:
    response = staff_client("counter").post(RECEPTION, {"category": "moving_in"})
    assert response.status_code == 422
    assert "使用中の窓口がありません" in response.content.decode()


def test_reception_cancels_a_waiting_ticket(staff_client: Any, desks: Any) -> None:
    client = staff_client("counter")
    ticket = services.ticket_issue(category="moving_in")
    response = client.post(f"/staff/counter/queue/tickets/{ticket.pk}/cancel/", follow=True)
    assert "A-001 番を取り消しました。" in messages_of(response)
    assert Ticket.objects.get().status == Status.CANCELLED
    again = client.post(f"/staff/counter/queue/tickets/{ticket.pk}/cancel/", follow=True)
    assert any("取消" in m and "できません" in m for m in messages_of(again))


# --- the desk --------------------------------------------------------------------------------


def test_a_desk_calls_serves_and_ends_without_javascript(staff_client: Any, desks: Any) -> None:
    client = staff_client("counter")
    desk_url = f"/staff/counter/queue/desk/{desks['1'].pk}/"
    ticket = services.ticket_issue(category="marriage")
    services.ticket_issue(category="divorce")
    page = client.get(desk_url).content.decode()
    assert "お待ちの番号（2 件）" in page
    assert "次の方を呼ぶ" in page

    response = client.post(desk_url + "call/", follow=True)
    assert response.redirect_chain == [(desk_url, 302)]
    assert "F-001 番を呼び出しました。" in messages_of(response)
    page = response.content.decode()
    assert '<p class="queue-current__number">F-001</p>' in page
    assert "呼出中（1 回目）" in page

    response = client.post(desk_url + "recall/", {"ticket_id": ticket.pk}, follow=True)
    assert "呼出中（2 回目）" in response.content.decode()
    response = client.post(desk_url + "start/", {"ticket_id": ticket.pk}, follow=True)
    assert "F-001 番の受付を開始しました。" in messages_of(response)
    # Being served, the ticket opens the counter's 「書かない窓口」 reception with itself chosen.
    assert f'href="/staff/counter/?ticket={ticket.pk}"' in response.content.decode()
    response = client.post(desk_url + "end/", {"ticket_id": ticket.pk}, follow=True)
    assert "F-001 番の対応を終了しました。" in messages_of(response)
    segment = TicketSegment.objects.get(ticket=ticket)
    assert segment.status == Status.DONE
    assert None not in (segment.called_at, segment.started_at, segment.ended_at)


def test_a_desk_routes_the_resident_to_another_department(staff_client: Any, desks: Any) -> None:
    client = staff_client("counter")
    desk_url = f"/staff/counter/queue/desk/{desks['1'].pk}/"
    ticket = services.ticket_issue(category="birth")
    client.post(desk_url + "call/")
    client.post(desk_url + "start/", {"ticket_id": ticket.pk})
    page = client.get(desk_url).content.decode()
    assert '<option value="kodomo-shien">' in page
    assert '<option value="shimin">' not in page  # not to its own department
    missing = client.post(desk_url + "route/", {"ticket_id": ticket.pk}, follow=True)
    assert "案内先の担当課を選んでください。" in messages_of(missing)
    assert Ticket.objects.get().status == Status.SERVING

    response = client.post(
        desk_url + "route/",
        {"ticket_id": ticket.pk, "department_code": "kodomo-shien"},
        follow=True,
    )
    assert "D-001 番を他の窓口へ案内しました。" in messages_of(response)
    kodomo = client.get(f"/staff/counter/queue/desk/{desks['6'].pk}/").content.decode()
    assert "D-001" in kodomo
    assert "お待ちの番号（1 件）" in kodomo


def test_desk_errors_are_shown_and_change_nothing(staff_client: Any, desks: Any) -> None:
    client = staff_client("department")
    desk_url = f"/staff/counter/queue/desk/{desks['1'].pk}/"
    ticket = services.ticket_issue(category="moving_in")
    response = client.post(desk_url + "end/", {"ticket_id": ticket.pk}, follow=True)
    (message,) = messages_of(response)
    assert "A-001 番は「お待ち」のため「終了」はできません" in message
    assert '<p class="message message--error">' in response.content.decode()
    assert Ticket.objects.get().status == Status.WAITING

    # Another desk's ticket cannot be ended from this desk.
    services.desk_call_next(desk_id=desks["2"].pk, staff=None)
    services.ticket_start(ticket_id=ticket.pk, desk_id=desks["2"].pk, staff=None)
    response = client.post(desk_url + "end/", {"ticket_id": ticket.pk}, follow=True)
    assert "この窓口（総合窓口 1番）で呼び出した番号ではありません" in messages_of(response)[0]
    assert Ticket.objects.get().status == Status.SERVING

    for data in ({}, {"ticket_id": "abc"}):
        response = client.post(desk_url + "end/", data, follow=True)
        assert messages_of(response)
    unknown = client.post(desk_url + "explode/", {"ticket_id": ticket.pk}, follow=True)
    assert messages_of(unknown) == ["この操作はできません。"]
    closed = client.post(f"/staff/counter/queue/desk/{desks['9'].pk}/call/", follow=True)
    assert "現在使われていない窓口" in messages_of(closed)[0]
    assert client.get("/staff/counter/queue/desk/9999/", follow=True).status_code == 200


def test_the_desk_list_shows_every_desk(staff_client: Any, desks: Any) -> None:
    page = staff_client("counter").get("/staff/counter/queue/desks/").content.decode()
    assert f'href="/staff/counter/queue/desk/{desks["1"].pk}/"' in page
    assert "総合窓口 9番" in page
    assert "休止中" in page


# --- the board -----------------------------------------------------------------------------------


def test_the_board_is_public_and_shows_numbers_but_no_names(
    client: Client, desks: Any, make_staff: Any
) -> None:
    staff = make_staff("counter", username="madoguchi")
    staff.display_name = "窓口 花子"
    staff.save()
    called = services.ticket_issue(category="death", note="長女が代理で来庁")
    services.ticket_issue(category="moving_in")
    services.desk_call_next(desk_id=desks["2"].pk, staff=staff)
    response = client.get(BOARD)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<th scope="row" class="board__number">E-001</th>' in body
    assert '<span class="board__desk-number">2</span>' in body
    assert '<li class="board__waiting-number">A-001</li>' in body
    assert '<meta http-equiv="refresh" content="15">' in body
    assert 'aria-live="polite"' in body
    for private in ["窓口 花子", "madoguchi", "長女", "おくやみ", "転入"]:
        assert private not in body
    data = client.get(BOARD_JSON).json()
    assert data["called"][0]["number"] == called.number
    assert "長女" not in str(data)
    assert "おくやみ" not in str(data)


def test_the_board_json_answers_304_until_something_changes(client: Client, desks: Any) -> None:
    services.ticket_issue(category="moving_in")
    first = client.get(BOARD_JSON)
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("no-cache") or "no-cache" in first["Cache-Control"]
    etag = first["ETag"]
    assert first.json()["waiting"] == [{"number": "A-001"}]

    same = client.get(BOARD_JSON, HTTP_IF_NONE_MATCH=etag)
    assert same.status_code == 304
    assert same.content == b""

    services.desk_call_next(desk_id=desks["1"].pk, staff=None)
    changed = client.get(BOARD_JSON, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    (call,) = changed.json()["called"]
    assert (call["number"], call["desk"], call["desk_label"]) == ("A-001", "1", "総合窓口 1番")

    # A recall changes the call's id, so the board announces it again.
    services.ticket_recall(ticket_id=Ticket.objects.get().pk, staff=None)
    recalled = client.get(BOARD_JSON, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert recalled.status_code == 200
    assert recalled.json()["called"][0]["call_id"] != call["call_id"]


def test_a_board_can_show_some_departments_only(client: Client, desks: Any) -> None:
    services.ticket_issue(category="moving_in")
    services.ticket_issue(category="birth", department_code="kodomo-shien")
    kodomo = client.get(BOARD_JSON, {"departments": "kodomo-shien"}).json()
    assert kodomo["waiting"] == [{"number": "D-001"}]
    both = client.get(BOARD_JSON, {"departments": "shimin,kodomo-shien"}).json()
    assert both["waiting_count"] == 2
    # Junk in the filter is ignored rather than failing the board.
    junk = client.get(BOARD_JSON, {"departments": "<script>,SHIMIN"}).json()
    assert junk["waiting_count"] == 2
    page = client.get(BOARD, {"departments": "kodomo-shien"}).content.decode()
    assert 'data-board-url="/counter/board.json?departments=kodomo-shien"' in page


# --- the demo -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seed_makes_desks_and_a_busy_board_once(client: Client) -> None:
    call_command("counter_queue_seed", verbosity=0)
    call_command("counter_queue_seed", verbosity=0)
    assert Desk.objects.filter(department_code="shimin").count() == 4
    assert Desk.objects.count() == 8
    assert Ticket.objects.count() == 7
    state = client.get(BOARD_JSON).json()
    assert {(c["number"], c["desk"]) for c in state["called"]} == {("A-001", "6"), ("B-001", "2")}
    assert state["waiting_count"] == 4


def test_staff_pages_speak_english_when_chosen(staff_client: Any, desks: Any) -> None:
    client = staff_client("counter")
    services.ticket_issue(category="moving_in")
    page = client.get(RECEPTION, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Issue tickets" in page
    assert "1 ticket is waiting or being served." in page
    desk = client.get(f"/staff/counter/queue/desk/{desks['1'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Call the next person" in desk.content.decode()
    response = client.post(
        f"/staff/counter/queue/desk/{desks['1'].pk}/end/",
        {"ticket_id": Ticket.objects.get().pk},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert messages_of(response) == [
        "Cannot end service for ticket A-001: it is waiting (only tickets being served can be)."
    ]


def test_the_admin_lists_desks_and_shows_tickets_read_only(
    client: Client, desks: Any, django_user_model: Any
) -> None:
    from ukai.core.testing.staff import staff_client_login

    admin = django_user_model.objects.create_superuser(
        username="root", password="x-unused-1", role="admin"
    )
    staff_client_login(client, admin)
    ticket = services.ticket_issue(category="moving_in")
    assert "総合窓口 1番" in client.get("/django-admin/counter_queue/desk/").content.decode()
    page = client.get(f"/django-admin/counter_queue/ticket/{ticket.pk}/change/")
    assert page.status_code == 200
    assert "A-001" in page.content.decode()
    assert client.get("/django-admin/counter_queue/ticket/add/").status_code == 403
