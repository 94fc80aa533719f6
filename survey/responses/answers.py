"""Responses and answers: saving with optimistic concurrency, history, submit, reopen.

Every function here flushes at most; the request or command that calls it commits once, so a
save is one transaction. The browser (or an importer) sends, with each changed answer, the
version it saw. A stored answer whose version moved on since then is *not* overwritten when
the person changed it too (their value differs from the one at the version they saw): it is
returned as a ``Conflict`` for them to resolve. When they left it as they saw it, the newer
value simply stays, so changes to different answers merge. Answer rows are
never deleted (a cleared answer keeps its row with a null value), so versions only grow and
a cleared-then-retyped answer cannot masquerade as the version someone loaded.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.db import Answer, AnswerHistory, Base, Organisation, Response, Round, utcnow
from survey.db.base import matched_rows
from survey.errors import Refused
from survey.questionnaire import Questionnaire
from survey.questionnaire.routing import applicable_after, applicable_ids
from survey.questionnaire.values import Value, is_blank
from survey.responses.receipts import assign_receipt_number
from survey.rounds.lifecycle import _require
from survey.staff.audit import record

EDITABLE = ("draft", "reopened")
MAX_VERSION = 2**31 - 1  # the column is a 32-bit integer


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


class InvalidVersion(Refused):
    """A version that came back from a browser is not one this engine handed out."""


def parse_version(raw: str) -> int:
    """The version a page showed, as its form posts it back: ASCII digits only.

    ``str.isdigit`` is not enough: it accepts «²» and other Unicode digits that ``int`` then
    refuses (or reads as another number), so a tampered page would end in a server error.
    """
    text = raw.strip()
    # At most 10 digits: int() refuses strings of more than 4,300 digits with a ValueError.
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_VERSION:
        raise InvalidVersion("Sidan skickade en ogiltig version av svaret. Ladda om sidan.")
    return int(text)


def find_response(session: Session, round_: Round, organisation: Organisation) -> Response | None:
    return session.scalar(select(Response).where(Response.round_id == round_.id,
                                                 Response.organisation_id == organisation.id))


def response_for(session: Session, round_: Round, organisation: Organisation) -> Response:
    """The organisation's response in the round, created on first use (race-safe)."""
    return ensure_response(session, round_.id, organisation.id,
                           round_.questionnaire_version.content_hash)


def response_of(session: Session, round_id: int, organisation_id: int) -> Response | None:
    return session.scalar(select(Response).where(Response.round_id == round_id,
                                                 Response.organisation_id == organisation_id))


def ensure_response(session: Session, round_id: int, organisation_id: int,
                    questionnaire_hash: str) -> Response:
    """``response_of``, or a new draft; of two requests creating it at once, one wins."""
    found = response_of(session, round_id, organisation_id)
    if found is not None:
        return found
    response = Response(round_id=round_id, organisation_id=organisation_id, status="draft",
                        questionnaire_hash=questionnaire_hash)
    try:
        with session.begin_nested():
            session.add(response)
    except IntegrityError:  # another request created it first
        found = response_of(session, round_id, organisation_id)
        assert found is not None
        return found
    return response


def stored_answers(response: Response) -> dict[str, Answer]:
    return {answer.answer_id: answer for answer in response.answers}


def current_values(response: Response) -> dict[str, Value]:
    """Every non-blank stored value, applicable or not (a draft keeps off-route answers)."""
    return {a.answer_id: a.value for a in response.answers if not is_blank(a.value)}


class ConcurrentSave(Exception):
    """Another save of the same answers committed between our read and our write: retry."""


@dataclass(frozen=True)
class _Stored:
    id: int
    value: Value
    version: int
    updated_by: str | None
    updated_at: datetime | None


def _stored_rows(session: Session, response_id: int) -> dict[str, _Stored]:
    rows = session.connection().execute(
        select(_ANSWER.c.answer_id, _ANSWER.c.id, _ANSWER.c.value, _ANSWER.c.version,
               _ANSWER.c.updated_by, _ANSWER.c.updated_at).where(_ANSWER.c.response_id == response_id))
    return {row[0]: _Stored(*row[1:]) for row in rows}


