"""Small actions for the staff tests: staff accounts, signing in, CSRF-carrying posts, rounds, answers.

The fixtures built on them (``admin_client``, ``analyst_client``, ``kommun_round`` …) are in
``tests/conftest.py``. CSRF stays on in these tests: ``post`` reads the token from a page, as a
browser would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import current_app, g, has_app_context
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from survey.db import Response, Round, StaffUser
from survey.demo.filling import minimal_answers
from survey.formatting import today
from survey.responses.answers import response_for, save_answers, submit
from survey.rounds.lifecycle import create_round, latest_version, organisations_for, questionnaire_of
from survey.staff.accounts import create_staff_user
from survey.web.extensions import db

PASSWORD = "rätt häst batteri 2025"
ADMIN, ANALYST = "admin@socialstyrelsen.se", "analytiker@socialstyrelsen.se"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
CODES = ("0180", "1480", "0114")  # Stockholm, Göteborg, Upplands Väsby


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share ``g``.

    The ``app`` fixture keeps an app context pushed for the whole test, and a request reuses
    a pushed app context, so ``g`` would outlive a request: Flask-Login's cached user and
    Flask-WTF's CSRF token would leak from one request (and one client) to the next. In
    production every request has its own app context; this makes the tests behave so.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        if has_app_context():
            vars(g).clear()
        return super().open(*args, **kwargs)


def make_staff(email: str, role: str, name: str = "") -> StaffUser:
    user = create_staff_user(db.session, email, PASSWORD, role, name or email.split("@")[0].title())
    db.session.commit()
    return user


def csrf_token(client: FlaskClient, path: str = "/admin/logga-in") -> str:
    page = client.get(path, follow_redirects=True)
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def post(client: FlaskClient, path: str, data: Mapping[str, Any] | None = None,
         token_from: str = "/admin/konto/losenord", **kwargs: Any) -> TestResponse:
    """POST with the CSRF token a page of the signed-in user carries."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, token_from)}, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD, next_: str = "") -> TestResponse:
    return client.post("/admin/logga-in", data={"email": email, "password": password, "next": next_,
                                               "csrf_token": csrf_token(client)})


def new_round(codes: str = ",".join(CODES), state: str = "open", questionnaire: str = "kommuner-2025",
              opens_in: int = -5, closes_in: int = 20, name: str = "Kommuner 2025") -> Round:
    version = latest_version(db.session, questionnaire)
    round_ = create_round(db.session, version, organisations_for(db.session, codes),
                          today() + timedelta(days=opens_in), today() + timedelta(days=closes_in), name,
                          secret=current_app.config["SECRET_KEY"])
    round_.state = state
    db.session.commit()
    return round_


def answer(round_: Round, code: str, values: Mapping[str, Any], actor: str = "svarare@kommun.se",
           submit_it: bool = False) -> Response:
    """Answer as the organisation would through its link (the respondent service)."""
    member = next(m for m in round_.members if m.organisation.code == code)
    response = response_for(db.session, round_, member.organisation)
    save_answers(db.session, response, dict(values), None, actor, "respondent")
    if submit_it:
        assert submit(db.session, response, questionnaire_of(round_), actor)
    db.session.commit()
    return response


def first_answer_ids(round_: Round, count: int = 2) -> list[tuple[str, str]]:
    """(answer id, a valid value) for the first few choice fields without conditions."""
    q = questionnaire_of(round_)
    found = [(f.id, f.codes[0].code) for f in q.fields if f.codes and f.condition is None
             and f.gate is None and f.type.value != "multiple"]
    return found[:count]


def complete_answers(round_: Round) -> dict[str, Any]:
    """Values for every required field that applies, filled in order (a full response)."""
    return minimal_answers(questionnaire_of(round_))
