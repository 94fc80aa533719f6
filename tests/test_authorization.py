"""Who may reach what: every route of the app, for five kinds of visitor.

The routes come from ``app.url_map``, so a new route is tested the day it is added, and a
route nobody classified fails ``test_every_route_is_classified``. A route is classified by
(in order): the explicit tables below; a respondent or reflection route that carries the
organisation's ``token``; a view decorated with ``staff_required`` (which marks it). The
visitors: anonymous, the respondent of organisation A (who has opened A's link), the
respondent of organisation B, an analyst and an administrator.

CSRF is off in the matrix app so that a refusal here is the authorization's, not the CSRF
check's; ``test_every_staff_post_needs_csrf`` proves the check separately.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from survey.db import Answer, Response, Round, StaffSession
from survey.rounds.lifecycle import questionnaire_of, round_links
from survey.staff.sessions import start_session
from survey.web.extensions import db
from tests.helpers import TEST_SECRET, make_app
from tests.staff_helpers import IsolatedClient, answer, first_answer_ids, make_staff, new_round

PUBLIC, STAFF, ADMIN, RESPONDENT = "public", "staff", "admin", "respondent"
VISITORS = ("anonymous", "respondent_a", "respondent_b", "analyst", "admin")
# Routes open to everyone.
PUBLIC_ENDPOINTS = {"static", "health.healthz", "admin.login", "public.start", "public.accessibility",
                    "public.privacy", "public.contact", "public.favicon"}
# The staff blueprint, route by route: a view that loses its decorator fails here.
ADMIN_BLUEPRINT = {
    "admin.users": ADMIN, "admin.user_new": ADMIN, "admin.user_edit": ADMIN,
    "admin.user_password": ADMIN, "admin.user_end_sessions": ADMIN, "admin.session_end": ADMIN,
    **{endpoint: STAFF for endpoint in (
        "admin.index", "admin.logout", "admin.session_status", "admin.session_extend",
        "admin.change_password", "admin.round_new", "admin.round_detail", "admin.round_edit",
        "admin.round_state_change", "admin.round_close_confirm", "admin.round_questionnaire", "admin.round_extend",
        "admin.round_events_page", "admin.progress", "admin.progress_xlsx", "admin.member",
        "admin.member_extend", "admin.member_link", "admin.response_view", "admin.response_reopen",
        "admin.response_history", "admin.response_entry", "admin.response_submit", "admin.mailings",
        "admin.mail_template", "admin.mail_send", "admin.mail_retry", "admin.merge_list", "admin.contacts",
        "admin.contact_edit", "admin.contacts_import", "admin.questionnaires", "admin.questionnaire_upload",
        "admin.questionnaire_version", "admin.questionnaire_attach", "admin.questionnaire_xlsform",
        "admin.questionnaire_changes_csv", "admin.questionnaire_branches", "admin.questionnaire_preview")},
}
TOKEN_BLUEPRINTS = ("respond", "reflect")


def classify(app: Flask, rule: Rule) -> str | None:
    if rule.endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC
    if rule.endpoint.startswith("admin."):
        return ADMIN_BLUEPRINT.get(rule.endpoint)
    if rule.endpoint.split(".")[0] in TOKEN_BLUEPRINTS:
        return RESPONDENT if "token" in rule.arguments else None
    marked = getattr(app.view_functions[rule.endpoint], "staff_role", None)
    return {"staff": STAFF, "admin": ADMIN}.get(marked or "")


@dataclass
class World:
    app: Flask
    round_id: int
    other_round_id: int
    code_a: str
    code_b: str
    code_elsewhere: str  # an organisation in the other round only
    token_a: str
    token_b: str
    response_b: int
    analyst_id: int
    admin_id: int
    section_id: str


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    app = make_app(database_url, WTF_CSRF_ENABLED=False)
    app.test_client_class = IsolatedClient
    with app.app_context():
        round_ = new_round("0180,1480")
        other = new_round("0114", name="Annan runda")
        links = {link.code: link.url.rsplit("/", 1)[-1] for link in round_links(round_, TEST_SECRET, "x")}
        response_b = answer(round_, "1480", dict(first_answer_ids(round_, 1)))
        analyst = make_staff("analytiker@socialstyrelsen.se", "analyst")
        admin = make_staff("admin@socialstyrelsen.se", "admin")
        yield World(app, round_.id, other.id, "0180", "1480", "0114", links["0180"], links["1480"],
                    response_b.id, analyst.id, admin.id, questionnaire_of(round_).sections[0].id)
        db.session.remove()
        db.engine.dispose()


def visitor(world: World, who: str) -> FlaskClient:
    """A client for ``who``; staff get a brand-new server-side session each time, so one
    request that logs out or ends sessions cannot spoil the next."""
    client = world.app.test_client()
    if who in ("analyst", "admin"):
        user_id = world.analyst_id if who == "analyst" else world.admin_id
        from survey.db import StaffUser

        token, _ = start_session(db.session, db.session.get_one(StaffUser, user_id))
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = token, True
    elif who.startswith("respondent"):
        client.get(f"/svar/{world.token_a if who == 'respondent_a' else world.token_b}")
    return client


def url_for_rule(world: World, rule: Rule, who: str) -> str:
    token = world.token_b if who == "respondent_b" else world.token_a
    values: dict[str, Any] = {
        "round_id": world.round_id, "code": world.code_a, "user_id": world.analyst_id,
        "session_id": 1, "action": "close", "kind": "invitation", "fmt": "csv", "token": token,
        "section_id": world.section_id, "filename": "css/admin.css", "suffix": "sav", "version_id": 1,
        "job_id": 1,
    }
    missing = [name for name in rule.arguments if name not in values]
    assert not missing, f"{rule.rule}: add an example value for {missing} to url_for_rule"
    with world.app.test_request_context():
        adapter = world.app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments})


def routes(app: Flask) -> list[tuple[Rule, str]]:
    pairs = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            pairs.append((rule, method))
    return sorted(pairs, key=lambda pair: (pair[0].rule, pair[1]))


def test_every_route_is_classified(world: World) -> None:
    unclassified = [rule.rule for rule in world.app.url_map.iter_rules() if classify(world.app, rule) is None]
    assert not unclassified, ("classify these routes in tests/test_authorization.py (or protect them "
                              f"with staff_required / put the token in the URL): {unclassified}")


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and "/admin/logga-in" in response.location


def check(world: World, rule: Rule, method: str, who: str) -> str | None:
    """None when the visitor got what the route's class promises, else what went wrong."""
    kind = classify(world.app, rule)
    url = url_for_rule(world, rule, who)
    client = visitor(world, who)
    response = client.open(url, method=method, data={})
    response.close()
    status = response.status_code
    if status >= 500:
        return f"{status}"
    staff = who in ("analyst", "admin")
    if kind == PUBLIC:
        return None if status not in (401, 403) else f"{status} on a public route"
    if kind in (STAFF, ADMIN) and not staff:
        expected_401 = rule.endpoint == "admin.session_status"
        ok = status == 401 if expected_401 else _to_login(response)
        return None if ok else f"{status} {response.location or ''}: should require login"
    if kind == ADMIN and who == "analyst":
        return None if status == 403 else f"{status}: analysts must get 403"
    if kind in (STAFF, ADMIN):
        refused = status in (401, 403) or (_to_login(response) and rule.endpoint != "admin.logout")
        return f"{status}: staff refused" if refused else None
    if kind == RESPONDENT:
        return _check_respondent(world, response, who)
    return f"unclassified ({kind})"


