"""Respondent flows in chromium (issue 11): without JavaScript «Spara och gå vidare» stays
on a page whose answer made a follow-up due; a change posted after submission is shown back,
not lost; axe on every page state these add."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.browser import LiveServer, assert_accessible, staff_login
from tests.respond_helpers import Invited, open_round

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def start(page: Any, server: LiveServer, invited: Invited, path: str = "") -> None:
    page.goto(server.url + invited.url(path="/vem"))
    page.fill("#namn", "Anna Andersson")
    page.fill("#epost", "anna@example.se")
    with page.expect_navigation():
        page.get_by_role("button", name="Fortsätt").click()
    if path:
        page.goto(server.url + invited.url(path=path))


def assert_accessible_without_js(browser: Any, page: Any, context: str) -> None:
    """axe on the page a no-JavaScript context shows (axe itself needs script: its promises
    never settle with JavaScript off), loaded with the same cookies in a scripted context."""
    scripted = browser.new_context(storage_state=page.context.storage_state(), locale="sv-SE")
    try:
        copy = scripted.new_page()
        copy.goto(page.url)
        assert_accessible(copy, context)
    finally:
        scripted.close()


def next_(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Spara och gå vidare").click()


def test_without_javascript_a_new_follow_up_keeps_the_page(app: Flask, live_server: LiveServer,
                                                           browser: Any, no_js_page: Any) -> None:
    page = no_js_page
    invited = open_round(app)
    start(page, live_server, invited, "/avsnitt/handlingsplan")
    assert page.locator("#block-q01a").is_hidden()
    page.check("#q01-ja")
    next_(page)
    assert "/avsnitt/handlingsplan" in page.url
    assert page.locator("#block-q01a").is_visible()
    page.locator("#q01a-politisk:focus").wait_for()  # autofocus, no script needed
    notice = page.locator(".notice-success").inner_text()
    assert "följdfrågan fråga 1a ska besvaras" in notice
    assert_accessible_without_js(browser, page, "follow-up due without JavaScript")
    page.check("#q01a-politisk")
    next_(page)  # answered: now it goes on
    assert "/avsnitt/ansvar" in page.url


def test_without_javascript_a_staff_groups_follow_up_keeps_the_page(app: Flask, live_server: LiveServer,
                                                                    no_js_page: Any) -> None:
    page = no_js_page
    invited = open_round(app)
    start(page, live_server, invited, "/avsnitt/kompetens")
    page.check("#q03_chef-ja")
    next_(page)
    assert "/avsnitt/kompetens" in page.url
    assert page.locator("#block-q03a_chef").is_visible()
    page.locator("#q03a_chef-ja:focus").wait_for()
    assert "fråga 3a (Verksamhetsnära chefer" in page.locator(".notice-success").inner_text()
    # Choosing «Nej» for another group makes nothing due: the page goes on as asked.
    page.check("#q03a_chef-nej")
    page.check("#q03_leg-nej")
    next_(page)
    assert "/avsnitt/kompetens" not in page.url


def test_a_change_posted_after_submission_is_shown_not_lost(app: Flask, live_server: LiveServer,
                                                            page: Any) -> None:
    from survey.responses.answers import response_for, save_answers, submit
    from survey.rounds.lifecycle import questionnaire_of
    from survey.web.extensions import db
    from tests.respond_helpers import load_round
    from tests.staff_helpers import complete_answers

    invited = open_round(app)
    start(page, live_server, invited, "/avsnitt/handlingsplan")  # a tab opened before submitting
    round_ = load_round(invited.round_id)
    member = next(m for m in round_.members if m.organisation.code == "01")
    response = response_for(db.session, round_, member.organisation)
    save_answers(db.session, response, complete_answers(round_), None, "Bo Berg <bo@example.se>", "respondent")
    assert submit(db.session, response, questionnaire_of(round_), "Bo Berg <bo@example.se>")
    db.session.commit()
    page.fill("#q01_kommentar", "Beslut i regionstyrelsen i maj.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara", exact=True).click()
    assert page.locator("h1").inner_text() == "Ändringen sparades inte"
    text = page.locator("main").inner_text()
    assert "av Bo Berg <bo@example.se>" in text and "sparades inte" in text
    assert "Beslut i regionstyrelsen i maj." in page.locator(".unsaved").inner_text()
    assert_accessible(page, "change after submission")
    db.session.refresh(response)
    assert "q01_kommentar" not in {a.answer_id for a in response.answers if a.value}


def test_the_whole_questionnaire_prints_with_conditions_in_words(app: Flask, live_server: LiveServer,
                                                                  page: Any, tmp_path: Any) -> None:
    import subprocess

    invited = open_round(app)
    start(page, live_server, invited)
    page.get_by_role("link", name="Hela enkäten att läsa eller skriva ut").click()
    page.wait_for_selector("h1")
    text = page.locator("main").inner_text()
    assert ("Besvaras om ni svarat Ja eller «Nej, men beslut har fattats om att ta fram en handlingsplan» "
            "på fråga 1") in text
    assert "Besvaras för varje rad nedan där ni svarat Ja på fråga 3" in text
    assert "Politisk nivå" in text and "q01a" not in text
    assert_accessible(page, "whole questionnaire")
    pdf = tmp_path / "enkat.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.stat().st_size > 10_000
    # Each section starts a page; no matrix row is cut (break-inside: avoid).
    assert page.evaluate("getComputedStyle(document.querySelectorAll('.print-section')[1]).breakBefore") == "page"
    assert page.evaluate("getComputedStyle(document.querySelector('.print-matrix tr')).breakInside") == "avoid"
    if subprocess.run(["which", "pdftoppm"], capture_output=True).returncode == 0:
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "sida")],
                       check=True)
        assert len(list(tmp_path.glob("sida-*.png"))) == 3


def test_public_pages_are_accessible(app: Flask, live_server: LiveServer, page: Any) -> None:
    for path in ("/", "/tillganglighet", "/personuppgifter", "/kontakt"):
        page.goto(live_server.url + path)
        assert_accessible(page, path)


def test_staff_confirmations_events_and_layout(app: Flask, live_server: LiveServer, page: Any) -> None:
    from sqlalchemy import select

    from survey.db import Organisation
    from survey.mail.contacts import save_contact
    from survey.web.extensions import db
    from tests.staff_helpers import ADMIN, answer, complete_answers, make_staff, new_round

    make_staff(ADMIN, "admin", "Astrid Admin")
    round_ = new_round("0180,1480,0114")
    answer(round_, "1480", complete_answers(round_), submit_it=True)
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    save_contact(db.session, orgs["0180"], "registrator.for.halso.och.sjukvardsforvaltningen@stockholm.se",
                 "Eva Ek", "eva.ek.langt.namn.for.att.prova@stockholm.se", "test")
    db.session.commit()
    base = live_server.url
    staff_login(page, base)
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{base}/admin/rundor/{round_.id}/utskick")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka inbjudningar").click()
    assert "Inget är skickat ännu" in page.locator("main").inner_text()
    assert_accessible(page, "mailing confirmation")
    page.goto(f"{base}/admin/rundor/{round_.id}/stang")
    assert_accessible(page, "close confirmation")
    page.goto(f"{base}/admin/rundor/{round_.id}/handelser")
    assert_accessible(page, "events")
    page.goto(f"{base}/admin/rundor/{round_.id}/org/0180")
    overflow = page.evaluate("() => { const d = document.querySelector('dd.email');"
                             " return d.scrollWidth - d.clientWidth; }")
    assert overflow <= 0, "the recipient e-mail runs off the edge"
    page.goto(f"{base}/admin/")
    tag = page.locator("td .tag").first
    assert tag.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    box = tag.bounding_box()
    assert box is not None and box["height"] < 30  # one line
    assert_accessible(page, "rounds at 800 px")


def test_results_and_themes_pages_at_the_demos_full_size(app: Flask, live_server: LiveServer, page: Any) -> None:
    from survey.demo.data_2024 import ensure_demo_reflection
    from survey.demo.data_2025 import ensure_demo_2025
    from survey.web.extensions import db
    from tests.staff_helpers import ADMIN, make_staff

    make_staff(ADMIN, "admin", "Astrid Admin")
    round_ = ensure_demo_2025(db.session, app.config["SECRET_KEY"])
    db.session.commit()
    ensure_demo_reflection(db.session, app.config["SECRET_KEY"], live_server.url)
    db.session.commit()
    staff_login(page, live_server.url)
    page.goto(f"{live_server.url}/admin/resultat/{round_.id}")
    lift = page.locator("form[aria-labelledby=lift-title]")
    if lift.count():  # «Skäl» sits inside the form whose heading is «Häv frysningen»
        assert lift.get_by_label("Skäl").count() == 1
    assert_accessible(page, "results at full size")
    page.goto(f"{live_server.url}/admin/teman/{round_.id}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 16_500 / 2, f"the themes page is {height} px tall"
    assert "q01_kommentar" not in page.locator("main").inner_text()
    assert_accessible(page, "themes at full size")
    page.get_by_role("navigation", name="Frågor med fritextsvar").get_by_role("link").first.click()
    assert_accessible(page, "themes, another question")
