"""The staff pages in a real browser: a round run end to end, axe on every page state,
and the warning before the idle timeout."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from survey.rounds.lifecycle import questionnaire_of
from tests.browser import assert_accessible, staff_login
from tests.staff_helpers import ADMIN, PASSWORD, answer, complete_answers, make_staff, new_round

pytestmark = pytest.mark.browser


def test_staff_pages_are_accessible(app: Flask, live_server: Any, page: Any) -> None:
    make_staff(ADMIN, "admin", "Astrid Admin")
    round_ = new_round("0180,1480,0114")
    answer(round_, "0180", complete_answers(round_), submit_it=True)
    base = live_server.url
    staff_login(page, base)
    rid, section = round_.id, questionnaire_of(round_).sections[0].id
    paths = [
        "/admin/", "/admin/rundor/ny", f"/admin/rundor/{rid}", f"/admin/rundor/{rid}/framsteg",
        f"/admin/rundor/{rid}/framsteg?status=submitted&sortera=county",
        f"/admin/rundor/{rid}/org/0180", f"/admin/rundor/{rid}/org/0180/svar",
        f"/admin/rundor/{rid}/org/0180/historik", f"/admin/rundor/{rid}/org/1480/registrera?avsnitt={section}",
        f"/admin/rundor/{rid}/utskick", f"/admin/rundor/{rid}/utskick/mall/reminder",
        f"/admin/rundor/{rid}/forlang", f"/admin/rundor/{rid}/handelser", "/admin/kontakter",
        "/admin/kontakter/0180", "/admin/kontakter/import", "/admin/anvandare", "/admin/anvandare/ny",
        "/admin/anvandare/1", "/admin/konto/losenord",
    ]
    for path in paths:
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page, path)
    # Error states: an empty new-round form, a reopen without a reason, a bad extension.
    page.goto(f"{base}/admin/rundor/ny")
    page.fill("#opens", "")
    page.click("main form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(page, "new round with errors")
    page.goto(f"{base}/admin/rundor/{rid}/org/0180/svar")
    page.click("details.reopen summary")
    page.click("details.reopen button[type=submit]")
    assert "Ange ett skäl." in page.content()
    assert_accessible(page, "reopen without reason")
    page.fill("#reason", "Fel i fråga 1")
    page.click("details.reopen button[type=submit]")
    assert "är öppnat igen" in page.content()
    assert_accessible(page, "reopened")
    page.goto(f"{base}/admin/rundor/{rid}/org/1480")
    page.fill("#until", "2000-01-01")
    page.fill("#reason", "Test")
    page.click("form[aria-labelledby=extend-heading] button[type=submit]")
    assert_accessible(page, "member after extension")


def test_idle_warning_lets_the_user_stay(app: Flask, live_server: Any, page: Any) -> None:
    make_staff(ADMIN, "admin")
    app.config.update(STAFF_IDLE_MINUTES=0.25, STAFF_IDLE_WARNING_MINUTES=0.2)  # warn after ~3 s
    base = live_server.url
    page.goto(f"{base}/admin/logga-in")
    page.fill("#email", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    dialog = page.locator("#session-warning")
    dialog.wait_for(state="visible", timeout=10_000)
    assert page.evaluate("document.activeElement.textContent") == "Fortsätt vara inloggad"
    assert_accessible(page, "session warning")
    page.click("#session-warning button")
    dialog.wait_for(state="hidden")
    page.goto(f"{base}/admin/kontakter")
    assert page.url == f"{base}/admin/kontakter"
