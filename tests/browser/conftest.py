"""Browser tests: pytest-playwright driving Debian's Chromium (no browser download is possible here)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in the test thread; the test itself only touches the database to
# arrange data, never concurrently with the server thread's requests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# The live server answers one request at a time. On SQLite the test database is in memory, and Django shares its one
# connection between the test and the server's threads: two requests at once (a page and an htmx request, or the
# browser's parallel connections) would interleave their savepoints ("no such savepoint", seen once in CI). Django's
# plain WSGIServer closes each connection after its response, so the browser never waits on a kept-alive one.
class SerialWSGIServer(WSGIServer):
    """One request at a time, in the live server's thread (which already uses the shared connections)."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


LiveServerThread.server_class = SerialWSGIServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("KRING_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("KRING_REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _requests_finished_before_the_database_is_emptied(transactional_db: None, browser: Browser) -> Iterator[None]:
    """After the test, wait until no page of it is still loading anything (a chart image, an htmx request) before
    the test database is emptied: a request answered during the flush wrote its session row for a user the flush had
    just deleted ("FOREIGN KEY constraint failed" at teardown, seen once in CI). Set up after the database, so torn
    down before it."""
    yield
    for context in browser.contexts:
        for page in context.pages:
            try:
                page.wait_for_load_state("networkidle", timeout=5000)
            except PlaywrightError:
                continue  # a page that keeps polling: the flush waits for no one


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    }


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Swedish municipal employee's browser: Swedish first (the page language follows Accept-Language)."""
    return {**browser_context_args, "locale": "sv-SE"}


@pytest.fixture(autouse=True)
def _forget_used_totp_codes() -> None:
    """allauth remembers a used TOTP code in the cache for its window, keyed by user id; a new test's user may get
    the id of an earlier test's user, and logging in within the same 30 seconds would then be refused."""
    from django.core.cache import cache

    cache.clear()
