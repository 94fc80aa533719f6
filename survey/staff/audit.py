"""The append-only audit log of staff, system and respondent actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import AnswerHistory, AuditEvent, Organisation, Response, Round, utcnow
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


def record_for(session: Session, actor: str, action: str, round_id: int, organisation_id: int | None,
               **details: Any) -> AuditEvent:
    """``record`` by ids: a respondent's request knows the round and organisation by id only."""
    event = AuditEvent(actor=clean_text(actor), action=action, round_id=round_id,
                       organisation_id=organisation_id,
                       details={k: _clean(v) for k, v in details.items() if v is not None}, at=utcnow())
    session.add(event)
    return event


def round_events(session: Session, round_: Round, limit: int = 500) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.round_id == round_.id)
                                .order_by(AuditEvent.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Event:
    """One line of a round's «Händelser»: a recorded action or a burst of a person's saves."""

    at: datetime
    actor: str
    action: str
    organisation_name: str
    details: dict[str, Any]


SAVE_BURST = timedelta(minutes=30)  # saves closer than this are one «Svar sparades»


def round_timeline(session: Session, round_: Round, limit: int = 500) -> list[Event]:
    """Staff, system and respondent events of the round, the latest first.

    Respondents' saves are not logged one by one (autosave writes often); they come from
    the answer history, each person's saves within half an hour as one event.
    """
    events = [Event(e.at, e.actor, e.action, e.organisation.name if e.organisation else "", e.details)
              for e in round_events(session, round_, limit)]
    events += _save_bursts(session, round_)
    return sorted(events, key=lambda e: _aware(e.at), reverse=True)[:limit]


def _save_bursts(session: Session, round_: Round) -> list[Event]:
    rows = session.execute(
        select(Organisation.name, AnswerHistory.changed_by, AnswerHistory.changed_at)
        .join(Response, AnswerHistory.response_id == Response.id)
        .join(Organisation, Response.organisation_id == Organisation.id)
        .where(Response.round_id == round_.id, AnswerHistory.source == "respondent",
               AnswerHistory.answer_id != "_status")
        .order_by(Organisation.name, AnswerHistory.changed_by, AnswerHistory.changed_at)).all()
    bursts: list[Event] = []
    for name, who, at in rows:
        last = bursts[-1] if bursts else None
        if last and (last.organisation_name, last.actor) == (name, who) and _aware(at) - _aware(last.at) < SAVE_BURST:
            bursts[-1] = Event(at, who, "respondent.save", name, {"answers": last.details["answers"] + 1})
        else:
            bursts.append(Event(at, who, "respondent.save", name, {"answers": 1}))
    return bursts


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
