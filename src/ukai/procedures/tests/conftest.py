"""Fixtures of the procedures tests: the seeded Gifu City catalog."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from ukai.procedures.seed import procedures_seed


@pytest.fixture
def catalog(db: Any) -> Any:
    return procedures_seed()


LINK = re.compile(r"https?://\S+/procedures/resume/\S+/")


def found(pattern: str | re.Pattern[str], text: object, group: int = 0) -> str:
    """The first match of ``pattern`` in ``text`` (a page or an e-mail); fails the test if none."""
    match = re.search(pattern, str(text))
    assert match is not None, f"{pattern!r} not found in {str(text)[:2000]}"
    return match.group(group)


def start_application(client: Any, slug: str, email: str = "hanako@example.jp") -> str:
    """Start an application as a resident does: e-mail address, then the link from the mail."""
    mail.outbox.clear()
    response = client.post(reverse("procedures:apply", args=[slug]), {"email": email})
    assert response.status_code == 200, response.content.decode()[:2000]
    (message,) = mail.outbox
    path = found(LINK, message.body).split("testserver", 1)[-1]
    opened = client.get(path)
    assert opened.status_code == 302
    return path


@pytest.fixture
def applicant(catalog: Any, client: Any) -> Any:
    """A browser that has confirmed its e-mail address for 児童手当 認定請求."""
    start_application(client, "jido-teate-nintei-seikyu")
    return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Every test starts with no link e-mails counted against the test client's address."""
    cache.clear()
    return
