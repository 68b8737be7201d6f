import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ukai.chatbot import services
from ukai.chatbot.models import Entry
from ukai.core.testing.staff import staff_client_login

pytestmark = pytest.mark.django_db

URL = "/staff/chatbot/"


def test_staff_only(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_missed_questions_are_grouped_and_stale_entries_flagged(client, seeded):
    for question in (
        "市長の好きな食べ物は何ですか",
        "市長の好きな食べ物を教えて",
        "明日の天気は？",
    ):
        services.faq_answer(question=question)
    Entry.objects.filter(key="gomi-001").update(reviewed_on=None)
    staff = get_user_model().objects.create_user(
        username="chatbot-staff", password="x" * 20, role="department"
    )
    staff_client_login(client, staff)
    response = client.get(URL)
    assert response.status_code == 200
    groups = [group for group, _query in response.context["groups"]]
    counts = sorted(group.count for group in groups)
    assert counts == [1, 2]
    stale_keys = {entry.key for entry, _ in response.context["stale"]}
    assert stale_keys == {"gomi-001"}
    html = response.content.decode()
    assert "市長の好きな食べ物は何ですか" in html
