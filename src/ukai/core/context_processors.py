from __future__ import annotations

from django.http import HttpRequest

from .selectors import municipality_current


def municipality(request: HttpRequest) -> dict[str, object]:
    return {"municipality": municipality_current()}
