"""Browser tests: Playwright's Python API drives Debian's Chromium (/usr/bin/chromium) against
pytest-django's live server. `playwright install` is never run: it downloads a browser build,
which cannot work on these machines nor on a user's offline one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox: CI runs as root. The rest keep Chromium from reaching out to Google's hosts, which
# this machine's closed network refuses, many connections at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Long enough for a slow CI machine, short enough that a missing element fails in seconds
# rather than after Playwright's default 30 s.
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        )
        if os.environ.get("KESHER_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}; KESHER_REQUIRE_BROWSER=1 forbids skipping", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def browser(chromium_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API runs its asyncio event loop on the test's own thread, so Django's
    # async-safety guard takes every ORM call the test makes while the browser is open for one
    # made from async code and raises SynchronousOnlyOperation. The calls are plain synchronous
    # ones on one thread (the live server answers on its own thread), so the guard is lifted,
    # for browser tests only and only while the browser is open.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While that loop runs, Django keeps database connections per async context, so the
            # test's ORM calls got a connection of their own. It is closed here, while that
            # context is still current: left open, it would outlive the test and keep
            # PostgreSQL from dropping the test database at the end of the session.
            connections.close_all()


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Callable[[str], Page]:
    """Opens a page in a fresh browser profile whose language is `locale` ("he-IL", "en-US")."""

    def open_page(locale: str) -> Page:
        context = browser.new_context(locale=locale, base_url=live_server.url)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        return context.new_page()

    return open_page
