"""Staff edit FAQ entries in Chromium: axe on the list and the form, create → submit → approve,
then the public bot answers the new question."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ukai.core.testing.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "ukai-demo-2026"  # the demo staff's password (core's demo data)
QUESTION = "介護ロボットの貸し出し制度はありますか。"
ANSWER = "介護ロボットの貸し出しは、介護保険課の窓口で毎週水曜日に受け付けています。"


def sign_in_as_manager(page) -> None:
    page.goto("/staff/login/")
    page.get_by_label("ユーザー名").fill("manager")  # 所属長 of 介護保険課
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()


def test_create_submit_approve_and_the_bot_answers(browser_page, real_encoder):
    call_command("ukai_demo", verbosity=0)  # departments, staff and the seed FAQs
    page = browser_page
    sign_in_as_manager(page)

    page.goto("/staff/chatbot/entries/")
    assert page.get_by_role("heading", name="FAQの一覧").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="FAQを追加する").click()
    assert_accessible(page)
    # An empty answer: the message is next to the field, the question is kept.
    page.locator("#id_question").fill(QUESTION)
    page.locator("#id_field").select_option("kaigo")
    page.get_by_role("button", name="下書きとして保存する").click()
    assert "回答を入力してください。" in page.locator(".field--error").inner_text()
    assert page.locator("#id_question").input_value() == QUESTION
    assert_accessible(page)
    page.locator("#id_answer").fill(ANSWER)
    page.get_by_label("言い換え").fill("介護ロボットを借りたい")
    page.get_by_role("button", name="保存して審査に回す").click()
    assert "審査に回しました" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="承認して公開する").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="承認して公開する").click()
    assert "承認しました" in page.locator(".messages").inner_text()

    page.goto("/chatbot/")
    page.get_by_label("ご質問").fill(QUESTION)
    page.get_by_role("button", name="質問する").click()
    assert ANSWER in page.locator("#chatbot-result").inner_text()

    # CSV import: preview, then the change goes to review.
    page.goto("/staff/chatbot/entries/import/")
    assert_accessible(page)
    csv_text = (
        "識別子,質問,言い換え,回答,分野,担当課\r\n"
        ",介護用ベッドは借りられますか,,介護保険のレンタルをご利用ください。,kaigo,kaigo-hoken\r\n"
    )
    page.get_by_label("CSVファイル").set_input_files(
        {"name": "faq.csv", "mimeType": "text/csv", "buffer": csv_text.encode("cp932")}
    )
    page.get_by_role("button", name="内容を確認する").click()
    assert "新しいFAQ 1件、変更 0件" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="取り込んで審査に回す").click()
    assert "審査に回しました" in page.locator(".messages").inner_text()

    # Unpublishing the new entry: asked and approved by the manager, the bot stops answering.
    page.goto("/staff/chatbot/entries/?q=介護ロボット")
    page.get_by_role("link", name=QUESTION).click()
    assert_accessible(page)  # with the related procedures and the removal section
    page.get_by_role("button", name="公開停止を申請する").click()
    assert page.get_by_role("button", name="承認して公開を止める").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="承認して公開を止める").click()
    assert "公開を止めました" in page.locator(".messages").inner_text()
    page.goto("/chatbot/")
    page.get_by_label("ご質問").fill(QUESTION)
    page.get_by_role("button", name="質問する").click()
    assert ANSWER not in page.locator("#chatbot-result").inner_text()


def test_a_missed_question_becomes_a_phrasing_in_two_clicks(browser_page, real_encoder):
    call_command("ukai_demo", verbosity=0)
    page = browser_page
    page.goto("/chatbot/")
    page.get_by_label("ご質問").fill("介護ロボットは借りられますか")
    page.get_by_role("button", name="質問する").click()
    assert "確かなお答えが見つかりませんでした" in page.locator("#chatbot-result").inner_text()
    sign_in_as_manager(page)
    page.goto("/staff/chatbot/")
    page.get_by_role("link", name="既存のFAQの言い換えにする").first.click()
    assert "介護ロボットは借りられますか" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="言い換えとして審査に回す").click()
    assert "言い換えを追加して審査に回しました" in page.locator(".messages").inner_text()
    assert "介護ロボットは借りられますか" in page.locator("#id_phrasings").input_value()
