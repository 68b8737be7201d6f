"""The error every parser in ``core.japanese`` raises on bad input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JapaneseInputError(ValueError):
    """Bad input, with a stable code and a message in Japanese and English.

    Parsers raise this instead of a bare ``ValueError`` so that pages and the API
    can show the resident a precise message without translating exception text.
    """

    code: str
    message_ja: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.message_ja} / {self.message_en}"
