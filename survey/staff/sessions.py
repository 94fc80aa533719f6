"""Staff sessions are rows, so ending one takes effect on every worker at once; the
browser's cookie only carries a random token whose SHA-256 is the row's key.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey.db import (
    StaffSession,
    StaffUser,
    utcnow,
)
from survey.db.base import matched_rows


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta


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
    return min(staff_session.last_seen_at + timeouts.idle, staff_session.created_at + timeouts.absolute)


def check_session(staff_session: StaffSession, timeouts: Timeouts, now: datetime) -> str | None:
    """Why the session is no longer valid (an end reason), or None while it is."""
    if staff_session.ended_at is not None:
        return staff_session.end_reason
    if not staff_session.user.active:
        return "disabled"
    if now >= staff_session.created_at + timeouts.absolute:
        return "absolute"
    if now >= staff_session.last_seen_at + timeouts.idle:
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
    return matched_rows(session.execute(statement))


def open_sessions(session: Session, timeouts: Timeouts, now: datetime | None = None) -> list[StaffSession]:
    """Sessions still valid now, newest first (for the administrator's overview)."""
    now = now or utcnow()
    rows = session.scalars(select(StaffSession).where(StaffSession.ended_at.is_(None))
                           .order_by(StaffSession.last_seen_at.desc()))
    return [row for row in rows if check_session(row, timeouts, now) is None]

