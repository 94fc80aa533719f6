"""What every respondent page starts from: the link, the definition, the response, today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import and_, bindparam, select

from survey.db import AccessLink, Answer, Organisation, QuestionnaireVersion, Response, Round, RoundOrganisation
from survey.formatting import long_date, swedish_time
from survey.questionnaire import Questionnaire
from survey.questionnaire.model import Section
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import Value, is_blank
from survey.responses.answers import answer_rows, ensure_response
from survey.rounds.links import looks_like_token, token_hash
from survey.web.extensions import db, db_session
from survey.web.respond import bp
from survey.web.respond.access import (
    Invitation,
    Window,
    current_today,
    invitation_or_abort,
    questionnaire_for,
)

SECTION_STATES = {"not_started": "Ej påbörjad", "started": "Påbörjad", "complete": "Klar",
                  "optional": "Frivilligt"}


@dataclass(frozen=True)
class ResponseInfo:
    """The response row as pages read it (the ORM object is loaded only to change it)."""

    id: int
    status: str
    version: int
    submitted_at: datetime | None
    submitted_by: str | None
    receipt_number: str | None = None


@dataclass
class Visit:
    inv: Invitation
    q: Questionnaire
    window: Window
    response: ResponseInfo | None
    rows: dict[str, tuple[Value, int]]

    @property
    def values(self) -> dict[str, Value]:
        return {aid: value for aid, (value, _) in self.rows.items() if not is_blank(value)}

    @property
    def versions(self) -> dict[str, int]:
        return {aid: version for aid, (_, version) in self.rows.items()}

    @property
    def submitted(self) -> bool:
        return self.response is not None and self.response.status == "submitted"

    @property
    def editable(self) -> bool:
        return self.window is Window.OPEN and not self.submitted

    def reopened_note(self) -> str | None:
        """Why staff reopened a submitted response (shown to the organisation), if they did."""
        if self.response is None or self.response.status != "reopened":
            return None
        from sqlalchemy import select

        from survey.db import AnswerHistory

        latest = db.session.scalar(
            select(AnswerHistory.new_value)
            .where(AnswerHistory.response_id == self.response.id, AnswerHistory.answer_id == "_status")
            .order_by(AnswerHistory.id.desc()).limit(1))
        text = str(latest or "")
        return text.removeprefix("reopened:").strip() or "Inget skäl angavs."

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.q.sections if s.id == section_id), None)

    def neighbours(self, section: Section) -> tuple[Section | None, Section | None]:
        index = self.q.sections.index(section)
        before = self.q.sections[index - 1] if index > 0 else None
        after = self.q.sections[index + 1] if index + 1 < len(self.q.sections) else None
        return before, after

    def ensure_response(self) -> Response:
        """The ORM response, created on the first save (race-safe)."""
        if self.response is not None:
            found = db.session.get(Response, self.response.id)
            assert found is not None
            return found
        created = ensure_response(db_session(), self.inv.round_id, self.inv.organisation_id,
                                  self.inv.content_hash)
        db.session.flush()
        self.response = ResponseInfo(created.id, created.status, created.version,
                                     created.submitted_at, created.submitted_by,
                                     created.receipt_number)
        return created

    def reload(self) -> None:
        if self.response is not None:
            self.rows = answer_rows(db_session(), self.response.id)

    def section_states(self) -> dict[str, str]:
        """not_started / started / complete per section, on the applicable answers; a section
        with nothing required and nothing answered is «optional», never «Klar» unopened."""
        values = self.values
        applicable = applicable_ids(self.q, values)
        answered: dict[str, int] = {}
        missing: dict[str, int] = {}
        for f in self.q.fields:
            if f.id in applicable:
                if f.id in values:
                    answered[f.section_id] = answered.get(f.section_id, 0) + 1
                elif f.required:
                    missing[f.section_id] = missing.get(f.section_id, 0) + 1
        required = {f.section_id for f in self.q.fields if f.id in applicable and f.required}
        states = {}
        for s in self.q.sections:
            if missing.get(s.id):
                states[s.id] = "started" if answered.get(s.id) else "not_started"
            elif s.id not in required and not answered.get(s.id):
                states[s.id] = "optional"
            else:
                states[s.id] = "complete"
        return states


_LINK, _MEMBER, _ROUND = AccessLink.__table__, RoundOrganisation.__table__, Round.__table__
_ORG, _VERSION = Organisation.__table__, QuestionnaireVersion.__table__
_RESPONSE, _ANSWER = Response.__table__, Answer.__table__
# One round trip per page: the link, its round and organisation, the response and its answers.
_VISIT = (
    select(_LINK.c.id, _MEMBER.c.id, _ROUND.c.id, _ROUND.c.name, _ROUND.c.state, _ROUND.c.opens_on,
           _ROUND.c.closes_on, _MEMBER.c.extended_until, _ORG.c.id, _ORG.c.name, _VERSION.c.id,
           _VERSION.c.content_hash, _ROUND.c.closed_at, _RESPONSE.c.id, _RESPONSE.c.status, _RESPONSE.c.version,
           _RESPONSE.c.submitted_at, _RESPONSE.c.submitted_by, _RESPONSE.c.receipt_number, _ANSWER.c.answer_id,
           _ANSWER.c.value, _ANSWER.c.version)
    .select_from(
        _LINK.join(_MEMBER, _LINK.c.round_organisation_id == _MEMBER.c.id)
        .join(_ROUND, _MEMBER.c.round_id == _ROUND.c.id)
        .join(_ORG, _MEMBER.c.organisation_id == _ORG.c.id)
        .join(_VERSION, _ROUND.c.questionnaire_version_id == _VERSION.c.id)
        .outerjoin(_RESPONSE, and_(_RESPONSE.c.round_id == _ROUND.c.id,
                                   _RESPONSE.c.organisation_id == _ORG.c.id))
        .outerjoin(_ANSWER, _ANSWER.c.response_id == _RESPONSE.c.id))
    .where(_LINK.c.token_hash == bindparam("token_hash"), _LINK.c.revoked_at.is_(None))
)


def load_visit(token: str) -> Visit:
    rows = (db.session.connection().execute(_VISIT, {"token_hash": token_hash(token)}).all()
            if looks_like_token(token) else [])
    if not rows:
        invitation_or_abort(token)  # counts the wrong token and answers «not valid»
        raise AssertionError("unreachable")
    first = rows[0]
    inv = Invitation(token, *first[:13])
    response = ResponseInfo(*first[13:19]) if first[13] is not None else None
    answers = {row[19]: (row[20], row[21]) for row in rows if row[19] is not None}
    q = questionnaire_for(db_session(), inv)
    return Visit(inv, q, inv.window(current_today()), response, answers)


def window_page(visit: Visit, unsaved: list[tuple[str, str]] | None = None) -> str:
    """The page for a round that is not open (yet, or any more); ``unsaved``: what a post
    that arrived after closing carried, shown so it can be copied."""
    template = ("respond/not_open.html" if visit.window is Window.NOT_YET_OPEN
                else "respond/closed.html")
    return render_template(template, visit=visit, inv=visit.inv, today=current_today(),
                           unsaved=unsaved or [])


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as Swedes read it: ``2025-10-19 kl. 14.05``."""
    if moment is None:
        return ""
    return swedish_time(moment).strftime("%Y-%m-%d kl. %H.%M")


bp.add_app_template_filter(long_date, "respond_date")
bp.add_app_template_filter(local_time, "respond_time")
