"""Staff accounts, their server-side sessions and the audit log (service functions).

The caller commits. Sessions are rows, so ending one (logout, idle or absolute timeout, a
disabled account, an administrator's decision) takes effect on every worker at once; the
browser's cookie only carries a random token whose SHA-256 is the row's key.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from survey.models import (
    Answer,
    AnswerHistory,
    Organisation,
    Response,
    Round,
    RoundOrganisation,
    StaffUser,
    utcnow,
)
from survey.passwords import hash_password, verify_password
from survey.progress import OrgProgress, deadline_of, effective_state
from survey.registry import swedish_sort_key
from survey.responses import reopen
from survey.rounds import issue_link, latest_version
from survey.staff_models import AuditEvent, StaffSession

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE_LABELS = {"admin": "Administratör", "analyst": "Analytiker"}


class StaffError(ValueError):
    pass


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta


# -- accounts -------------------------------------------------------------------------------
def find_staff(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def create_staff_user(session: Session, email: str, password: str, role: str, name: str = "") -> StaffUser:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise StaffError(f"'{email}' is not an e-mail address")
    if role not in ("admin", "analyst"):
        raise StaffError(f"unknown role '{role}'")
    if find_staff(session, email) is not None:
        raise StaffError(f"a staff user {email} already exists")
    try:
        password_hash = hash_password(password)
    except ValueError as error:
        raise StaffError(str(error)) from error
    user = StaffUser(email=email, name=name or email.split("@")[0], password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def all_staff(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active user with this e-mail and password, or None (same work either way)."""
    user = find_staff(session, email)
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


@cache
def _dummy_hash() -> str:
    """Verifying against a real hash when the e-mail is unknown keeps the answer time the
    same, so response times do not reveal which addresses have accounts."""
    return hash_password(secrets.token_urlsafe(16))


def set_password(session: Session, user: StaffUser, password: str, actor: str,
                 keep: StaffSession | None = None) -> None:
    """A new password ends every session of the user (a stolen cookie dies with the old one)
    except ``keep``, the one of the person changing their own password."""
    try:
        user.password_hash = hash_password(password)
    except ValueError as error:
        raise StaffError(str(error)) from error
    end_user_sessions(session, user, "password", keep)
    record(session, actor, "user.password", user=user.email)


def set_active(session: Session, user: StaffUser, active: bool, actor: str) -> None:
    if not active and user.role == "admin" and _active_admins(session) <= 1 and user.active:
        raise StaffError("the last active administrator cannot be disabled")
    user.active = active
    if not active:
        end_user_sessions(session, user, "disabled")
    record(session, actor, "user.enable" if active else "user.disable", user=user.email)


def set_role(session: Session, user: StaffUser, role: str, actor: str) -> None:
    if role not in ROLE_LABELS:
        raise StaffError(f"unknown role '{role}'")
    if user.role == "admin" and role != "admin" and _active_admins(session) <= 1:
        raise StaffError("the last active administrator must stay an administrator")
    if role != user.role:
        record(session, actor, "user.role", user=user.email, old=user.role, new=role)
        user.role = role


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser)
                          .where(StaffUser.role == "admin", StaffUser.active.is_(True))) or 0


# -- sessions -------------------------------------------------------------------------------
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: StaffUser, ip: str = "", user_agent: str = "",
                  now: datetime | None = None) -> tuple[str, StaffSession]:
    """A new session for ``user``: the token for the cookie (never stored) and the row."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    row = StaffSession(token_hash=_hash(token), user=user, created_at=now, last_seen_at=now,
                       ip=ip[:45], user_agent=user_agent[:300])
    session.add(row)
    session.flush()
    return token, row


def find_session(session: Session, token: str) -> StaffSession | None:
    return session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))


def expiry(staff_session: StaffSession, timeouts: Timeouts) -> datetime:
    """When the session ends if nothing happens: the idle limit, capped by the absolute one."""
    return min(_aware(staff_session.last_seen_at) + timeouts.idle,
               _aware(staff_session.created_at) + timeouts.absolute)


def check_session(staff_session: StaffSession, timeouts: Timeouts, now: datetime) -> str | None:
    """Why the session is no longer valid (an end reason), or None while it is."""
    if staff_session.ended_at is not None:
        return staff_session.end_reason
    if not staff_session.user.active:
        return "disabled"
    if now >= _aware(staff_session.created_at) + timeouts.absolute:
        return "absolute"
    if now >= _aware(staff_session.last_seen_at) + timeouts.idle:
        return "idle"
    return None


def end_session(staff_session: StaffSession, reason: str, now: datetime | None = None) -> None:
    if staff_session.ended_at is None:
        staff_session.ended_at, staff_session.end_reason = now or utcnow(), reason


def end_user_sessions(session: Session, user: StaffUser, reason: str,
                      keep: StaffSession | None = None) -> int:
    """End every open session of ``user`` (but ``keep``); returns how many were ended."""
    statement = (update(StaffSession)
                 .where(StaffSession.staff_user_id == user.id, StaffSession.ended_at.is_(None))
                 .values(ended_at=utcnow(), end_reason=reason)
                 .execution_options(synchronize_session="fetch"))
    if keep is not None:
        statement = statement.where(StaffSession.id != keep.id)
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def open_sessions(session: Session, timeouts: Timeouts, now: datetime | None = None) -> list[StaffSession]:
    """Sessions still valid now, newest first (for the administrator's overview)."""
    now = now or utcnow()
    rows = session.scalars(select(StaffSession).where(StaffSession.ended_at.is_(None))
                           .order_by(StaffSession.last_seen_at.desc()))
    return [row for row in rows if check_session(row, timeouts, now) is None]


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for aware columns; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- audit ----------------------------------------------------------------------------------
def record(session: Session, actor: str, action: str, round_: Round | None = None,
           organisation: Organisation | None = None, **details: Any) -> AuditEvent:
    """Append one event to the audit log (values must be JSON-ready: str, int, None)."""
    event = AuditEvent(actor=actor, action=action, round_id=round_.id if round_ else None,
                       organisation_id=organisation.id if organisation else None,
                       details={k: v for k, v in details.items() if v is not None}, at=utcnow())
    session.add(event)
    return event


def round_events(session: Session, round_: Round, limit: int = 500) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.round_id == round_.id)
                                .order_by(AuditEvent.id.desc()).limit(limit)))


