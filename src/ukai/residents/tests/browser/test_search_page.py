"""Counter staff search the demo records in Chromium: purpose, a variant name, the record; axe on each page."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ukai.core.testing.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "ukai-demo-2026"  # the demo staff's password (core's demo data)


def test_search_a_variant_name_and_open_the_record(browser_page) -> None:
    call_command("ukai_demo", verbosity=0)  # demo staff and the fictional households
    page = browser_page
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill("counter")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()

    page.goto("/staff/residents/")
    assert_accessible(page)
    # Without a purpose the search is refused with an error summary.
    page.get_by_label("氏名またはフリガナ").fill("高橋")
    page.get_by_role("button", name="検索する").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)

    page.get_by_label("照会の目的").select_option(label="窓口での本人確認")
    page.get_by_role("button", name="検索する").click()
    page.wait_for_load_state()
    assert "人が見つかりました" in page.get_by_role("status").inner_text()
    table = page.get_by_role("table").inner_text()
    assert "髙橋" in table  # typed 高橋, found the variant, shown exactly
    assert_accessible(page)

    page.get_by_role("table").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="異動履歴").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="世帯員を見る").click()
    page.wait_for_load_state()
    assert "世帯主" in page.get_by_role("table").inner_text()
    assert_accessible(page)
