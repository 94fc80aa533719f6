"""Browser-test support: the app on a loopback port, Playwright on Debian's chromium, axe.

The fixtures ``browser`` (session-wide), ``page`` and ``live_server`` are registered once in
``tests/conftest.py``: do not import them into test modules (a second session-wide browser
would start a second Playwright loop). Import only ``assert_accessible`` and ``LiveServer``.
Playwright cannot download browsers here, so we always launch ``/usr/bin/chromium``
(``CHROMIUM`` overrides). Without it the tests skip locally and fail under CI.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test app (its fresh database) served on a random loopback port."""
    app.config["BASE_URL"] = "pending"
    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


def assert_accessible(page: Any, context: str = "") -> None:
    """axe-core (WCAG 2.0/2.1 A and AA rules) reports zero violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag",
                                                   "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                              "best-practice"]}})
    violations = results.response.get("violations", [])
    details = [f"{v['id']}: {v['help']} ({len(v['nodes'])} × {v['nodes'][0]['target'] if v['nodes'] else ''})"
               for v in violations]
    assert not violations, f"axe violations {context} at {page.url}:\n" + "\n".join(details)


def staff_login(page: Any, base: str) -> None:
    """Sign in as the test admin through the login page, a wrong password first (axe on both states)."""
    from tests.staff_helpers import ADMIN, PASSWORD

    page.goto(f"{base}/admin/")
    assert_accessible(page, "login")
    page.fill("#email", ADMIN)
    page.fill("#password", "fel lösenord 1234")
    page.click("button[type=submit]")
    assert "Fel e-postadress eller lösenord" in page.content()
    assert_accessible(page, "login error")
    page.fill("#email", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
