"""A rate limiter whose counts live in the database, so every gunicorn worker sees them.

Used for login attempts and for wrong respondent tokens. A sliding window: each attempt is a
row; an attempt is allowed while fewer than ``limit`` rows for the key are younger than the
window. Old rows are pruned as we go. The caller commits (or the request's transaction does).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey.db import ThrottleEvent, utcnow


def allow(session: Session, key: str, limit: int, window_seconds: int, now: datetime | None = None) -> bool:
    """Record an attempt for ``key`` and say whether it is within the limit."""
    now = now or utcnow()
    since = now - timedelta(seconds=window_seconds)
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key, ThrottleEvent.at < since))
    recent = session.scalar(select(func.count()).select_from(ThrottleEvent).where(
        ThrottleEvent.key == key, ThrottleEvent.at >= since)) or 0
    if recent >= limit:
        return False
    session.add(ThrottleEvent(key=key[:200], at=now))
    session.flush()
    return True


def attempts(session: Session, key: str, window_seconds: int, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(seconds=window_seconds)
    return session.scalar(select(func.count()).select_from(ThrottleEvent).where(
        ThrottleEvent.key == key, ThrottleEvent.at >= since)) or 0


def reset(session: Session, key: str) -> None:
    """Forget a key's attempts (after a successful login, say)."""
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key))
