"""The respondent form in chromium: the whole 2025 questionnaire with and without JavaScript,
by keyboard only, follow-ups, an expired session, a conflict between two people, a double
click on submit, the session warning, and axe on every page state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.db import Answer, AnswerHistory, Response
from survey.web.extensions import db
from tests.browser import LiveServer, assert_accessible
from tests.respond_helpers import REGION, Invited, open_round

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def start(page: Any, server: LiveServer, invited: Invited, name: str = "Anna Andersson",
          email: str = "anna@example.se") -> None:
    page.goto(server.url + invited.url())
    page.fill("#namn", name)
    page.fill("#epost", email)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_selector("h1:has-text('Uppföljning av regionernas')")


def answer_visible(page: Any) -> int:
    """Choose «Ja» (or the first option) in every visible, unanswered group; return how many."""
    chosen = 0
    for group in page.locator(".choices:visible").all():
        if group.locator("input:checked").count() == 0:
            yes = group.locator("input[value=ja]")
            (yes if yes.count() else group.locator("input").first).check()
            chosen += 1
    for area in page.locator("textarea:visible").all():
        if area.get_attribute("id") == "q22" and not area.input_value():
            area.fill("Mer tid för analys, och «citat» & <tecken>.")
    return chosen


def answer_whole_questionnaire(page: Any, javascript: bool) -> None:
    page.get_by_role("link", name="Börja svara").click()
    while page.locator("#answer-form").count():
        while answer_visible(page):
            if not javascript:  # follow-ups appear after «Spara»
                save(page)
        with page.expect_navigation():
            page.locator("button[value=next]").click()
    assert page.locator("h1").inner_text() == "Granska och skicka in"
    assert "Måste besvaras" not in page.content()


def save(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Spara", exact=True).click()


def submit_and_check_receipt(page: Any) -> None:
    page.get_by_role("button", name="Skicka in svaren").click()
    page.wait_for_selector("h1:has-text('Svaren är inskickade')")
    assert "Anna Andersson <anna@example.se>" in page.locator(".receipt").inner_text()


def test_whole_questionnaire_with_javascript(app: Flask, live_server: LiveServer, page: Any) -> None:
    invited = open_round(app)
    start(page, live_server, invited)
    answer_whole_questionnaire(page, javascript=True)
    assert_accessible(page, "review")
    page.get_by_role("button", name="Skicka in svaren").dblclick()  # submits once
    page.wait_for_selector("h1:has-text('Svaren är inskickade')")
    assert "Anna Andersson <anna@example.se>" in page.locator(".receipt").inner_text()
    assert_accessible(page, "receipt")
    db.session.expire_all()
    assert db.session.scalar(select(Response.status)) == "submitted"
    assert db.session.scalar(select(func.count()).select_from(AnswerHistory)
                             .where(AnswerHistory.answer_id == "_status")) == 0
    page.get_by_role("link", name="Visa svaren som en sida att skriva ut").click()
    assert "Mer tid för analys" in page.content()
    with page.expect_download() as download:
        page.goto(live_server.url + invited.url(path="/kvitto"))
        page.get_by_role("link", name="Ladda ner svaren som Excelfil (xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    answered = db.session.scalar(select(func.count()).select_from(Answer).where(Answer.value.is_not(None)))
    assert answered >= 60


def test_whole_questionnaire_without_javascript(app: Flask, live_server: LiveServer, no_js_page: Any) -> None:
    invited = open_round(app)
    start(no_js_page, live_server, invited)
    answer_whole_questionnaire(no_js_page, javascript=False)
    submit_and_check_receipt(no_js_page)


def test_keyboard_only_run_completes_the_questionnaire(app: Flask, live_server: LiveServer, page: Any) -> None:
    invited = open_round(app)
    page.goto(live_server.url + invited.url())
    page.keyboard.press("Tab")  # the skip link
    for text in ("Tab", "Tab"):
        page.keyboard.press(text)
        if page.evaluate("document.activeElement.id") == "namn":
            break
    page.keyboard.type("Anna Andersson")
    page.keyboard.press("Tab")
    page.keyboard.type("anna@example.se")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Uppföljning av regionernas')")
    for _ in range(3000):
        focused = page.evaluate("""() => { const e = document.activeElement;
            return [e.tagName, e.type || '', e.name || '', e.value || '', e.textContent.trim(),
                    e.type === 'radio' ? !!document.querySelector(`input[name="${e.name}"]:checked`) : false]; }""")
        tag, kind, name, value, text, group_done = focused
        if page.locator("h1").inner_text() == "Svaren är inskickade":
            break
        if kind == "radio" and not group_done:
            page.keyboard.press("Space")
        elif tag == "A" and text in ("Börja svara", "Fortsätt svara") or tag == "BUTTON" and text in (
                "Spara och gå vidare", "Spara och granska", "Skicka in svaren"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            continue
        page.keyboard.press("Tab")
    assert page.locator("h1").inner_text() == "Svaren är inskickade"


def test_follow_ups_appear_and_disappear(app: Flask, live_server: LiveServer, page: Any) -> None:
    invited = open_round(app)
    start(page, live_server, invited)
    page.goto(live_server.url + invited.url(path="/avsnitt/kompetens"))
    assert_accessible(page, "section empty")
    follow_up = page.locator("#block-q03a_leg")
    chain = page.locator("#block-q03b_leg")
    assert follow_up.is_hidden()
    page.check("#q03_leg-ja")
    assert follow_up.is_visible() and chain.is_hidden()
    page.check("#q03a_leg-ja")
    assert chain.is_visible()
    page.check("#q03_leg-nej")
    assert follow_up.is_hidden() and chain.is_hidden()
    page.check("#q03_leg-ja")  # switching back restores what was chosen
    assert page.is_checked("#q03a_leg-ja") and chain.is_visible()


def test_follow_ups_after_save_without_javascript(app: Flask, live_server: LiveServer, no_js_page: Any) -> None:
    invited = open_round(app)
    start(no_js_page, live_server, invited)
    no_js_page.goto(live_server.url + invited.url(path="/avsnitt/ansvar"))
    assert no_js_page.locator("#block-q02a").is_hidden()
    no_js_page.check("#q02-ja")
    save(no_js_page)
    assert no_js_page.locator("#block-q02a").is_visible()
    assert "Dina svar är sparade" in no_js_page.content()


def test_errors_are_summarised_and_accessible(app: Flask, live_server: LiveServer, page: Any) -> None:
    invited = open_round(app)
    start(page, live_server, invited)
    page.goto(live_server.url + invited.url(path="/avsnitt/handlingsplan"))
    page.fill("#q01_kommentar", "x" * 2001)
    assert "1 tecken för mycket" in page.locator("#count-q01_kommentar").inner_text()
    save(page)
    summary = page.locator(".error-summary")
    assert summary.is_visible() and page.evaluate("document.activeElement.dataset.errorSummary") == ""
    assert_accessible(page, "section with errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "q01_kommentar"


def test_restore_after_expired_session(app: Flask, live_server: LiveServer, page: Any) -> None:
    invited = open_round(app)
    start(page, live_server, invited)
    page.goto(live_server.url + invited.url(path="/avsnitt/handlingsplan"))
    page.check("#q01-ja")
    page.fill("#q01_kommentar", "Skrivet innan sessionen gick ut")
    page.context.clear_cookies()
    save(page)
    assert "inte kunde sparas ännu" in page.content()
    assert page.is_checked("#q01-ja")
    assert page.input_value("#q01_kommentar") == "Skrivet innan sessionen gick ut"
    page.fill("#namn", "Anna Andersson")
    page.fill("#epost", "anna@example.se")
    save(page)
    assert "Dina svar är sparade" in page.content()
    db.session.expire_all()
    assert db.session.scalar(select(Answer.value).where(Answer.answer_id == "q01_kommentar")) == \
        "Skrivet innan sessionen gick ut"


def test_conflict_between_two_people_is_resolved(app: Flask, live_server: LiveServer, page: Any,
                                                browser: Any) -> None:
    invited = open_round(app)
    other = browser.new_context(locale="sv-SE").new_page()
    start(page, live_server, invited)
    start(other, live_server, invited, "Bo Berg", "bo@example.se")
    section = live_server.url + invited.url(path="/avsnitt/ansvar")
    page.goto(section)
    other.goto(section)
    other.check("#q02-nej")
    save(other)
    page.check("#q02-ja")
    save(page)
    assert "Bo Berg" in page.locator(".conflict").inner_text()
    assert_accessible(page, "conflict")
    page.check("#c__q02-mine")
    save(page)
    assert "Dina svar är sparade" in page.content()
    db.session.expire_all()
    assert db.session.scalar(select(Answer.value).where(Answer.answer_id == "q02")) == "ja"
    other.context.close()


def test_autosave_keeps_typing_on_the_server(app: Flask, live_server: LiveServer, page: Any) -> None:
    invited = open_round(app)
    start(page, live_server, invited)
    page.goto(live_server.url + invited.url(path="/avsnitt/exempel"))
    page.fill("#q22", "Sparas medan jag skriver")
    page.wait_for_selector("[data-autosave-status]:has-text('sparades automatiskt')", timeout=8000)
    db.session.expire_all()
    assert db.session.scalar(select(Answer.value).where(Answer.answer_id == "q22")) == "Sparas medan jag skriver"
    page.reload()
    assert page.input_value("#q22") == "Sparas medan jag skriver"


def test_session_warning_offers_to_extend(app: Flask, live_server: LiveServer, page: Any) -> None:
    app.config["RESPOND_IDLE_MINUTES"] = 1
    app.config["RESPOND_WARN_SECONDS"] = 58  # the warning comes after two seconds
    invited = open_round(app)
    start(page, live_server, invited)
    page.goto(live_server.url + invited.url(path="/avsnitt/ansvar"))
    warning = page.locator("#timeout-warning")
    warning.wait_for(state="visible", timeout=8000)
    assert_accessible(page, "timeout warning")
    warning.get_by_role("button", name="Fortsätt svara").click()
    warning.wait_for(state="hidden")


def test_closed_not_yet_open_and_invalid_pages_are_accessible(app: Flask, live_server: LiveServer, page: Any) -> None:
    today = date.today()
    closed = open_round(app, codes=REGION, opens=today - timedelta(days=9), closes=today - timedelta(days=1))
    soon = open_round(app, codes="03", opens=today + timedelta(days=2), closes=today + timedelta(days=20))
    page.goto(live_server.url + closed.url())
    assert "Enkäten är stängd" in page.content()
    assert_accessible(page, "closed")
    page.goto(live_server.url + soon.url("03"))
    assert "har inte öppnat" in page.content()
    assert_accessible(page, "not yet open")
    page.goto(live_server.url + "/svar/" + "x" * 43)
    assert "Länken fungerar inte" in page.content()
    assert_accessible(page, "invalid link")


def test_reflow_at_320_pixels(app: Flask, live_server: LiveServer, page: Any) -> None:
    invited = open_round(app)
    start(page, live_server, invited)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + invited.url(path="/avsnitt/kompetens"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
