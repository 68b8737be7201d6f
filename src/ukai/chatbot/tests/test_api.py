import json

import pytest

from ukai.chatbot.models import Message

pytestmark = pytest.mark.django_db

URL = "/api/v1/chatbot/answer"


def ask(client, question, **extra):
    return client.post(
        URL, json.dumps({"question": question}), content_type="application/json", **extra
    )


def test_answer_has_entry_confidence_and_three_alternatives(client, seeded):
    response = ask(client, "粗大ゴミを捨てたいです")
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is True
    assert body["entry"]["question"] == "粗大ごみはどうやって出せばよいですか。"
    assert body["entry"]["field"] == "gomi"
    assert body["entry"]["field_label"] == "ごみ・環境"
    assert body["entry"]["department"] == "kankyo-jigyo"
    assert body["entry"]["department_name"] == "環境事業課"
    assert len(body["alternatives"]) == 3
    assert 0 <= body["confidence"] <= 1
    feedback = client.post(
        f"/api/v1/chatbot/messages/{body['message_id']}/feedback",
        json.dumps({"helpful": False}),
        content_type="application/json",
    )
    assert feedback.status_code == 200
    assert Message.objects.get(pk=body["message_id"]).helpful is False


def test_unknown_question_says_so(client, seeded):
    body = ask(client, "明日の天気は？").json()
    assert body["answered"] is False
    assert body["entry"] is None
    assert len(body["alternatives"]) == 3


@pytest.mark.parametrize(
    ("question", "code", "text"),
    [
        ("", "question_empty", "質問を入力してください"),
        ("あ" * 10_000, "question_too_long", "1,000文字以内"),
    ],
)
def test_bad_questions_get_a_problem_in_japanese_and_english(client, db, question, code, text):
    response = ask(client, question)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert text in body["detail"]
    assert body["detail_en"]
    assert Message.objects.count() == 0


def test_malformed_bodies_get_a_problem(client, db):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    response = client.post(URL, json.dumps({"question": 5}), content_type="application/json")
    assert response.status_code == 422


def test_a_flood_from_one_client_is_rate_limited(client, seeded, settings):
    settings.UKAI_CHATBOT_RATE_LIMIT = 5
    statuses = [ask(client, "ゴミの日", REMOTE_ADDR="198.51.100.7").status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3
    limited = ask(client, "ゴミの日", REMOTE_ADDR="198.51.100.7")
    assert limited["Content-Type"] == "application/problem+json"
    assert "1分ほど待って" in limited.json()["detail"]
    assert Message.objects.count() == 5
    assert ask(client, "ゴミの日", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_feedback_for_an_unknown_answer_is_404(client, db):
    response = client.post(
        "/api/v1/chatbot/messages/12345/feedback",
        json.dumps({"helpful": True}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "message_not_found"
