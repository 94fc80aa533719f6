"""The append-only audit log of staff (and system) actions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import (
    AuditEvent,
    Organisation,
    Round,
    utcnow,
)
from survey.text import clean_text


# -- audit ----------------------------------------------------------------------------------
def record(session: Session, actor: str, action: str, round_: Round | None = None,
           organisation: Organisation | None = None, **details: Any) -> AuditEvent:
    """Append one event to the audit log (values must be JSON-ready: str, int, None).

    Every text is cleaned once more here: the log records what a person sent (a file name, a
    reason), and PostgreSQL's JSON refuses NUL, so a hostile name must not make the action fail.
    """
    event = AuditEvent(actor=clean_text(actor), action=action, round_id=round_.id if round_ else None,
                       organisation_id=organisation.id if organisation else None,
                       details={k: _clean(v) for k, v in details.items() if v is not None}, at=utcnow())
    session.add(event)
    return event


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def round_events(session: Session, round_: Round, limit: int = 500) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.round_id == round_.id)
                                .order_by(AuditEvent.id.desc()).limit(limit)))