def _check_respondent(world: World, response: Any, who: str) -> str | None:
    """A token opens its own organisation only; B's pages never show A's name, and back.

    (401 is allowed: a JSON endpoint may ask an unidentified visitor who they are.)"""
    if response.status_code == 403:
        return "403: the link's own organisation was refused"
    names = {"0180": "Stockholm", "1480": "Göteborg"}
    other = names[world.code_a] if who == "respondent_b" else names[world.code_b]
    return f"shows {other}" if other.encode() in response.get_data() else None


@pytest.mark.parametrize("who", VISITORS)
def test_matrix(world: World, who: str) -> None:
    problems = []
    for rule, method in routes(world.app):
        problem = check(world, rule, method, who)
        if problem:
            problems.append(f"{method} {rule.rule} ({classify(world.app, rule)}): {problem}")
    assert not problems, f"{who}:\n" + "\n".join(problems)


def test_a_wrong_token_opens_nothing(world: World) -> None:
    client = world.app.test_client()
    for rule, method in routes(world.app):
        if classify(world.app, rule) != RESPONDENT:
            continue
        url = url_for_rule(world, rule, "anonymous").replace(world.token_a, "A" * 43)
        status = client.open(url, method=method, data={}, follow_redirects=True).status_code
        assert status in (404, 429), f"{method} {url}: {status}"


def test_staff_urls_with_an_organisation_of_another_round_are_404(world: World) -> None:
    client = visitor(world, "admin")
    base = f"/admin/rundor/{world.round_id}/org/{world.code_elsewhere}"
    for path in ("", "/svar", "/historik", "/registrera"):
        assert client.get(base + path).status_code == 404, path
    for path in ("/forlang", "/ny-lank", "/svar/oppna", "/registrera/skicka-in"):
        assert client.post(base + path, data={"until": "2099-01-01", "reason": "x"}).status_code == 404, path
    assert client.get("/admin/rundor/999999").status_code == 404
    assert client.get(f"/admin/rundor/{world.round_id}/org/9999").status_code == 404


def test_respondent_posts_cannot_reach_another_organisation(world: World) -> None:
    """Form fields naming B's round, organisation or response change nothing of B's."""
    def snapshot() -> tuple[Any, ...]:
        db.session.expire_all()
        response = db.session.get_one(Response, world.response_b)
        answers = db.session.execute(select(Answer.answer_id, Answer.value, Answer.version)
                                     .where(Answer.response_id == response.id).order_by(Answer.answer_id)).all()
        return response.status, response.version, tuple(answers)

    before = snapshot()
    client = visitor(world, "respondent_a")
    tampering = {"round_id": world.other_round_id, "organisation_id": world.code_b, "response_id": world.response_b,
                 "code": world.code_b, "token": world.token_b, "version": 1}
    ids = first_answer_ids(db.session.get_one(Round, world.round_id), 2)
    tampering.update({answer_id: value for answer_id, value in ids})
    for rule, method in routes(world.app):
        if classify(world.app, rule) == RESPONDENT and method == "POST":
            client.post(url_for_rule(world, rule, "respondent_a"), data=tampering)
    assert snapshot() == before


def test_every_staff_post_needs_csrf(database_url: str) -> None:
    app = make_app(database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        admin = make_staff("admin@socialstyrelsen.se", "admin")
        new_round("0180")
        token, _ = start_session(db.session, admin)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
        for rule, method in routes(app):
            if method == "POST" and rule.endpoint.startswith("admin."):
                world_values = {"round_id": 1, "code": "0180", "user_id": admin.id, "session_id": 1,
                                "action": "close", "kind": "invitation", "version_id": 1, "section_id": "plan"}
                url = app.url_map.bind("localhost").build(
                    rule.endpoint, {k: world_values[k] for k in rule.arguments})
                assert client.post(url, data={}).status_code == 400, url
        assert db.session.scalar(select(StaffSession.ended_at)) is None
        db.session.remove()
        db.engine.dispose()
