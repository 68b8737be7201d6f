"""The chatbot over the API: ask a question, say whether the answer helped."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from ukai.core.service import PROBLEMS, TEXT_PATTERN, Problem

from . import services
from .departments import department_name
from .models import Entry

router = Router(tags=["chatbot"])


CHATBOT_PROBLEMS: dict[int, type[Schema]] = {**PROBLEMS, 429: Problem}


_CONTROLS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f"
# Declared for clients: some non-space character and no control characters.
QUESTION_PATTERN = f"^[^{_CONTROLS}]*[^\\s{_CONTROLS}][^{_CONTROLS}]*$"


class QuestionIn(Schema):
    # The schema declares the limits (1–1,000 characters, not only spaces) for
    # clients; the service checks them itself to answer with a clear message
    # ("1,000文字以内で…") rather than a generic validation error. max_length only
    # stops absurd bodies before they are parsed further.
    question: str = Field(
        ...,
        max_length=100_000,
        pattern=TEXT_PATTERN,  # no control characters (a NUL cannot be stored)
        description="住民の質問（1〜1,000文字）",
        json_schema_extra={"minLength": 1, "maxLength": 1000, "pattern": QUESTION_PATTERN},
    )
    conversation_id: uuid.UUID | None = Field(None, description="続けて質問するときの会話ID")


class EntryOut(Schema):
    id: int
    question: str
    answer: str = Field(..., description="回答（プレーンテキスト。URLはそのまま含みます）")
    field: str
    field_label: str
    department: str = Field(..., description="担当課のコード")
    department_name: str
    language: str = Field(..., description="ja, easy-ja（やさしい日本語）または en")


class AnswerOut(Schema):
    answered: bool = Field(
        ..., description="確信度がしきい値以上で回答したか（false なら「わかりません」）"
    )
    confidence: float = Field(..., ge=0, le=1)
    entry: EntryOut | None
    alternatives: list[EntryOut] = Field(..., description="近い候補（最大3件）")
    message_id: int | None = Field(None, description="「役に立ちましたか？」を送るときのID")
    conversation_id: uuid.UUID | None
    language: str = Field(
        ..., description="質問の言語（推定） / the question's language (detected)"
    )
    language_note: str = Field(
        "",
        description="回答を質問と違う言語で示したときの注意 / set when shown in another language",
    )
    language_note_en: str = ""


class FeedbackIn(Schema):
    helpful: bool


class FeedbackOut(Schema):
    message_id: int
    helpful: bool


def _entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "question": entry.question,
        "answer": entry.answer,
        "field": entry.field,
        "field_label": str(entry.get_field_display()),
        "department": entry.department,
        "department_name": department_name(entry.department),
        "language": entry.language,
    }


@router.post(
    "/chatbot/answer",
    response={200: AnswerOut, **CHATBOT_PROBLEMS},
    summary="チャットボットに質問する / Ask the chatbot",
    auth=None,
)
def answer_create(request: HttpRequest, payload: QuestionIn) -> Any:
    services.client_rate_limit(client_address=request.META.get("REMOTE_ADDR", ""))
    answer = services.faq_answer(
        question=payload.question, channel="api", conversation_id=payload.conversation_id
    )
    return {
        "answered": answer.answered,
        "confidence": answer.confidence,
        "entry": _entry_out(answer.entry) if answer.entry is not None else None,
        "alternatives": [_entry_out(e) for e in answer.alternatives],
        "message_id": answer.message_id,
        "conversation_id": answer.conversation_id,
        "language": answer.language,
        "language_note": answer.language_note_ja,
        "language_note_en": answer.language_note_en,
    }


@router.post(
    "/chatbot/messages/{message_id}/feedback",
    response={200: FeedbackOut, **CHATBOT_PROBLEMS},
    summary="回答が役に立ったか / Say whether an answer helped",
    auth=None,
)
def feedback_create(request: HttpRequest, message_id: int, payload: FeedbackIn) -> Any:
    message = services.message_feedback(message_id=message_id, helpful=payload.helpful)
    return {"message_id": message.pk, "helpful": bool(message.helpful)}
