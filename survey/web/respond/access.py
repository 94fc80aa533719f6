"""Who a respondent URL belongs to, and whether its round takes answers today.

A link's token is looked up by its hash only; the lookup is one Core query (not the ORM
graph), because it runs on every respondent request and must not load the stored definition.
The deadline rule lives here: dates are whole days in Europe/Stockholm, inclusive, and an
organisation's own extension replaces the round's closing day when it is later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from flask import Response as FlaskResponse
from flask import abort, current_app, make_response, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import throttle
from survey.db import AccessLink, Organisation, QuestionnaireVersion, Round, RoundOrganisation
from survey.formatting import local_date, today
from survey.questionnaire import Questionnaire
from survey.questionnaire.stored import from_normalised
from survey.reports.progress import deadline_of, effective_state
from survey.rounds.links import looks_like_token, token_hash
from survey.staff.audit import record

WRONG_TOKEN_LIMIT = 20  # wrong tokens per client address and window
WRONG_TOKEN_WINDOW = 15 * 60


class Window(StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Invitation:
    """One organisation's access to one round, as the link resolves it."""

    token: str
    link_id: int
    member_id: int
    round_id: int
    round_name: str
    round_state: str
    opens_on: date
    closes_on: date
    extended_until: date | None
    organisation_id: int
    organisation_name: str
    version_id: int
    content_hash: str
    closed_at: datetime | None = None

    @property
    def deadline(self) -> date:
        """The last day answers are taken: the extension when it is later than the round's."""
        return deadline_of(self.closes_on, self.extended_until)

    @property
    def closed_early_on(self) -> date | None:
        """The day staff closed the round, when that was before this organisation's last day."""
        if self.closed_at is None or self.round_state not in ("closed", "archived"):
            return None
        day = local_date(self.closed_at)
        return day if day < self.deadline else None

    @property
    def closed_on(self) -> date:
        """The last day answers were taken: the day staff closed it early, or the deadline."""
        return self.closed_early_on or self.deadline

    def state(self, today: date) -> str:
        return effective_state(self.round_state, self.opens_on, self.closes_on, today,
                               self.extended_until)

    def window(self, today: date) -> Window:
        state = self.state(today)
        if state == "planned":
            return Window.NOT_YET_OPEN
        return Window.OPEN if state == "open" else Window.CLOSED


_LOOKUP = (
    select(AccessLink.id, RoundOrganisation.id, Round.id, Round.name, Round.state, Round.opens_on,
           Round.closes_on, RoundOrganisation.extended_until, Organisation.id, Organisation.name,
           QuestionnaireVersion.id, QuestionnaireVersion.content_hash, Round.closed_at)
    .join(RoundOrganisation, AccessLink.round_organisation_id == RoundOrganisation.id)
    .join(Round, RoundOrganisation.round_id == Round.id)
    .join(Organisation, RoundOrganisation.organisation_id == Organisation.id)
    .join(QuestionnaireVersion, Round.questionnaire_version_id == QuestionnaireVersion.id)
)


def find_invitation(session: Session, token: str) -> Invitation | None:
    if not looks_like_token(token):
        return None
    row = session.execute(_LOOKUP.where(AccessLink.token_hash == token_hash(token),
                                        AccessLink.revoked_at.is_(None))).first()
    # SQLAlchemy types a row's first ten columns only; as a plain tuple the rest may follow.
    return Invitation(token, *tuple(row)) if row is not None else None


_DEFINITIONS: dict[tuple[int, str], Questionnaire] = {}


def questionnaire_for(session: Session, invitation: Invitation) -> Questionnaire:
    """The round's frozen definition, parsed once per process and verified against its hash."""
    key = (invitation.version_id, invitation.content_hash)
    found = _DEFINITIONS.get(key)
    if found is None:
        definition = session.execute(select(QuestionnaireVersion.definition)
                                     .where(QuestionnaireVersion.id == invitation.version_id)).scalar_one()
        found = _DEFINITIONS[key] = from_normalised(definition, invitation.content_hash)
    return found


def invitation_or_abort(token: str) -> Invitation:
    """The invitation of this request's token; a wrong or revoked token gets the plain 'not
    valid' page (404), always the same one.

    Wrong tokens are counted per client address in the shared throttle (one atomic UPSERT),
    and the first one past the limit in a window is recorded in the audit log. Nothing is
    refused for it: a link is 256 random bits, so guessing cannot succeed, while refusing
    would lock out everyone behind an office's address and, unless right tokens were refused
    too, tell right from wrong. A valid link therefore always works, and a wrong one answers
    the same whether its address is past the limit or not.
    """
    from survey.web.extensions import db, db_session

    invitation = find_invitation(db_session(), token)
    if invitation is None:
        address = request.remote_addr or "-"
        if throttle.count(db_session(), f"respond-token:{address}", WRONG_TOKEN_WINDOW) == WRONG_TOKEN_LIMIT + 1:
            record(db_session(), "system", "respond.wrong_tokens", ip=address, limit=WRONG_TOKEN_LIMIT,
                   window_seconds=WRONG_TOKEN_WINDOW)
        db.session.commit()
        abort(not_valid_page())
    return invitation


def not_valid_page() -> FlaskResponse:
    """The plain page for a link that is not valid (404)."""
    return make_response(render_template("respond/invalid.html"), 404)


def current_today() -> date:
    """Today in Sweden; tests may pin it with the ``RESPOND_TODAY`` setting."""
    pinned = current_app.config.get("RESPOND_TODAY")
    return pinned if isinstance(pinned, date) else today()
