"""The world the fuzz tests request things in (``tests/test_post_fuzz.py`` posts bodies,
``tests/test_route_fuzz.py`` hostile addresses and methods): an open round to answer, a
closed and published one to reflect on, a respondent, staff; clients in each role; and the
checks after a refusal (a digest of the tables, no stored control characters).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import Rule

from survey.db import AccessLink, Respondent, Round, StaffUser, ThrottleState
from survey.reflection import publish
from survey.rounds.lifecycle import questionnaire_of, round_links
from survey.staff.sessions import start_session
from survey.text import has_unwanted
from survey.web.extensions import db
from tests.helpers import TEST_SECRET, make_app
from tests.staff_helpers import IsolatedClient, answer, complete_answers, make_staff, new_round

# Written on purpose when a request is refused (the audit of a failed login, the throttle) or
# touched by any request (a staff session's last activity); the rest must stay as it was.
REFUSAL_MAY_WRITE = {"audit_event", "throttle_state", "staff_session"}
SEED_TABLES = {"organisation", "questionnaire_version", "alembic_version"}
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ATTR = re.compile(r'([a-z-]+)="([^"]*)"')
CONTROL = re.compile(r'<(input|textarea|select|button)\b([^>]*)>', re.S)


@dataclass
class World:
    app: Flask
    values: dict[str, Any]
    published: dict[str, Any]
    member_id: int
    respondent: tuple[int, str, str]
    staff: dict[str, int]
    fields: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # endpoint → name → seen values
    files: dict[str, set[str]] = field(default_factory=dict)


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    """An open round to answer, and a small closed and published one to reflect on and tag."""
    app = make_app(database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        round_ = new_round("0180,1480", questionnaire="kommuner-2025")
        done = new_round("0114,0115", questionnaire="kommuner-2025", name="Publicerad")
        for code in ("0114", "0115"):
            answer(done, code, {**complete_answers(done), **_free_texts(done)}, submit_it=True)
        done.state = "closed"
        publish(db.session, done, "test")
        links = {link.code: link.url.rsplit("/", 1)[-1] for link in round_links(round_, TEST_SECRET, "x")}
        done_links = {link.code: link.url.rsplit("/", 1)[-1] for link in round_links(done, TEST_SECRET, "x")}
        member = next(m for m in round_.members if m.organisation.code == "0180")
        person = Respondent(round_organisation_id=member.id, name="Anna Svarare", email="anna@kommun.se")
        db.session.add(person)
        analyst, admin = make_staff("analytiker@socialstyrelsen.se", "analyst"), make_staff(
            "admin@socialstyrelsen.se", "admin")
        db.session.commit()
        common = {"code": "0180", "user_id": analyst.id, "session_id": 1, "action": "close",
                  "kind": "invitation", "fmt": "csv", "filename": "css/admin.css", "version_id": 1, "job_id": 1,
                  "suffix": "sav"}
        found = World(app, {**common, "round_id": round_.id, "token": links["0180"],
                            "section_id": questionnaire_of(round_).sections[0].id},
                      {**common, "round_id": done.id, "token": done_links["0114"], "code": "0114"},
                      member.id, (person.id, person.name, person.email), {"analyst": analyst.id, "admin": admin.id})
        discover_fields(found)
        yield found
        db.session.remove()
        db.engine.dispose()


def _free_texts(round_: Round) -> dict[str, str]:
    q = questionnaire_of(round_)
    return {f.id: "Vi arbetar med det." for f in q.fields if f.type.value == "text" and f.gate is None
            and f.condition is None}


def url_of(world: World, rule: Rule) -> str:
    values = world.published if rule.endpoint.split(".")[0] in ("themes", "reflect") else world.values
    with world.app.test_request_context():
        return world.app.url_map.bind("localhost").build(rule.endpoint, {k: values[k] for k in rule.arguments})


def reset(world: World) -> None:
    """Undo what earlier examples may have done to the visitors: a closed round, a replaced
    link, a disabled user, a throttle that now blocks the test client's address."""
    db.session.execute(sa.update(Round).where(Round.id == world.values["round_id"]).values(state="open"))
    db.session.execute(sa.update(AccessLink).values(revoked_at=None))
    db.session.execute(sa.update(StaffUser).values(active=True))
    db.session.execute(sa.delete(ThrottleState))
    db.session.commit()
    world.app.extensions.pop("respond_blocked", None)


def client_for(world: World, role: str) -> tuple[FlaskClient, str]:
    """A client in ``role`` with a fresh session, and that session's valid CSRF token."""
    client = world.app.test_client()
    raw = hashlib.sha1(secrets.token_bytes(16)).hexdigest()
    staff_token = None
    if role in world.staff:
        staff_token, _ = start_session(db.session, db.session.get_one(StaffUser, world.staff[role]))
        db.session.commit()
    with client.session_transaction() as session:
        session["csrf_token"] = raw
        if staff_token:
            session["_user_id"], session["_fresh"] = staff_token, True
        if role == "respondent":
            session["respond"] = {str(world.member_id): [*world.respondent, int(time.time())]}
    return client, URLSafeTimedSerializer(TEST_SECRET, salt="wtf-csrf-token").dumps(raw)


def discover_fields(world: World) -> None:
    """Every form on every GET page (as a respondent and as an admin): its action's fields."""
    adapter = world.app.url_map.bind("localhost")
    for role in ("respondent", "admin"):
        for rule in world.app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
                continue
            url = url_of(world, rule)
            page = client_for(world, role)[0].get(url)  # a fresh client: «later» forgets the person
            if page.mimetype == "text/html":
                _read_forms(world, adapter, page.get_data(as_text=True), url)


def _read_forms(world: World, adapter: Any, html: str, url: str) -> None:
    for attrs, body in FORM.findall(html):
        found = dict(ATTR.findall(attrs))
        if found.get("method", "get").lower() != "post":
            continue
        for target in (found.get("action", url), found.get("data-autosave-url")):
            if not target:
                continue
            try:
                endpoint, _ = adapter.match(target.split("?")[0].split("#")[0], method="POST")
            except Exception:  # a GET form (filters) or another site
                continue
            fields = world.fields.setdefault(endpoint, {})
            for _tag, control in CONTROL.findall(body):
                control_attrs = dict(ATTR.findall(control))
                if "name" in control_attrs:
                    fields.setdefault(control_attrs["name"], []).append(control_attrs.get("value", ""))
                    if control_attrs.get("type") == "file":
                        world.files.setdefault(endpoint, set()).add(control_attrs["name"])


def snapshot() -> dict[str, str]:
    """A digest of every table a refusal must leave alone."""
    digests = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in REFUSAL_MAY_WRITE | SEED_TABLES:
                continue
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def unclean_texts() -> list[str]:
    """Every stored text with a control character (JSON columns as their serialised text)."""
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in SEED_TABLES:
                continue
            for row in connection.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
                    if isinstance(text, str) and has_unwanted(text):
                        found.append(f"{table.name}.{column}: {text[:80]!r}")
    return found
