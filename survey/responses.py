"""Responses and answers: saving with optimistic concurrency, history, submit, reopen.

Every function here flushes at most; the request or command that calls it commits once, so a
save is one transaction. The browser (or an importer) sends, with each changed answer, the
version it saw; a stored answer whose version moved on since then and whose value differs is
*not* overwritten but returned as a ``Conflict`` for the person to resolve. Answer rows are
never deleted (a cleared answer keeps its row with a null value), so versions only grow and
a cleared-then-retyped answer cannot masquerade as the version someone loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.models import Answer, AnswerHistory, Organisation, Response, Round, utcnow
from survey.questionnaire import Questionnaire
from survey.questionnaire.routing import applicable_ids
from survey.values import Value, is_blank

EDITABLE = ("draft", "reopened")


@dataclass(frozen=True)
class Conflict:
    answer_id: str
    yours: Value
    theirs: Value
    their_version: int
    changed_by: str | None
    changed_at: datetime | None


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


class ResponseLocked(Exception):
    """The response is submitted (or the round closed): nothing may change."""


def find_response(session: Session, round_: Round, organisation: Organisation) -> Response | None:
    return session.scalar(select(Response).where(Response.round_id == round_.id,
                                                 Response.organisation_id == organisation.id))


def response_for(session: Session, round_: Round, organisation: Organisation) -> Response:
    """The organisation's response in the round, created on first use (race-safe)."""
    found = find_response(session, round_, organisation)
    if found is not None:
        return found
    response = Response(round_id=round_.id, organisation_id=organisation.id, status="draft",
                        questionnaire_hash=round_.questionnaire_version.content_hash)
    try:
        with session.begin_nested():
            session.add(response)
    except IntegrityError:  # another request created it first
        found = find_response(session, round_, organisation)
        assert found is not None
        return found
    return response


def stored_answers(response: Response) -> dict[str, Answer]:
    return {answer.answer_id: answer for answer in response.answers}


def current_values(response: Response) -> dict[str, Value]:
    """Every non-blank stored value, applicable or not (a draft keeps off-route answers)."""
    return {a.answer_id: a.value for a in response.answers if not is_blank(a.value)}


def save_answers(session: Session, response: Response, changes: Mapping[str, Value],
                 seen_versions: Mapping[str, int] | None, actor: str, source: str,
                 now: datetime | None = None) -> SaveResult:
    """Write changed values; with ``seen_versions``, refuse to overwrite newer edits.

    ``seen_versions[answer_id]`` is the version the person's page showed (0: no answer then).
    ``changes`` must already be cleaned (survey.values.clean_value) and checked.
    """
    if response.status not in EDITABLE and source not in ("import", "staff"):
        raise ResponseLocked(f"response {response.id} is {response.status}")
    now = now or utcnow()
    existing = stored_answers(response)
    result = SaveResult()
    for answer_id, value in changes.items():
        value = None if is_blank(value) else value
        row = existing.get(answer_id)
        old = row.value if row is not None else None
        if (None if is_blank(old) else old) == value:
            continue
        if seen_versions is not None and row is not None and row.version != seen_versions.get(answer_id, 0):
            result.conflicts.append(Conflict(answer_id, value, old, row.version, row.updated_by, row.updated_at))
            continue
        if row is None:
            row = Answer(response=response, answer_id=answer_id, value=value, version=1,
                         updated_at=now, updated_by=actor)
            session.add(row)
        else:
            row.value, row.version, row.updated_at, row.updated_by = value, row.version + 1, now, actor
        session.add(AnswerHistory(response=response, answer_id=answer_id, old_value=old,
                                  new_value=value, changed_at=now, changed_by=actor, source=source))
        result.saved.append(answer_id)
    if result.saved:
        response.version += 1
        response.updated_at = now
    session.flush()
    return result


def drop_inapplicable(session: Session, response: Response, q: Questionnaire, actor: str,
                      now: datetime) -> list[str]:
    """Clear answers whose routing is false (the history keeps what they were)."""
    values = current_values(response)
    applicable = applicable_ids(q, values)
    dropped = [aid for aid in values if aid not in applicable or not q.has_field(aid)]
    for row in response.answers:
        if row.answer_id in dropped:
            session.add(AnswerHistory(response=response, answer_id=row.answer_id, old_value=row.value,
                                      new_value=None, changed_at=now, changed_by=actor, source="submit"))
            row.value, row.version, row.updated_at, row.updated_by = None, row.version + 1, now, actor
    return dropped


def submit(session: Session, response: Response, q: Questionnaire, actor: str,
           now: datetime | None = None) -> bool:
    """Move a draft to submitted in one guarded step; False if it was already submitted.

    The UPDATE's WHERE clause is the guard: of two simultaneous clicks only one matches.
    """
    now = now or utcnow()
    guarded = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status.in_(EDITABLE),
               Response.version == response.version)
        .values(status="submitted", submitted_at=now, submitted_by=actor,
                version=Response.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if guarded.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(response)
        return False
    session.refresh(response)
    drop_inapplicable(session, response, q, actor, now)
    session.flush()
    return True


def reopen(session: Session, response: Response, actor: str, reason: str,
           now: datetime | None = None) -> None:
    if response.status != "submitted":
        raise ValueError("only a submitted response can be reopened")
    if not reason.strip():
        raise ValueError("a reason is required to reopen a response")
    now = now or utcnow()
    session.add(AnswerHistory(response=response, answer_id="_status", old_value="submitted",
                              new_value=f"reopened: {reason.strip()}", changed_at=now,
                              changed_by=actor, source="staff"))
    response.status, response.submitted_at, response.submitted_by = "reopened", None, None
    response.version += 1
    response.updated_at = now
    session.flush()
