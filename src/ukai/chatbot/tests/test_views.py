import re

import pytest
from django.urls import reverse

from ukai.chatbot.models import Entry, Message

pytestmark = pytest.mark.django_db


def test_the_page_has_a_labelled_form_and_a_live_region(client, db):
    response = client.get(reverse("chatbot:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-live="polite"' in html
    assert '<label for="id_question"' in html


def test_posting_a_question_renders_the_answer_and_its_source(client, seeded):
    response = client.post(reverse("chatbot:home"), {"question": "ゴミの収集日を知りたい"})
    assert response.status_code == 200
    html = response.content.decode()
    entry = Entry.objects.get(key="gomi-002")
    assert reverse("chatbot:entry", args=[entry.pk]) in html
    assert "役に立ちましたか？" in html
    message = Message.objects.get()
    assert f'name="message_id" value="{message.pk}"' in html
    # The conversation continues from the hidden field, not a session.
    assert str(message.conversation_id) in html
    assert "sessionid" not in response.cookies


def test_html_in_a_question_is_shown_escaped(client, seeded):
    response = client.post(reverse("chatbot:home"), {"question": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_question_offers_three_entries_and_the_phone_number(client, seeded):
    html = client.post(
        reverse("chatbot:home"), {"question": "おすすめの映画を教えて"}
    ).content.decode()
    assert "確かなお答えが見つかりませんでした" in html
    assert html.count('class="link-list__item"') == 3
    assert "058-265-4141" in html


@pytest.mark.parametrize(("question", "status"), [("", 422), ("あ" * 10_000, 422)])
def test_bad_questions_get_the_message_beside_the_field(client, db, question, status):
    response = client.post(reverse("chatbot:home"), {"question": question})
    assert response.status_code == status
    assert "field--error" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_flood_gets_a_clear_message(client, seeded, settings):
    settings.UKAI_CHATBOT_RATE_LIMIT = 1
    client.post(reverse("chatbot:home"), {"question": "ゴミの日"})
    response = client.post(reverse("chatbot:home"), {"question": "ゴミの日"})
    assert response.status_code == 429
    assert "1分ほど待って" in response.content.decode()


def test_feedback_buttons_record_and_thank(client, seeded):
    client.post(reverse("chatbot:home"), {"question": "ゴミの収集日を知りたい"})
    message = Message.objects.get()
    response = client.post(
        reverse("chatbot:feedback"), {"message_id": message.pk, "helpful": "yes"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.helpful is True
    page = client.get(response["Location"])
    assert "ご協力ありがとうございました" in page.content.decode()


def test_entry_page_links_urls_safely(client, seeded):
    entry = Entry.objects.get(key="gomi-001")
    entry.answer = "詳しくは https://www.city.gifu.lg.jp/ をご覧ください。<b>太字</b>"
    entry.save()
    html = client.get(reverse("chatbot:entry", args=[entry.pk])).content.decode()
    assert '<a href="https://www.city.gifu.lg.jp/" rel="nofollow">' in html
    assert "&lt;b&gt;太字&lt;/b&gt;" in html
    assert client.get(reverse("chatbot:entry", args=[999_999])).status_code == 404


def test_i_dont_know_offers_a_hand_off_that_reaches_the_departments_inbox(
    client, demo, seeded, inquiry_form
):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ukai.core.testing.staff import staff_client_login

    html = client.post(
        reverse("chatbot:home"), {"question": "おすすめの映画を教えて"}
    ).content.decode()
    assert "担当課に問い合わせる" in html
    message = Message.objects.get()
    # As if the closest entry belonged to 子ども支援課, where the demo user "department" works.
    Message.objects.filter(pk=message.pk).update(department="kodomo-shien")
    response = client.post(
        reverse("chatbot:handoff"), {"message_id": message.pk, "contact": "", "details": ""}
    )
    assert response.status_code == 422
    assert "ご連絡先" in response.content.decode()
    response = client.post(
        reverse("chatbot:handoff"),
        {"message_id": message.pk, "contact": "hanako@example.jp", "details": "急ぎです"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    found = re.search(r'class="receipt-number">(\d{4}-\d{4}-\d{4})<', page)
    assert found is not None
    receipt = found.group(1)
    assert "子ども支援課にお送りしました" in page

    staff = Client()
    staff_client_login(staff, get_user_model().objects.get(username="department"))
    assert receipt in staff.get("/staff/procedures/").content.decode()
    case_page = staff.get(f"/staff/procedures/cases/{receipt}/").content.decode()
    assert "お問い合わせ（AIチャットボットから）" in case_page
    assert "質問：おすすめの映画を教えて" in case_page
    assert "hanako@example.jp" in case_page
    chatbot_page = staff.get("/staff/chatbot/").content.decode()
    assert "おすすめの映画を教えて" in chatbot_page
    assert f'href="/staff/procedures/cases/{receipt}/"' in chatbot_page
    assert "hanako@example.jp" not in chatbot_page  # the contact is in the case, not here


def test_hand_offs_from_one_client_are_limited(client, seeded, inquiry_form, settings):
    settings.UKAI_CHATBOT_HANDOFF_RATE_LIMIT = 1
    for question in ("おすすめの映画を教えて", "好きな色は何ですか"):
        client.post(reverse("chatbot:home"), {"question": question})
    ids = list(Message.objects.values_list("pk", flat=True))
    first = client.post(
        reverse("chatbot:handoff"), {"message_id": ids[0], "contact": "a@example.jp"}
    )
    assert first.status_code == 200
    second = client.post(
        reverse("chatbot:handoff"), {"message_id": ids[1], "contact": "a@example.jp"}
    )
    assert second.status_code == 429
    assert "お問い合わせが多すぎます" in second.content.decode()
    assert not Message.objects.get(pk=ids[1]).handed_off


def test_a_question_from_the_widget_on_any_page_is_answered(client, seeded):
    page = client.get("/accessibility/").content.decode()
    assert 'action="/chatbot/"' in page
    response = client.post("/chatbot/", {"question": "粗大ごみの出し方を教えてください"})
    assert response.status_code == 200
    assert "粗大ごみ" in response.content.decode()


def test_an_answer_links_its_related_procedures_in_the_catalog(client, seeded, inquiry_form):
    response = client.post(
        reverse("chatbot:home"), {"question": "粗大ごみの出し方を教えてください"}
    )
    html = response.content.decode()
    assert response.context["answer"].entry.key == "gomi-003"
    assert "関連する手続" in html
    assert '<a class="link-list__link" href="/procedures/sodai-gomi-shushu/">' in html
    entry = Entry.objects.get(key="gomi-003")
    page = client.get(reverse("chatbot:entry", args=[entry.pk])).content.decode()
    assert 'href="/procedures/sodai-gomi-shushu/"' in page
    # A procedure the catalog no longer publishes is not linked.
    Entry.objects.filter(pk=entry.pk).update(procedures=["sodai-gomi-shushu", "no-such-procedure"])
    page = client.get(reverse("chatbot:entry", args=[entry.pk])).content.decode()
    assert page.count('href="/procedures/') == 1
