"""Rate limits whose state is one database row per key, so every gunicorn worker shares it.

Two shapes, both safe when many workers count the same key at once:

- ``count``: how many attempts a key made in its current window, as one UPSERT that
  returns the new count. PostgreSQL locks the conflicting row for the update, SQLite
  serialises writers, so two parallel attempts can never both read the same count.
- ``reserve`` / ``clear``: growing delays (logins). The rows are locked first (``SELECT …
  FOR UPDATE`` on PostgreSQL; on SQLite the preceding insert takes the write lock), an
  attempt is counted *before* it is evaluated, and the caller commits at once: a burst of
  parallel guesses gets at most ``free`` evaluations, the others a wait.

No state lives in a worker's memory: deleting a key's row forgets it everywhere.
The caller commits (``reserve`` needs that before slow work, so the lock is short).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, select
from sqlalchemy.orm import Session

from survey.db import ThrottleState, utcnow


@dataclass(frozen=True)
class Backoff:
    """``free`` failures in a row cost nothing; from then on each evaluated attempt must wait
    ``first_delay`` seconds, doubling up to ``max_delay``. A key quiet for ``forget_after``
    seconds starts again from nothing."""

    free: int
    first_delay: float
    max_delay: float
    forget_after: int = 24 * 3600

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures in a row (0 while they are free)."""
        if failures < self.free:
            return 0.0
        return float(min(self.max_delay, self.first_delay * 2 ** min(failures - self.free, 40)))


def _insert(session: Session) -> Any:
    """The dialect's INSERT (both have ON CONFLICT … RETURNING: PostgreSQL, SQLite ≥ 3.35)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(ThrottleState)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(ThrottleState)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without their zone; they are stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def count(session: Session, key: str, window_seconds: int, now: datetime | None = None) -> int:
    """Count one attempt for ``key`` and return the attempts of its current window (this one
    included). The window starts with a key's first attempt and lasts ``window_seconds``."""
    now = now or utcnow()
    expired = ThrottleState.started_at < now - timedelta(seconds=window_seconds)
    statement = _insert(session).values(key=key[:200], hits=1, started_at=now, last_at=now)
    statement = statement.on_conflict_do_update(index_elements=[ThrottleState.key], set_={
        "hits": case((expired, 1), else_=ThrottleState.hits + 1),
        "started_at": case((expired, now), else_=ThrottleState.started_at),
        "last_at": now,
    }).returning(ThrottleState.hits)
    return int(session.execute(statement).scalar_one())


def reserve(session: Session, keys: Sequence[tuple[str, Backoff]], now: datetime | None = None) -> int:
    """Seconds to wait before an attempt on all ``keys`` may be evaluated (0: go ahead).

    When the answer is 0 the attempt is already counted as a failure on every key (``clear``
    a key after a success) and each key's next wait is set; a refused attempt counts nowhere.
    """
    now = now or utcnow()
    rows = _locked(session, [key[:200] for key, _ in keys], now)
    waits = [(_aware(rows[key[:200]].blocked_until) or now) - now for key, _ in keys]
    wait = max(waits, default=timedelta(0))
    if wait > timedelta(0):
        return math.ceil(wait.total_seconds())
    for key, policy in keys:
        row = rows[key[:200]]
        last = _aware(row.last_at) or now
        failures = 0 if (now - last).total_seconds() > policy.forget_after else row.hits
        row.hits, row.last_at = failures + 1, now
        delay = policy.delay(failures + 1)
        row.blocked_until = now + timedelta(seconds=delay) if delay else None
    session.flush()
    return 0


def _locked(session: Session, keys: list[str], now: datetime) -> dict[str, ThrottleState]:
    """The keys' rows (made when missing), locked until the transaction ends; in key order,
    so two requests locking the same keys cannot deadlock."""
    ordered = sorted(set(keys))
    for key in ordered:
        session.execute(_insert(session).values(key=key, hits=0, started_at=now, last_at=now)
                        .on_conflict_do_nothing(index_elements=[ThrottleState.key]))
    found = session.scalars(select(ThrottleState).where(ThrottleState.key.in_(ordered))
                            .order_by(ThrottleState.key).with_for_update()
                            .execution_options(populate_existing=True))
    return {row.key: row for row in found}


def attempts(session: Session, key: str) -> int:
    """The key's current count (0 for an unknown key)."""
    return session.scalar(select(ThrottleState.hits).where(ThrottleState.key == key[:200])) or 0


def release(session: Session, key: str, policy: Backoff) -> None:
    """Take back one attempt that ``reserve`` counted and that succeeded (so many successful
    logins behind one address never add up to a wait)."""
    row = session.get(ThrottleState, key[:200], with_for_update=True)
    if row is not None and row.hits > 0:
        row.hits -= 1
        if not policy.delay(row.hits):
            row.blocked_until = None


def clear(session: Session, key: str) -> None:
    """Forget a key (after a successful login, say)."""
    session.execute(delete(ThrottleState).where(ThrottleState.key == key[:200]))


def prune(session: Session, older_than_seconds: int = 2 * 24 * 3600, now: datetime | None = None) -> int:
    """Delete keys untouched for a while (nothing is kept for them); the number deleted."""
    since = (now or utcnow()) - timedelta(seconds=older_than_seconds)
    result = session.execute(delete(ThrottleState).where(ThrottleState.last_at < since))
    return int(getattr(result, "rowcount", 0) or 0)
