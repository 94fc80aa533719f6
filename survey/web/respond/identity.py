"""Who is answering: a name and an e-mail address, kept for attribution (not a login).

The person is remembered in the signed session cookie per organisation link, with the time
of their last request and a random session key whose SHA-256 is a ``respondent_session``
row. On a shared office computer the next person must not act in the previous one's name, so
after ``RESPOND_IDLE_MINUTES`` without a request the session no longer counts, and
«Spara och fortsätt senare» ends the row: a copy of the cookie taken before then no longer
acts as that person. Whatever is posted without a session is shown again, never thrown away.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import Respondent, RespondentSession, utcnow
from survey.staff.audit import record_for
from survey.text import clean_line
from survey.web.auth import UNSAFE_IN_URL
from survey.web.extensions import db, db_session
from survey.web.respond import bp
from survey.web.respond.access import Invitation, invitation_or_abort

SESSION_KEY = "respond"
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
NAME_LIMIT = 200
TOUCH_EVERY = 60  # seconds; the cookie is rewritten at most this often


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    key: str = ""  # the session key (the cookie's; only its hash is stored)

    @property
    def actor(self) -> str:
        """``Name <email>``, as answers and history are attributed (fits the 254-char columns)."""
        return f"{self.name[:254 - len(self.email) - 3]} <{self.email}>"


def idle_seconds() -> int:
    return int(float(current_app.config.get("RESPOND_IDLE_MINUTES", 60)) * 60)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def current_person(invitation: Invitation) -> Person | None:
    entry = session.get(SESSION_KEY, {}).get(str(invitation.member_id))
    if not entry or len(entry) < 5 or time.time() - entry[3] > idle_seconds():
        return None
    person = Person(entry[0], entry[1], entry[2], entry[4])
    live = db.session.scalar(select(RespondentSession.id).where(
        RespondentSession.key_hash == _hash(person.key), RespondentSession.respondent_id == person.id,
        RespondentSession.ended_at.is_(None)))
    if live is None:  # ended on the server («Spara och fortsätt senare»): the cookie is void
        return None
    if time.time() - entry[3] > TOUCH_EVERY:
        remember(invitation, person)
    return person


def remember(invitation: Invitation, person: Person) -> None:
    people = dict(session.get(SESSION_KEY, {}))
    people[str(invitation.member_id)] = [person.id, person.name, person.email, int(time.time()),
                                         person.key]
    session[SESSION_KEY] = people


def forget(invitation: Invitation) -> None:
    """End this browser's session for the link, in the cookie and on the server (flushes)."""
    people = dict(session.get(SESSION_KEY, {}))
    entry = people.pop(str(invitation.member_id), None)
    session[SESSION_KEY] = people
    if entry and len(entry) >= 5:
        found = db.session.scalar(select(RespondentSession).where(
            RespondentSession.key_hash == _hash(entry[4]), RespondentSession.ended_at.is_(None)))
        if found is not None:
            found.ended_at = utcnow()
            db.session.flush()


def read_identity(form: Mapping[str, str]) -> tuple[str, str, dict[str, str]]:
    """Name, e-mail and errors (keyed by input id) from a posted form."""
    name = clean_line(form.get("namn", ""))
    email = clean_line(form.get("epost", "")).lower()
    errors = {}
    if not name:
        errors["namn"] = "Skriv ditt namn."
    elif len(name) > NAME_LIMIT:
        errors["namn"] = f"Namnet är {len(name)} tecken långt; högst {NAME_LIMIT} tecken får plats."
    if not EMAIL.match(email) or len(email) > 200:
        errors["epost"] = "Skriv en e-postadress, till exempel namn@region.se."
    return name, email, errors


def register(invitation: Invitation, name: str, email: str) -> Person:
    """The respondent row for this e-mail on this link (created or renamed); flushes only."""
    found = db.session.scalar(select(Respondent).where(
        Respondent.round_organisation_id == invitation.member_id, Respondent.email == email))
    if found is None:
        found = Respondent(round_organisation_id=invitation.member_id, name=name, email=email)
        db.session.add(found)
    else:
        found.name, found.last_seen_at = name, utcnow()
    key = secrets.token_urlsafe(32)
    db.session.add(RespondentSession(respondent=found, key_hash=_hash(key)))
    db.session.flush()
    person = Person(found.id, name, email, key)
    record_for(db_session(), person.actor, "respondent.identify", invitation.round_id,
               invitation.organisation_id)
    remember(invitation, person)
    return person


@bp.route("/<token>/vem", methods=["GET", "POST"])
def identify(token: str) -> WerkzeugResponse | tuple[str, int] | str:
    invitation = invitation_or_abort(token)
    next_url = safe_next(token, request.values.get("nasta"))
    if request.method == "GET":
        return render_template("respond/identity.html", inv=invitation, name="", email="",
                               errors={}, next_url=next_url)
    name, email, errors = read_identity(request.form)
    if errors:
        return render_template("respond/identity.html", inv=invitation, name=name, email=email,
                               errors=errors, next_url=next_url), 422
    register(invitation, name, email)
    db.session.commit()
    return redirect(next_url, code=303)


def safe_next(token: str, wanted: str | None) -> str:
    """Only a page of this same link may be the place to go on to."""
    home = url_for("respond.overview", token=token)
    if (wanted and wanted.startswith(home + "/") and "//" not in wanted[1:] and "\\" not in wanted
            and not UNSAFE_IN_URL.search(wanted)):
        return wanted
    return home


def require_person(invitation: Invitation) -> Person | WerkzeugResponse:
    """The person, or a redirect to the identity page (which brings them back here)."""
    person = current_person(invitation)
    if person is not None:
        return person
    return redirect(url_for("respond.identify", token=invitation.token, nasta=request.path), code=303)
