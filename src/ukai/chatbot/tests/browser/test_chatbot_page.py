"""The chatbot page in Debian's Chromium: axe (WCAG 2.0 A/AA), keyboard, a phone, no JavaScript."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from ukai.chatbot.services import faq_seed_load
from ukai.core.testing.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed(real_encoder):
    assert not faq_seed_load().errors
    call_command("procedures_seed", stdout=io.StringIO())  # the inquiry form of hand-offs


def test_ask_with_the_keyboard_and_read_the_answer(browser_page, seed):
    page = browser_page
    page.goto("/chatbot/")
    assert_accessible(page)
    page.keyboard.press("Tab")  # skip link
    question = page.get_by_label("ご質問")
    question.focus()
    page.keyboard.type("粗大ゴミを捨てたい")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    result = page.locator("#chatbot-result")
    assert result.get_attribute("aria-live") == "polite"
    assert "粗大ごみ" in result.inner_text()
    assert page.get_by_role("link", name="粗大ごみはどうやって出せばよいですか。").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="はい").click()
    assert "ご協力ありがとうございました" in page.locator("#chatbot-result").inner_text()
    assert_accessible(page)
    # On a phone: nothing wider than the screen, still accessible.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/chatbot/")
    page.get_by_label("ご質問").fill("国保に入りたい")
    page.get_by_role("button", name="質問する").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    # "I don't know" with the hand-off form, on the phone.
    page.get_by_label("ご質問").fill("おすすめの映画を教えて")
    page.get_by_role("button", name="質問する").click()
    assert page.get_by_role("heading", name="担当課に問い合わせる").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    page.get_by_label("ご連絡先（メールアドレスまたは電話番号）").fill("taro@example.jp")
    page.get_by_role("button", name="担当課に送る").click()
    assert page.get_by_role("heading", name="お問い合わせを受け付けました").is_visible()
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", page.locator(".receipt-number").inner_text())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_i_dont_know_without_javascript(browser, live_server, seed):
    context = browser.new_context(
        locale="ja-JP",
        viewport={"width": 375, "height": 740},
        java_script_enabled=False,
        base_url=live_server.url,
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/chatbot/")
        page.get_by_label("ご質問").fill("<b>おすすめの映画</b>を教えて")
        page.get_by_role("button", name="質問する").click()
        text = page.locator("#chatbot-result").inner_text()
        assert "確かなお答えが見つかりませんでした" in text
        assert "<b>おすすめの映画</b>を教えて" in text  # shown as typed, not as markup
        assert page.locator("#chatbot-result .link-list__item").count() == 3
        # (axe needs JavaScript: the page's accessibility is checked in the test above.)
    finally:
        context.close()
