"""Errors a user sees: a stable code, a Japanese message and an English one.

Services raise ``UkaiError``; the API turns it into RFC 9457 problem details and
pages show ``message`` in the reader's language beside the field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from .japanese.errors import JapaneseInputError


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