def applicable_changes(q: Questionnaire, stored: Mapping[str, Value], posted: Mapping[str, Value],
                       keep_theirs: Collection[str] = ()) -> dict[str, Value]:
    """The posted answers that may be written: those whose routing applies.

    Routing is evaluated on the stored answers with the posted ones laid over them (a blank
    posted value removes the stored one), so a follow-up posted together with the answer that
    opens it counts. An answer that does not apply is left as it is: a draft keeps its off-route
    answers, and switching back restores them (``submit`` clears them).
    """
    applicable = applicable_after(q, stored, posted)
    return {aid: value for aid, value in posted.items() if aid in applicable and aid not in keep_theirs}


def write_answers(session: Session, response: Response, q: Questionnaire, posted: Mapping[str, Value],
                  seen_versions: Mapping[str, int] | None, actor: str, source: str, *,
                  keep_theirs: Collection[str] = (), replace: bool = False,
                  now: datetime | None = None) -> SaveResult:
    """The one write path for answers: respondents, staff entering answers, import.

    Only answers whose routing applies are written (``applicable_changes``). ``replace``
    (an import): the posted answers are the whole response, so routing is evaluated on them
    alone and every stored answer not among them is cleared. ``posted`` must already be
    cleaned (``clean_value``); conflicts and races are ``save_answers``'s.
    """
    stored = {aid: value for aid, (value, _) in answer_rows(session, response.id).items() if not is_blank(value)}
    changes = applicable_changes(q, {} if replace else stored, posted, keep_theirs)
    if replace:
        changes = {**{aid: None for aid in stored}, **changes}
    return save_answers(session, response, changes, seen_versions, actor, source, now)


def save_answers(session: Session, response: Response, changes: Mapping[str, Value],
                 seen_versions: Mapping[str, int] | None, actor: str, source: str,
                 now: datetime | None = None) -> SaveResult:
    """Write changed values as given; with ``seen_versions``, refuse to overwrite newer edits.

    The application writes through ``write_answers``, which decides what may be written;
    this is the step below it (tests use it to put answers in place).

    ``seen_versions[answer_id]`` is the version the person's page showed (0: no answer then).
    ``changes`` must already be cleaned (survey.values.clean_value) and checked. The writes are
    batched Core statements (one per kind), guarded by the version each row had when read, so
    a save racing another raises ``ConcurrentSave`` instead of losing either.
    """
    if response.status not in EDITABLE and source not in ("import", "staff"):
        raise ResponseLocked(f"response {response.id} is {response.status}")
    now = now or utcnow()
    existing = _stored_rows(session, response.id)
    result = SaveResult()
    inserts: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    history: list[dict[str, object]] = []
    for answer_id, value in changes.items():
        value = None if is_blank(value) else value
        row = existing.get(answer_id)
        old = row.value if row is not None else None
        if (None if is_blank(old) else old) == value:
            continue
        seen = seen_versions.get(answer_id, 0) if seen_versions is not None else None
        if seen is not None and row is not None and row.version != seen:
            if value == value_at(session, response, answer_id, seen):
                continue  # unchanged on this person's page: the newer value stands
            result.conflicts.append(Conflict(answer_id, value, old, row.version, row.updated_by, row.updated_at))
            continue
        if row is None:
            inserts.append({"response_id": response.id, "answer_id": answer_id, "value": value,
                            "version": 1, "updated_at": now, "updated_by": actor})
        else:
            updates.append({"row_id": row.id, "seen": row.version, "new_value": value,
                            "new_version": row.version + 1, "at": now, "by": actor})
        history.append({"response_id": response.id, "answer_id": answer_id, "old_value": old,
                        "new_value": value, "changed_at": now, "changed_by": actor, "source": source})
        result.saved.append(answer_id)
    if result.saved:
        _write(session, response, inserts, updates, history, now)
    return result


