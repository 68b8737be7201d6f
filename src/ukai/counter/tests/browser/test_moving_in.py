"""In Chromium: a family of four moves into Gifu City and finishes everything at one counter.

Ticket → identity from the 転出証明書 → interview → five procedures with reasons → every
form prefilled on one screen → one signature → five cases in four departments' inboxes;
the ticket's timestamps are recorded and the dashboard counts the visit as finished at one
counter. axe on every page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import expect

from ukai.core.testing.axe import assert_accessible
from ukai.counter.queue import service as queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "counter-browser-test-1"
FAMILY = [
    ("岐阜\u3000健一", "ギフ ケンイチ", "昭和59年5月1日", "male", "世帯主"),
    ("岐阜\u3000美咲", "ギフ ミサキ", "1986-07-15", "female", "妻"),
    ("岐阜\u3000蓮", "ギフ レン", "2013-06-20", "male", "子"),
    ("岐阜\u3000葵", "ギフ アオイ", "2017-10-02", "female", "子"),
]
# What staff type for what the records and the interview cannot tell (asked at the counter).
FILL_EMPTY_REQUIRED = """
() => {
  const samples = {tel: "058-265-4141", email: "family@example.jp", date: "2026-04-01"};
  let filled = 0;
  document.querySelectorAll('.counter-forms [aria-required="true"]').forEach((el) => {
    if (el.closest("[hidden]")) return;
    if (el.tagName === "SELECT") {
      if (!el.value) {
        el.value = el.options[1].value;
        el.dispatchEvent(new Event("change", {bubbles: true}));
        filled++;
      }
    } else if (el.type === "checkbox") {
      if (!el.checked) { el.checked = true; filled++; }
    } else if (!el.value) {
      const label = document.querySelector(`label[for="${el.id}"]`)?.textContent || "";
      let value = samples[el.type] || (el.placeholder.includes("令和") ? "2026-04-01" : "1234567");
      if (label.includes("フリガナ") || label.includes("カナ")) value = "ギフ";
      else if (label.includes("郵便番号")) value = "500-8076";
      else if (label.includes("住所")) value = "岐阜県岐阜市司町40番地1";
      else if (label.includes("氏名") || label.includes("名義")) value = "岐阜\u3000健一";
      el.value = value; filled++;
    }
  });
  return filled;
}
"""


def _sign_in(page: Any, username: str) -> None:
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()


def test_a_family_moving_in_finishes_at_one_counter(
    browser_page: Any, django_user_model: Any
) -> None:
    call_command("procedures_seed", verbosity=0)
    call_command("counter_seed", verbosity=0)
    django_user_model.objects.create_user(username="madoguchi", password=PASSWORD, role="counter")
    desk = queue.desk_create(label="総合窓口 1番", number="1", department_code="shimin")
    page = browser_page
    _sign_in(page, "madoguchi")

    # Reception: a numbered ticket; the desk calls it and starts serving.
    page.goto("/staff/counter/queue/")
    page.get_by_role("button", name="転入").click()
    page.wait_for_load_state()
    number = page.locator("#ticket-number").inner_text()
    page.goto(f"/staff/counter/queue/desk/{desk.id}/")
    page.get_by_role("button", name="次の方を呼ぶ").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="受付開始").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="書かない窓口で受付する").click()
    page.wait_for_load_state()
    assert_accessible(page)
    (ticket,) = [
        t for t in queue.ticket_times(start=_long_ago(), end=_later()) if t.number == number
    ]
    expect(page.get_by_label("整理券（任意）")).to_have_value(str(ticket.id))
    page.get_by_label("転入（市外から引っ越してきた）").check()
    page.get_by_role("button", name="受付を開始する").click()
    page.wait_for_load_state()

    # Identity: typed from the 転出証明書, the first line is the person notifying.
    expect(page.get_by_role("heading", name="本人確認", exact=True)).to_be_visible()
    assert_accessible(page)
    for index, (name, kana, born, sex, relationship) in enumerate(FAMILY):
        page.locator(f"#id-p{index}-name").fill(name)
        page.locator(f"#id-p{index}-kana").fill(kana)
        page.locator(f"#id-p{index}-birth_date").fill(born)
        page.locator(f"#id-p{index}-sex").select_option(sex)
        page.locator(f"#id-p{index}-relationship").fill(relationship)
    page.get_by_label("岐阜市の住所の郵便番号").fill("500-8076")
    page.get_by_label("岐阜市の住所", exact=True).fill("岐阜県岐阜市司町40番地1")
    page.get_by_label("前住所", exact=True).fill("愛知県名古屋市中区三の丸三丁目1番1号")
    page.get_by_label("前住所の市区町村").fill("名古屋市")
    page.get_by_label("日中の連絡先電話番号").fill("058-265-4141")
    page.get_by_role("button", name="入力した方で聞き取りへ").click()
    page.wait_for_load_state()

    # Interview: questions that do not apply stay hidden as the answers are given.
    assert_accessible(page)
    pension = page.locator('[data-question="pension_first"]')
    expect(pension).to_be_hidden()
    page.get_by_label("岐阜市に住み始めた日").fill("2026-03-28")
    page.locator('[data-question="from_abroad"]').get_by_label("いいえ").check()
    page.get_by_label("国民健康保険に加入する").check()
    expect(pension).to_be_visible()
    pension.get_by_label("いいえ").check()
    page.locator('[data-question="city_school"]').get_by_label("はい").check()
    page.locator('[data-question="seal"]').get_by_label("いいえ").check()
    page.get_by_role("button", name="必要な手続を判定する").click()
    page.wait_for_load_state()

    # The procedures, each with its reason.
    assert_accessible(page)
    body = page.locator("main").inner_text()
    for reason in (
        "岐阜市に住み始めたため",
        "勤務先の健康保険に加入しないため：国民健康保険",
        "18歳未満のお子さん（2人）がいるため：児童手当",
        "中学校卒業までのお子さん（2人）がいるため：子ども医療費助成",
        "小・中学生の年齢のお子さん（2人）が市立の学校に通うため：転入学",
    ):
        assert reason in body
    page.get_by_role("button", name="申請書を作成する").click()
    page.wait_for_load_state()

    # Every form on one screen, prefilled; staff add what only the resident can tell.
    assert_accessible(page)
    assert page.locator(".counter-form").count() == 5
    assert page.locator(".badge--prefilled").count() > 20
    expect(page.locator("#id-f0-address")).to_have_value("岐阜県岐阜市司町40番地1")
    assert page.evaluate(FILL_EMPTY_REQUIRED) > 0
    page.evaluate(FILL_EMPTY_REQUIRED)  # the fields the first answers revealed
    page.get_by_role("button", name="内容を確定して署名へ").click()
    page.wait_for_load_state()
    if page.get_by_role("heading", name="申請書の確認").count():
        raise AssertionError(page.locator(".error-summary").inner_text())

    # One signature for all five.
    assert_accessible(page)
    pad = page.locator("canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 60, steps=8)
    page.mouse.move(box["x"] + 320, box["y"] + 140, steps=8)
    page.mouse.up()
    page.get_by_role("button", name="署名を受けて、各課へ受け付ける").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="受付完了")).to_be_visible()
    assert_accessible(page)

    cases = {c.procedure.slug: c for c in apps.get_model("procedures", "Case").objects.all()}
    assert set(cases) == {
        "tennyu-todoke",
        "kokuho-kanyu",
        "jido-teate-nintei-seikyu",
        "kodomo-iryohi-jukyusha",
        "tennyugaku",
    }
    table = page.get_by_role("table").inner_text()
    for case in cases.values():
        assert case.receipt_number in table
        assert case.channel == "counter"
    assert cases["tennyu-todoke"].department_code == "shimin"
    assert cases["jido-teate-nintei-seikyu"].department_code == "kodomo-shien"
    assert cases["tennyugaku"].department_code == "kyoiku-gakumu"

    # The ticket: arrival, call, start and end recorded.
    (segment,) = queue.ticket_get(ticket_id=ticket.id).segments
    assert segment.queued_at is not None
    assert segment.called_at is not None
    assert segment.started_at is not None
    assert segment.ended_at is not None

    page.goto("/staff/counter/dashboard/")
    assert_accessible(page)
    kpis = page.locator(".counter-kpis").inner_text()
    assert "100.0%" in kpis


def _long_ago() -> Any:
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(days=1)


def _later() -> Any:
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=1)
