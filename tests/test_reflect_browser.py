"""The reflection and theme pages in chromium, with axe on every page state (and without JavaScript)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, current_app

from survey.demo.data_2024 import DEMO_REGION, ensure_demo_reflection
from survey.demo.data_2025 import ensure_demo_2025
from survey.rounds.lifecycle import active_link
from survey.rounds.links import derive_token
from survey.staff.accounts import create_staff_user
from survey.web.extensions import db
from tests.browser import LiveServer, assert_accessible

pytestmark = pytest.mark.browser
PASSWORD = "rätt häst batteri 2025"


@pytest.fixture
def demo(app: Flask) -> tuple[int, str]:
    round_ = ensure_demo_2025(db.session, current_app.config["SECRET_KEY"])
    ensure_demo_reflection(db.session, app.config["SECRET_KEY"], app.config["BASE_URL"])
    create_staff_user(db.session, "admin@socialstyrelsen.se", PASSWORD, "admin", "Astrid Admin")
    db.session.commit()
    member = next(m for m in round_.members if m.organisation.code == DEMO_REGION)
    link = active_link(member)
    assert link is not None
    return round_.id, derive_token(app.config["SECRET_KEY"], link.nonce)


def test_reflection_pages_are_accessible(live_server: LiveServer, page: Any, demo: tuple[int, str]) -> None:
    _, token = demo
    page.goto(f"{live_server.url}/reflektion/{token}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Region Kronoberg")
    assert_accessible(page, "reflection overview")
    page.get_by_role("link", name="Skriv era anteckningar").click()
    page.fill("#note-fraga1", "Vi behöver se över hur patienterna involveras.")
    page.get_by_role("button", name="Spara anteckningarna").click()
    page.wait_for_selector("text=Era anteckningar är sparade.")
    assert_accessible(page, "notes saved")


def test_theme_pages_are_accessible(live_server: LiveServer, page: Any, demo: tuple[int, str]) -> None:
    round_id, _ = demo
    page.goto(f"{live_server.url}/admin/logga-in")
    page.fill("input[name=email]", "admin@socialstyrelsen.se")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server.url}/admin/teman/")
    assert_accessible(page, "theme index")
    page.goto(f"{live_server.url}/admin/teman/{round_id}/")
    assert_accessible(page, "theme round page")
    page.locator("form.theme-entry button[type=submit]").first.click()
    page.wait_for_selector("text=är sparat")
    assert_accessible(page, "after tagging")
