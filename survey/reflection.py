"""An organisation's reflection on the published results, and the publishing itself.

``build_reflection`` is pure: from the questionnaire, the national results, the
organisation's own (effective) answers and, where there are any, its county's results and a
comparison with last year, it makes the view every channel shows (the page, the PowerPoint,
the Excel file): per question its own answer beside the distribution, whether it differs
from most others, and last year's answer. The database functions below load those inputs,
publish a round's reflection and keep the organisation's notes (versioned: the form carries
the version it showed, and a newer save is reported as a conflict, not overwritten).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.aggregation.aggregate import OrgInfo, RoundResults, aggregate_by
from survey.aggregation.compare import compare
from survey.db import (
    AccessLink,
    Organisation,
    QuestionnaireVersion,
    ReflectionNote,
    ReflectionPublication,
    Round,
    RoundOrganisation,
    utcnow,
)
from survey.errors import Refused
from survey.formatting import today
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import Value
from survey.reports.deck import ReflectionQuestion, default_reflection_questions
from survey.reports.reflection import Reflection, build_reflection
from survey.results import round_data
from survey.rounds.lifecycle import questionnaire_of, round_state
from survey.rounds.links import looks_like_token, token_hash
from survey.text import clean_text

NOTE_LIMIT = 10_000


@dataclass(frozen=True)
class NoteConflict:
    key: str
    theirs: str
    version: int  # the stored version: posting the form again with it overwrites, knowingly
    changed_by: str | None
    changed_at: datetime | None


# -- the database side: publishing, loading an organisation's reflection, notes -------------
class ReflectionError(Refused):
    """A request the reflection cannot honour; the message is for the user (Swedish)."""


def publication(session: Session, round_: Round) -> ReflectionPublication | None:
    return session.scalar(select(ReflectionPublication).where(ReflectionPublication.round_id == round_.id))


def is_published(session: Session, round_: Round) -> bool:
    return round_.results_published_at is not None and publication(session, round_) is not None


def publish(session: Session, round_: Round, actor: str,
            questions: Sequence[ReflectionQuestion] | None = None, now: datetime | None = None) -> None:
    """Open the results and each organisation's reflection pages (a closed round only)."""
    if round_state(round_, today()) not in ("closed", "archived"):
        raise ReflectionError("Resultaten kan publiceras först när omgången är stängd.")
    chosen = tuple(questions or default_reflection_questions(questionnaire_of(round_)))
    document = [{"stem": question.stem, "items": list(question.items)} for question in chosen]
    now = now or utcnow()
    found = publication(session, round_)
    if found is None:
        session.add(ReflectionPublication(round_id=round_.id, questions=document, published_at=now,
                                          published_by=actor))
    else:
        found.questions, found.published_at, found.published_by = document, now, actor
    round_.results_published_at = now
    session.flush()


def unpublish(session: Session, round_: Round) -> None:
    found = publication(session, round_)
    if found is not None:
        session.delete(found)
    round_.results_published_at = None
    session.flush()


def published_questions(session: Session, round_: Round) -> tuple[ReflectionQuestion, ...]:
    found = publication(session, round_)
    if found is None:
        return default_reflection_questions(questionnaire_of(round_))
    return tuple(ReflectionQuestion(entry["stem"], tuple(entry.get("items", []))) for entry in found.questions)


def member_for_token(session: Session, token: str) -> RoundOrganisation | None:
    """The invited organisation a (respondent) link belongs to, if the link is live."""
    if not looks_like_token(token):
        return None
    return session.scalar(select(RoundOrganisation).join(AccessLink).where(
        AccessLink.token_hash == token_hash(token), AccessLink.revoked_at.is_(None)))


def previous_round(session: Session, round_: Round) -> Round | None:
    """The latest earlier round of the same family and kind whose results are published."""
    version = round_.questionnaire_version
    candidates = session.scalars(
        select(Round).join(QuestionnaireVersion).where(
            QuestionnaireVersion.family == version.family,
            QuestionnaireVersion.respondent_kind == version.respondent_kind,
            QuestionnaireVersion.year < version.year, Round.results_published_at.is_not(None))
        .order_by(QuestionnaireVersion.year.desc(), Round.id.desc()))
    return next(iter(candidates), None)


@dataclass(frozen=True)
class Loaded:
    """An organisation's reflection with what its deck is drawn from."""

    reflection: Reflection
    results: RoundResults
    own: dict[str, Value]


def load_reflection(session: Session, round_: Round, org: Organisation) -> Loaded:
    data = round_data(session, round_)
    q, results = data.questionnaire, data.results()
    own_response = next((r for r in data.responses if r.organisation.code == org.code), None)
    own = dict(own_response.answers) if own_response and own_response.status == "submitted" else {}
    county = None
    if q.respondent_kind == "kommun":
        groups = aggregate_by(q, data.responses, data.population, key=lambda o: o.county)
        if org.county in groups:
            county = (f"Kommunerna i {org.county_name}", groups[org.county])
    comparison = before = None
    earlier = previous_round(session, round_)
    if earlier is not None:
        old = round_data(session, earlier)
        comparison = compare(old.questionnaire, old.results(), q, results)
        mine = next((r for r in old.responses if r.organisation.code == org.code), None)
        before = dict(mine.answers) if mine and mine.status == "submitted" else {}
    info = OrgInfo(org.code, org.name, org.kind, org.county, org.county_name)
    reflection = build_reflection(q, results, info, own, applicable_ids(q, own) if own else set(), county,
                                  comparison, before, published_questions(session, round_))
    return Loaded(reflection, results, own)


def note_texts(session: Session, round_: Round, org: Organisation) -> dict[str, str]:
    return {key: row.text for key, row in notes(session, round_, org).items()}


def notes(session: Session, round_: Round, org: Organisation) -> dict[str, ReflectionNote]:
    rows = session.scalars(select(ReflectionNote).where(ReflectionNote.round_id == round_.id,
                                                        ReflectionNote.organisation_id == org.id))
    return {row.question_key: row for row in rows}


def save_notes(session: Session, round_: Round, org: Organisation, texts: Mapping[str, str],
               seen: Mapping[str, int], actor: str) -> list[NoteConflict]:
    """Store changed notes; a note changed by someone else since the form was shown is left
    alone and returned as a conflict."""
    existing = notes(session, round_, org)
    conflicts = []
    for key, text in texts.items():
        text = clean_text(text).strip()
        if len(text) > NOTE_LIMIT:
            raise ReflectionError(f"Anteckningen är {len(text)} tecken lång; högst {NOTE_LIMIT} tecken får plats.")
        row = existing.get(key)
        if row is None:
            if text:
                session.add(ReflectionNote(round_id=round_.id, organisation_id=org.id, question_key=key,
                                           text=text, version=1, updated_by=actor))
            continue
        if row.text == text:
            continue
        if row.version != seen.get(key, 0):
            conflicts.append(NoteConflict(key, row.text, row.version, row.updated_by, row.updated_at))
            continue
        row.text, row.version, row.updated_by = text, row.version + 1, actor
    session.flush()
    return conflicts
