"""Pytest fixtures for browser tests: Debian's Chromium driven by sync Playwright.

Register them in a ``conftest.py`` (``src/ukai/conftest.py`` does) and mark tests
``@pytest.mark.browser``; they need ``transaction=True`` because the browser talks to
``live_server`` in another thread:

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_home(browser_page, live_server):
        browser_page.goto(live_server.url + "/")
        assert_accessible(browser_page)

One browser per test session; every test gets a fresh context (no cookies or
storage shared between tests). Set ``UKAI_CHROMIUM`` to use another binary.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("UKAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API runs an event loop in the test's thread; Django would
# then refuse database access from that thread as "async-unsafe". The tests
# are sequential, so the check does not protect anything here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. "
            "Install Debian's package: apt-get install -y chromium fonts-noto-cjk"
        )
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def browser_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (cookies, storage) for one test, Japanese by default."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    context = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
    )
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def browser_page(browser_context: Any) -> Any:
    """A page in a fresh context whose relative URLs go to ``live_server``."""
    return browser_context.new_page()