# -- rounds ---------------------------------------------------------------------------------
# Messages are Swedish: the staff pages and the CLI show them as they are.
def _require(condition: bool, message: str) -> None:
    if not condition:
        raise StaffError(message)


def _state(round_: Round, on: date) -> str:
    return effective_state(round_.state, round_.opens_on, on)


def change_round(session: Session, round_: Round, name: str, opens: date, closes: date,
                 actor: str, on: date) -> None:
    """Name and dates of a round that has not opened yet (later, extend the deadline)."""
    _require(_state(round_, on) == "planned", "Datumen kan bara ändras innan rundan har öppnat.")
    _require(closes >= opens, f"Rundan stänger ({closes}) innan den öppnar ({opens}).")
    _require(bool(name.strip()), "Ange ett namn.")
    changes = {"name": [round_.name, name.strip()], "opens_on": [str(round_.opens_on), str(opens)],
               "closes_on": [str(round_.closes_on), str(closes)]}
    changed = {key: pair for key, pair in changes.items() if pair[0] != pair[1]}
    if changed:
        round_.name, round_.opens_on, round_.closes_on = name.strip(), opens, closes
        record(session, actor, "round.edit", round_, changes=changed)


def refresh_questionnaire(session: Session, round_: Round, actor: str, on: date) -> bool:
    """Point a planned round at the newest stored version of its questionnaire.

    Once a round opens its questionnaire is frozen: responses record the hash they answered.
    """
    _require(_state(round_, on) == "planned", "Enkäten är låst när rundan har öppnat.")
    newest = latest_version(session, round_.questionnaire_version.questionnaire_id)
    if newest.id == round_.questionnaire_version_id:
        return False
    record(session, actor, "round.questionnaire", round_,
           old=round_.questionnaire_version.content_hash, new=newest.content_hash)
    round_.questionnaire_version = newest
    return True


def open_round(session: Session, round_: Round, actor: str, on: date) -> None:
    """Open now: a planned round opens early (its opening day becomes today)."""
    _require(round_.state in ("planned", "closed"), "Rundan är redan öppen eller arkiverad.")
    details = {"from": round_.state}
    if round_.opens_on > on:
        details["opens_on"] = f"{round_.opens_on} → {on}"
        round_.opens_on = on
        round_.closes_on = max(round_.closes_on, on)
    round_.state = "open"
    record(session, actor, "round.open", round_, **details)


def close_round(session: Session, round_: Round, actor: str, on: date) -> None:
    _require(_state(round_, on) == "open", "Bara en öppen runda kan stängas.")
    round_.state = "closed"
    record(session, actor, "round.close", round_)


def archive_round(session: Session, round_: Round, actor: str) -> None:
    _require(round_.state == "closed", "Stäng rundan innan den arkiveras.")
    round_.state = "archived"
    record(session, actor, "round.archive", round_)


def sync_round_states(session: Session, on: date) -> list[Round]:
    """Record as open every planned round whose opening day has come."""
    due = list(session.scalars(select(Round).where(Round.state == "planned", Round.opens_on <= on)))
    for round_ in due:
        round_.state = "open"
        record(session, "system", "round.open", round_, reason="öppningsdagen har kommit")
    return due


