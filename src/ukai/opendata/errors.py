"""The errors of the catalog, mapped one to one to CKAN's error types by the Action API."""

from __future__ import annotations

from ukai.core.errors import UkaiError


class CatalogValidationError(UkaiError):
    """Input the catalog refuses (CKAN: ``Validation Error``, HTTP 409).

    ``fields`` maps each field to its messages, as CKAN's error dict does.
    """

    def __init__(
        self, fields: dict[str, list[str]], *, message_ja: str = "", message_en: str = ""
    ) -> None:
        first = next(iter(fields.values()))[0] if fields else ""
        super().__init__(
            code="validation_error",
            message_ja=message_ja or first or "入力内容に誤りがあります。",
            message_en=message_en or "The input is invalid. See the messages of each field.",
            status=409,
            extra={"fields": fields},
        )

    @property
    def fields(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = self.extra["fields"]
        return fields


class SearchQueryError(UkaiError):
    """A search the catalog does not understand (CKAN: ``Search Query Error``, HTTP 400)."""

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(
            code="search_query", message_ja=message_ja, message_en=message_en, status=400
        )


def bilingual(message_ja: str, message_en: str) -> str:
    """One message in both languages, as the API's ``message`` carries it."""
    return f"{message_ja} / {message_en}"
