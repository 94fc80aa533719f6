"""axe on every HTML page the app has: each GET route of ``app.url_map`` is opened in chromium
as the visitor it is for (staff signed in, a respondent identified through its link, an
organisation through its reflection link, anyone for the public pages), with the demo's full
2025 round published beside an open round that has answers, contacts and an import job.

New routes are covered without touching this file; a route that gives no HTML page (a file,
JSON, a redirect to another page) is named in ``NOT_PAGES`` with the reason, so nothing is
skipped silently.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.browser import LiveServer, assert_accessible, staff_login

pytestmark = pytest.mark.browser

NOT_PAGES = {  # endpoint → why axe has no page to check there
    "static": "style sheets and scripts", "public.favicon": "the icon", "health.healthz": "the load balancer's check",
    "admin.session_status": "JSON for the idle warning", "results.import_status_json": "JSON for the job's progress",
}
FILE_SUFFIXES = (".xlsx", ".csv", ".pptx", ".json", ".<fmt>", ".<path:suffix>")  # downloads: checked as files


def _identify(page: Any, base: str, token: str) -> None:
    page.goto(f"{base}/svar/{token}/vem")
    page.fill("#namn", "Anna Andersson")
    page.fill("#epost", "anna@example.se")
    with page.expect_navigation():
        page.get_by_role("button", name="Fortsätt").click()


def _world(app: Flask, base: str) -> dict[str, Any]:
    from sqlalchemy import select

    from survey.db import Organisation
    from survey.demo.data_2024 import DEMO_REGION, ensure_demo_reflection
    from survey.demo.data_2025 import ensure_demo_2025
    from survey.mail.contacts import save_contact
    from survey.responses.transfer import queue_import
    from survey.rounds.lifecycle import round_links
    from survey.web.extensions import db
    from tests.staff_helpers import ADMIN, answer, complete_answers, make_staff, new_round

    admin = make_staff(ADMIN, "admin", "Astrid Admin")
    demo = ensure_demo_2025(db.session, app.config["SECRET_KEY"])
    db.session.commit()
    ensure_demo_reflection(db.session, app.config["SECRET_KEY"], base)
    db.session.commit()
    round_ = new_round("0180,1480,0114")
    answer(round_, "1480", complete_answers(round_), submit_it=True)
    stockholm = db.session.scalars(select(Organisation).where(Organisation.code == "0180")).one()
    save_contact(db.session, stockholm, "registrator@stockholm.se", "Eva Ek", "eva.ek@stockholm.se", "test")
    job = queue_import(db.session, round_, b"{}", "svar.json", ADMIN)
    db.session.commit()
    tokens = {link.code: link.url.rsplit("/", 1)[-1] for link in round_links(round_, app.config["SECRET_KEY"], "x")}
    reflect = {link.code: link.url.rsplit("/", 1)[-1] for link in round_links(demo, app.config["SECRET_KEY"], "x")}
    return {"round_id": round_.id, "code": "0180", "user_id": admin.id, "kind": "invitation", "suffix": "sav",
            "fmt": "xlsx",
            "draft_token": tokens["0180"], "submitted_token": tokens["1480"], "reflect_token": reflect[DEMO_REGION],
            "section_id": _first_section(round_), "version_id": round_.questionnaire_version_id,
            "job_id": job.id, "results_round": demo.id}


def _first_section(round_: Any) -> str:
    from survey.rounds.lifecycle import questionnaire_of

    return str(questionnaire_of(round_).sections[0].id)


def _url(app: Flask, rule: Rule, world: dict[str, Any]) -> str:
    values = dict(world)
    if rule.endpoint.startswith("reflect."):
        values["token"] = world["reflect_token"]
    if rule.endpoint.startswith(("results.", "themes.")) and rule.endpoint != "results.import_status":
        values["round_id"] = world["results_round"]  # the demo's full-size, published round
    missing = [name for name in rule.arguments if name not in values]
    assert not missing, f"{rule.rule}: give tests/test_every_page_browser.py an example value for {missing}"
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, {name: values[name] for name in rule.arguments})


def _order(rule: Rule) -> tuple[bool, str]:
    """«Spara och fortsätt senare» ends the respondent's session: open it last."""
    return rule.endpoint == "respond.later", rule.rule


def test_every_page_has_no_axe_violations(app: Flask, live_server: LiveServer, page: Any) -> None:
    base = live_server.url
    world = _world(app, base)
    assert set(NOT_PAGES) <= {rule.endpoint for rule in app.url_map.iter_rules()}, "NOT_PAGES names a lost route"
    staff_login(page, base)
    checked, files = [], []
    rules = sorted((r for r in app.url_map.iter_rules() if "GET" in (r.methods or ()) and r.endpoint not in NOT_PAGES),
                   key=_order)
    for token in (world["draft_token"], world["submitted_token"]):  # a draft, then a submitted response
        _identify(page, base, token)
        world["token"] = token
        for rule in rules:
            if token == world["submitted_token"] and not rule.endpoint.startswith("respond."):
                continue
            url = _url(app, rule, world)
            if rule.rule.endswith(FILE_SUFFIXES):
                download = page.request.get(base + url)
                assert download.status == 200 and "text/html" not in download.headers["content-type"], url
                files.append(rule.endpoint)
                continue
            answer = page.goto(base + url)
            assert answer is not None and answer.status == 200, f"{url}: {answer.status if answer else 'nothing'}"
            assert "text/html" in answer.headers["content-type"], url
            assert page.locator("h1").count() == 1, url
            assert page.evaluate("document.documentElement.lang") == "sv", url
            state = "inskickat" if token == world["submitted_token"] else "utkast"
            assert_accessible(page, f"{rule.endpoint} ({state})")
            checked.append(rule.endpoint)
    assert len(set(checked)) >= 45 and len(set(files)) >= 10, (sorted(set(checked)), sorted(set(files)))