def extend_round(session: Session, round_: Round, until: date, reason: str, actor: str) -> None:
    """A later deadline for everyone (recorded with the reason)."""
    _require(round_.state != "archived", "En arkiverad runda kan inte förlängas.")
    _require(until > round_.closes_on, f"Den nya sista dagen måste vara efter {round_.closes_on}.")
    _require(bool(reason.strip()), "Ange ett skäl till förlängningen.")
    record(session, actor, "round.extend", round_, old=str(round_.closes_on), new=str(until),
           reason=reason.strip())
    round_.closes_on = until


def extend_member(session: Session, member: RoundOrganisation, until: date, reason: str,
                  actor: str) -> None:
    """A later deadline for one organisation; a date not after the round's removes it."""
    round_ = member.round
    _require(round_.state != "archived", "En arkiverad runda kan inte förlängas.")
    _require(bool(reason.strip()), "Ange ett skäl till förlängningen.")
    new = until if until > round_.closes_on else None
    record(session, actor, "member.extend", round_, member.organisation,
           old=str(member.extended_until) if member.extended_until else None,
           new=str(new) if new else "ingen förlängning", reason=reason.strip())
    member.extended_until, member.extension_reason = new, reason.strip() if new else None


def replace_link(session: Session, member: RoundOrganisation, actor: str, secret: str) -> None:
    """Revoke the organisation's link and issue a new one (the old one stops working at once)."""
    for link in member.access_links:
        if link.revoked_at is None:
            link.revoked_at = utcnow()
    issue_link(session, member, secret)
    record(session, actor, "link.replace", member.round, member.organisation)
    session.flush()


def member_of(session: Session, round_: Round, code: str) -> RoundOrganisation:
    member = session.scalar(select(RoundOrganisation).join(Organisation)
                            .where(RoundOrganisation.round_id == round_.id, Organisation.code == code))
    _require(member is not None, f"Organisation {code} är inte med i rundan.")
    assert member is not None
    return member


def reopen_response(session: Session, response: Response, reason: str, actor: str) -> None:
    """Let the organisation change a submitted response again (reason recorded twice: in the
    answer history, which the organisation's page shows, and in the audit log)."""
    _require(response.status == "submitted", "Bara ett inskickat svar kan öppnas igen.")
    _require(response.round.state not in ("archived",), "Rundan är arkiverad.")
    _require(bool(reason.strip()), "Ange ett skäl.")
    reopen(session, response, actor, reason)
    record(session, actor, "response.reopen", response.round, response.organisation,
           reason=reason.strip())


# -- progress -------------------------------------------------------------------------------
def load_progress(session: Session, round_: Round) -> list[OrgProgress]:
    """Every invited organisation's state, in Swedish name order (a handful of queries)."""
    members = session.scalars(select(RoundOrganisation).where(RoundOrganisation.round_id == round_.id)
                              .options(selectinload(RoundOrganisation.organisation),
                                       selectinload(RoundOrganisation.respondents))).all()
    responses = {r.organisation_id: r for r in session.scalars(
        select(Response).where(Response.round_id == round_.id))}
    answered = dict(session.execute(
        select(Answer.response_id, func.count()).join(Response)
        .where(Response.round_id == round_.id, sa.cast(Answer.value, sa.Text) != "null")
        .group_by(Answer.response_id)).all())
    actors: dict[int, set[str]] = {}
    for response_id, actor in session.execute(
            select(AnswerHistory.response_id, AnswerHistory.changed_by).join(Response)
            .where(Response.round_id == round_.id, AnswerHistory.source != "system").distinct()):
        actors.setdefault(response_id, set()).add(actor)
    rows = [_org_progress(round_, m, responses.get(m.organisation_id), answered, actors) for m in members]
    return sorted(rows, key=lambda row: swedish_sort_key(row.name))


def _org_progress(round_: Round, member: RoundOrganisation, response: Response | None,
                  answered: dict[int, int], actors: dict[int, set[str]]) -> OrgProgress:
    org = member.organisation
    count = answered.get(response.id, 0) if response else 0
    if response is None:
        state = "not_started"
    elif response.status in ("submitted", "reopened"):
        state = response.status
    else:
        state = "started" if count else "not_started"
    seen = [r.last_seen_at for r in member.respondents]
    moments = [m for m in (response.updated_at if response and count else None, *seen) if m is not None]
    workers = set(actors.get(response.id, set())) if response else set()
    workers |= {f"{r.name} ({r.email})" for r in member.respondents
                if not any(r.email in worker for worker in workers)}
    return OrgProgress(org.code, org.name, org.kind, org.county, org.county_name, state,
                       deadline_of(round_.closes_on, member.extended_until),
                       member.extended_until is not None,
                       response.submitted_at if response else None,
                       max(moments, key=_aware) if moments else None,
                       tuple(sorted(workers, key=swedish_sort_key)), count)
