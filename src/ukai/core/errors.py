"""Errors a user sees: a stable code, a Japanese message and an English one.

Services raise ``UkaiError``; the API turns it into RFC 9457 problem details and
pages show ``message`` in the reader's language beside the field.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.translation import get_language

from .japanese.errors import JapaneseInputError

PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass
class UkaiError(Exception):
    code: str
    message_ja: str
    message_en: str
    status: int = 400
    field: str | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.message_ja} / {self.message_en}"

    @property
    def message(self) -> str:
        """The message in the active language (Japanese unless English was chosen)."""
        return message_for_language(self.message_ja, self.message_en)

    @classmethod
    def from_input_error(
        cls, error: JapaneseInputError, *, field: str | None = None, status: int = 422
    ) -> UkaiError:
        return cls(
            code=error.code,
            message_ja=error.message_ja,
            message_en=error.message_en,
            status=status,
            field=field,
        )


class NotFound(UkaiError):
    def __init__(self, *, what_ja: str, what_en: str, identifier: str | int) -> None:
        super().__init__(
            code="not_found",
            message_ja=f"{what_ja}（{identifier}）が見つかりません。",
            message_en=f"{what_en} {identifier} was not found.",
            status=404,
        )


class PermissionDenied(UkaiError):
    def __init__(self) -> None:
        super().__init__(
            code="permission_denied",
            message_ja="この操作を行う権限がありません。",
            message_en="You do not have permission to do this.",
            status=403,
        )


def message_for_language(message_ja: str, message_en: str) -> str:
    language = get_language() or "ja"
    return message_ja if language.startswith("ja") else message_en


TITLES = {
    400: ("リクエストが正しくありません", "Bad request"),
    401: ("ログインが必要です", "Authentication required"),
    403: ("権限がありません", "Forbidden"),
    404: ("見つかりません", "Not found"),
    405: ("この方法では利用できません", "Method not allowed"),
    409: ("他の操作と競合しました", "Conflict"),
    413: ("データが大きすぎます", "Payload too large"),
    422: ("入力内容に誤りがあります", "Invalid input"),
    429: ("リクエストが多すぎます", "Too many requests"),
    500: ("サーバーでエラーが発生しました", "Server error"),
}


def problem_response(
    *,
    status: int,
    code: str,
    detail: str,
    detail_en: str,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    title_ja, title_en = TITLES.get(status, ("エラー", "Error"))
    body = {
        "type": f"https://ukai.example/problems/{code}",
        "title": title_ja,
        "title_en": title_en,
        "status": status,
        "detail": detail,
        "detail_en": detail_en,
        "code": code,
        "errors": errors or [],
        **(extra or {}),
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
