"""Small actions for the respondent tests: an open round, a link, a person, a section post."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, current_app
from flask.testing import FlaskClient

from survey.db import Round
from survey.formatting import today
from survey.rounds.lifecycle import active_link, create_round, latest_version, organisations_for
from survey.rounds.links import derive_token
from survey.web.extensions import db

REGION = "01"  # Region Stockholm
OTHER_REGION = "03"


@dataclass
class Invited:
    round_id: int
    tokens: dict[str, str]  # organisation code -> token

    def url(self, code: str = REGION, path: str = "") -> str:
        return f"/svar/{self.tokens[code]}{path}"


def open_round(app: Flask, codes: str = f"{REGION},{OTHER_REGION}", questionnaire: str = "regioner-2025",
               opens: date | None = None, closes: date | None = None, state: str = "open") -> Invited:
    today_ = today()
    version = latest_version(db.session, questionnaire)
    round_ = create_round(db.session, version, organisations_for(db.session, codes),
                          opens or today_ - timedelta(days=1), closes or today_ + timedelta(days=20),
                          secret=current_app.config["SECRET_KEY"])
    round_.state = state
    db.session.commit()
    secret = app.config["SECRET_KEY"]
    tokens = {}
    for member in round_.members:
        link = active_link(member)
        assert link is not None
        tokens[member.organisation.code] = derive_token(secret, link.nonce)
    return Invited(round_.id, tokens)


def identify(client: FlaskClient, invited: Invited, code: str = REGION, name: str = "Anna Andersson",
             email: str = "anna@example.se") -> None:
    page = client.get(invited.url(code, "/vem"))
    response = client.post(invited.url(code, "/vem"), data={
        "csrf_token": csrf_of(page.text), "namn": name, "epost": email, "nasta": ""})
    assert response.status_code == 303, response.text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def versions_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="v__([a-z0-9_]+)" value="(\d+)"', html))


def section_form(client: FlaskClient, invited: Invited, section: str, code: str = REGION) -> tuple[str, dict[str, str]]:
    """GET a section; return its CSRF token and the v__ fields as they were shown."""
    page = client.get(invited.url(code, f"/avsnitt/{section}"))
    assert page.status_code == 200, page.text[:500]
    return csrf_of(page.text), {f"v__{aid}": v for aid, v in versions_of(page.text).items()}


def post_section(client: FlaskClient, invited: Invited, section: str, answers: dict[str, object],
                 code: str = REGION, action: str = "save", **extra: object):  # type: ignore[no-untyped-def]
    csrf, versions = section_form(client, invited, section, code)
    data = {"csrf_token": csrf, "action": action, **versions, **answers, **extra}
    return client.post(invited.url(code, f"/avsnitt/{section}"), data=data)


def load_round(round_id: int) -> Round:
    found = db.session.get(Round, round_id)
    assert found is not None
    return found


def submit_through_link(client: FlaskClient, invited: Invited, code: str) -> str:
    """Identify, answer every unconditional choice «nej», review and submit: the receipt's address."""
    identify(client, invited, code)
    answer_everything_for(client, invited, code)
    review = client.get(invited.url(code, "/granska"))
    version = re.search(r'name="version" value="(\d+)"', review.text)
    assert version is not None
    done = client.post(invited.url(code, "/skicka-in"),
                       data={"csrf_token": csrf_of(review.text), "version": version.group(1)})
    assert done.status_code == 303
    return str(done.headers["Location"])


def answer_everything_for(client: FlaskClient, invited: Invited, code: str) -> None:
    """«nej» to every unconditional choice of every section, one section post each."""
    from survey.rounds.lifecycle import questionnaire_of

    q = questionnaire_of(load_round(invited.round_id))
    for section in q.sections:
        answers = {f.id: "nej" for f in q.fields
                   if f.section_id == section.id and f.gate is None and f.condition is None and f.codes}
        if answers:
            assert post_section(client, invited, section.id, answers, code=code).status_code == 303
