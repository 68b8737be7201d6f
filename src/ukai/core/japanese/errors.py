"""The error every parser in ``core.japanese`` raises on bad input."""

from __future__ import annotations


class JapaneseInputError(ValueError):
    """Bad input, with a stable code and a message in Japanese and English.

    Parsers raise this instead of a bare ``ValueError`` so that pages and the API
    can show the resident a precise message without translating exception text.
    A plain exception class (not a frozen dataclass) so that tracebacks, notes
    and pickling into the task queue work as for any exception.
    """

    def __init__(self, code: str, message_ja: str, message_en: str) -> None:
        super().__init__(code, message_ja, message_en)
        self.code = code
        self.message_ja = message_ja
        self.message_en = message_en

    def __reduce__(self) -> tuple[type[JapaneseInputError], tuple[str, str, str]]:
        return (type(self), (self.code, self.message_ja, self.message_en))

    def __str__(self) -> str:
        return f"{self.message_ja} / {self.message_en}"