def _table(model: type[Base]) -> Table:
    """The model's Core table (the declarative base annotates ``__table__`` as any FROM clause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


_ANSWER, _HISTORY, _RESPONSE = _table(Answer), _table(AnswerHistory), _table(Response)
_UPDATE_ANSWER = (
    update(_ANSWER)
    .where(_ANSWER.c.id == bindparam("row_id"), _ANSWER.c.version == bindparam("seen"))
    .values(value=bindparam("new_value"), version=bindparam("new_version"),
            updated_at=bindparam("at"), updated_by=bindparam("by"))
)


def _write(session: Session, response: Response, inserts: list[dict[str, object]],
           updates: list[dict[str, object]], history: list[dict[str, object]], now: datetime) -> None:
    session.flush()  # pending ORM changes first, so the batches below see them
    connection = session.connection()
    if updates:
        changed = sum(connection.execute(_UPDATE_ANSWER, [row]).rowcount for row in updates) \
            if len(updates) == 1 else connection.execute(_UPDATE_ANSWER, updates).rowcount
        if changed != len(updates):
            raise ConcurrentSave(f"response {response.id}: answers changed while saving")
    if inserts:
        try:
            with session.begin_nested():
                session.connection().execute(_ANSWER.insert(), inserts)
        except IntegrityError as error:
            raise ConcurrentSave(f"response {response.id}: answers created while saving") from error
    connection.execute(_HISTORY.insert(), history)
    connection.execute(update(_RESPONSE).where(_RESPONSE.c.id == response.id)
                       .values(version=_RESPONSE.c.version + 1, updated_at=now))
    # The ORM copies are stale now; reload them on next access.
    for answer in response.__dict__.get("answers", []):
        session.expire(answer)
    session.expire(response)


def value_at(session: Session, response: Response, answer_id: str, version: int) -> Value:
    """The value an answer had at ``version``: every version step wrote one history row."""
    if version <= 0:
        return None
    found = session.execute(
        select(AnswerHistory.new_value)
        .where(AnswerHistory.response_id == response.id, AnswerHistory.answer_id == answer_id)
        .order_by(AnswerHistory.id).offset(version - 1).limit(1)).first()
    return None if found is None or is_blank(found[0]) else found[0]


def answer_rows(session: Session, response_id: int) -> dict[str, tuple[Value, int]]:
    """answer id → (value, version), read without building ORM objects (every page view)."""
    rows = session.execute(select(Answer.answer_id, Answer.value, Answer.version)
                           .where(Answer.response_id == response_id))
    return {answer_id: (value, version) for answer_id, value, version in rows}


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
           now: datetime | None = None, expected_version: int | None = None) -> bool:
    """Move a draft to submitted in one guarded step; False if it was already submitted.

    The UPDATE's WHERE clause is the guard: of two simultaneous clicks only one matches.
    ``expected_version`` is the response version the person reviewed: if anyone saved since,
    nothing is submitted (they must see what they send).
    """
    now = now or utcnow()
    if expected_version is None:
        expected_version = response.version
    guarded = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status.in_(EDITABLE),
               Response.version == expected_version)
        .values(status="submitted", submitted_at=now, submitted_by=actor,
                version=Response.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if matched_rows(guarded) != 1:
        session.refresh(response)
        return False
    session.refresh(response)
    drop_inapplicable(session, response, q, actor, now)
    assign_receipt_number(session, response, q.year)
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


def reopen_response(session: Session, response: Response, reason: str, actor: str) -> None:
    """Let the organisation change a submitted response again (reason recorded twice: in the
    answer history, which the organisation's page shows, and in the audit log)."""
    _require(response.status == "submitted", "Bara ett inskickat svar kan öppnas igen.")
    _require(response.round.state not in ("archived",), "Omgången är arkiverad.")
    _require(bool(reason.strip()), "Ange ett skäl.")
    reopen(session, response, actor, reason)
    record(session, actor, "response.reopen", response.round, response.organisation,
           reason=reason.strip())
