from __future__ import annotations

import pytest
from django.core.management import call_command

from ukai.core.testing.axe import assert_accessible
from ukai.procedures.tests.browser.test_apply_flow import start_in_browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_catalog_pages_are_accessible(browser_page, live_server):
    call_command("ukai_demo", verbosity=0)
    page = browser_page
    page.goto(live_server.url + "/procedures/")
    assert_accessible(page)
    page.click("text=介護")
    page.wait_for_load_state()
    assert "要介護・要支援認定の申請" in page.content()
    assert_accessible(page)
    page.fill("#procedures-q", "じどうてあて にんてい")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/procedures/?q=" + "じどうてあて")
    page.click("text=児童手当の認定請求")
    page.wait_for_load_state()
    assert "子ども支援課" in page.content()
    assert "児童の生年月日" in page.content()
    assert_accessible(page)
    page.goto(live_server.url + "/procedures/inu-toroku/")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/procedures/juminhyo-utsushi/")
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_conditions_are_mirrored_in_the_browser(browser_page, live_server):
    call_command("ukai_demo", verbosity=0)
    page = browser_page
    start_in_browser(page, live_server)
    page.goto(live_server.url + "/procedures/jido-teate-nintei-seikyu/apply/spouse/")
    spouse_name = page.locator("#f-spouse-name")
    page.check("#f-has-spouse-1")  # いない
    assert not spouse_name.is_visible()
    page.check("#f-has-spouse-0")  # いる
    assert spouse_name.is_visible()
    assert_accessible(page)
