"""Bring a database to the newest schema and load the registry and questionnaires.

Idempotent: running it twice changes nothing. Sessions are flushed here and committed by the
caller (the CLI command), once.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import Organisation, QuestionnaireVersion
from survey.questionnaire import Questionnaire, load_folder
from survey.questionnaire.serialize import content_hash, normalised
from survey.questionnaire.stored import from_normalised
from survey.registry import load_registry


def sync_registry(session: Session) -> tuple[int, int]:
    """Insert new organisations and update changed names; return (added, updated)."""
    existing = {org.code: org for org in session.scalars(select(Organisation))}
    added = updated = 0
    for entry in load_registry():
        row = existing.get(entry.code)
        if row is None:
            session.add(Organisation(code=entry.code, name=entry.name, kind=entry.kind,
                                     county=entry.county, county_name=entry.county_name))
            added += 1
        elif (row.name, row.kind, row.county, row.county_name) != (
                entry.name, entry.kind, entry.county, entry.county_name):
            row.name, row.kind = entry.name, entry.kind
            row.county, row.county_name = entry.county, entry.county_name
            updated += 1
    session.flush()
    return added, updated


def stored_version(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The stored version with this content: by its hash, or (a version stored before the hash
    left out source positions) by the hash of its rebuilt definition."""
    versions = session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire.id)).all()
    return next((v for v in versions if v.content_hash == questionnaire.content_hash), None) or next(
        (v for v in versions if content_hash(from_normalised(v.definition)) == questionnaire.content_hash), None)


def store_questionnaire(session: Session, questionnaire: Questionnaire) -> tuple[QuestionnaireVersion, bool]:
    """The stored version with this content, inserted if new; (version, created)."""
    found = stored_version(session, questionnaire)
    if found is not None:
        return found, False
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id, title=questionnaire.title,
        family=questionnaire.family, year=questionnaire.year,
        respondent_kind=questionnaire.respondent_kind,
        content_hash=questionnaire.content_hash, definition=normalised(questionnaire),
        source_path=questionnaire.source_path)
    session.add(version)
    session.flush()
    return version, True


def sync_questionnaires(session: Session, folder: Path) -> list[tuple[str, bool]]:
    return [(q.id, store_questionnaire(session, q)[1]) for q in load_folder(folder).values()]
