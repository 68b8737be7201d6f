"""In Chromium: reception issues a ticket, a desk calls it, and the open board shows it without reloading."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ukai.core.testing.axe import assert_accessible
from ukai.counter.queue import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "queue-browser-test-1"


def _sign_in(page: Any, username: str) -> None:
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()


def test_a_call_at_the_desk_appears_on_the_open_board(
    browser_context: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_user(username="madoguchi", password=PASSWORD, role="counter")
    desk = services.desk_create(label="総合窓口 1番", number="1", department_code="shimin")
    services.desk_create(label="子ども支援 6番", number="6", department_code="kodomo-shien")

    staff = browser_context.new_page()
    _sign_in(staff, "madoguchi")
    staff.goto("/staff/counter/queue/")
    assert_accessible(staff)
    staff.get_by_role("button", name="転入").click()
    staff.wait_for_load_state()
    expect(staff.locator("#ticket-number")).to_have_text("A-001")
    assert_accessible(staff)

    board = browser_context.new_page()
    board.goto("/counter/board/")
    expect(board.locator("#waiting-list")).to_contain_text("A-001")
    expect(board.locator("#called-empty")).to_be_visible()
    assert_accessible(board)
    board.evaluate("window.__sameDocument = true")  # gone if the page reloads

    staff.goto(f"/staff/counter/queue/desk/{desk.pk}/")
    assert_accessible(staff)
    staff.get_by_role("button", name="次の方を呼ぶ").click()
    staff.wait_for_load_state()
    expect(staff.get_by_text("A-001 番を呼び出しました。")).to_be_visible()
    assert_accessible(staff)

    called = board.locator("#called-list")
    expect(called).to_contain_text("A-001", timeout=10_000)
    expect(called.locator(".board__desk-number")).to_have_text("1")
    expect(board.locator("#waiting-list")).not_to_contain_text("A-001")
    expect(board.locator("#board-announcer")).to_contain_text(
        "A-001 番の方、1 番窓口へお越しください。"
    )
    assert board.evaluate("window.__sameDocument") is True
    chime = board.get_by_role("button", name="呼出音")
    chime.click()
    expect(chime).to_have_attribute("aria-pressed", "true")
    assert_accessible(board)

    # Routed on to 子ども支援課, the number waits again and is called to desk 6.
    staff.get_by_role("button", name="受付開始").click()
    staff.wait_for_load_state()
    expect(staff.get_by_text("A-001 番の受付を開始しました。")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_label("案内先の担当課").select_option(label="kodomo-shien")
    staff.get_by_role("button", name="他の窓口へ案内").click()
    staff.wait_for_load_state()
    expect(staff.get_by_text("A-001 番を他の窓口へ案内しました。")).to_be_visible()
    expect(board.locator("#waiting-list")).to_contain_text("A-001", timeout=10_000)
