"""The append-only audit log of staff, system and respondent actions.
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


# -- audit ----------------------------------------------------------------------------------
def record(session: Session, actor: str, action: str, round_: Round | None = None,
           organisation: Organisation | None = None, **details: Any) -> AuditEvent:
    """Append one event to the audit log (values must be JSON-ready: str, int, None)."""
    event = AuditEvent(actor=actor, action=action, round_id=round_.id if round_ else None,
                       organisation_id=organisation.id if organisation else None,
                       details={k: v for k, v in details.items() if v is not None}, at=utcnow())
    session.add(event)
    return event


def record_for(session: Session, actor: str, action: str, round_id: int, organisation_id: int | None,
               **details: Any) -> AuditEvent:
    """``record`` by ids: a respondent's request knows the round and organisation by id only."""
    event = AuditEvent(actor=actor, action=action, round_id=round_id, organisation_id=organisation_id,
                       details={k: v for k, v in details.items() if v is not None}, at=utcnow())
    session.add(event)
    return event


def round_events(session: Session, round_: Round, limit: int = 500) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.round_id == round_.id)
                                .order_by(AuditEvent.id.desc()).limit(limit)))
