"""Questionnaire versions as staff manage them: upload, list, last year's version, changes.

A definition arrives as YAML or as an XLSForm workbook and is validated in full before
anything is stored: on any problem nothing is written and every problem is listed (file,
sheet, row, id). A stored version is immutable; a planned round can be pointed at a new one
(``survey.rounds.lifecycle.attach_version``), an open round keeps the one it opened with.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.aggregation.compare import DefinitionChange, definition_changes
from survey.db import QuestionnaireVersion, Round
from survey.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire
from survey.questionnaire.loader import load_xlsform
from survey.questionnaire.stored import from_normalised
from survey.questionnaire.yamlsource import Problem
from survey.setup import store_questionnaire
from survey.staff.audit import record

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_SAFE_NAME = "".join(chr(c) for c in range(128) if chr(c).isalnum()) + "-_."


def _display_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name or "definition"
    return "".join(ch if ch in _SAFE_NAME else "_" for ch in name)[:120]


def read_definition(data: bytes, filename: str) -> Questionnaire:
    """Validate an uploaded YAML file or XLSForm; raise ``QuestionnaireError`` listing every problem."""
    name = _display_name(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise QuestionnaireError([Problem(name, 1, None, f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")])
    if data.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        return load_xlsform(data, name)
    if not name.lower().endswith((".yaml", ".yml")):
        name += ".yaml"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return load_questionnaire(path)
        except QuestionnaireError as error:  # name the upload, not the temporary folder
            raise QuestionnaireError([Problem(name, p.line, p.item_id, p.message) for p in error.problems]) from None


def upload(session: Session, q: Questionnaire, actor: str, filename: str) -> tuple[QuestionnaireVersion, bool]:
    """Store a validated definition as a new version (or find the identical one); audited."""
    version, created = store_questionnaire(session, q)
    if created:
        version.loaded_by = actor
        version.source_path = _display_name(filename)
        record(session, actor, "questionnaire.upload", questionnaire=q.id, hash=q.content_hash,
               file=version.source_path)
    return version, created


def all_versions(session: Session) -> dict[str, list[QuestionnaireVersion]]:
    """Every stored version by questionnaire id, newest first; ids by year, newest first."""
    versions = session.scalars(select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.year.desc(), QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.id.desc()))
    grouped: dict[str, list[QuestionnaireVersion]] = {}
    for version in versions:
        grouped.setdefault(version.questionnaire_id, []).append(version)
    return grouped


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    return from_normalised(version.definition, version.content_hash)


def previous_year(session: Session, version: QuestionnaireVersion) -> QuestionnaireVersion | None:
    """The newest version of the same family and kind from an earlier year."""
    return session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.family == version.family,
        QuestionnaireVersion.respondent_kind == version.respondent_kind,
        QuestionnaireVersion.year < version.year,
    ).order_by(QuestionnaireVersion.year.desc(), QuestionnaireVersion.id.desc()).limit(1))


def changes_since(session: Session, version: QuestionnaireVersion) -> tuple[QuestionnaireVersion | None,
                                                                          list[DefinitionChange]]:
    before = previous_year(session, version)
    if before is None:
        return None, []
    return before, definition_changes(definition_of(before), definition_of(version))


def rounds_of(session: Session, version: QuestionnaireVersion) -> list[Round]:
    return list(session.scalars(select(Round).where(Round.questionnaire_version_id == version.id)
                                .order_by(Round.opens_on.desc())))


def planned_rounds_for(session: Session, version: QuestionnaireVersion) -> list[Round]:
    """Rounds that could ask ``version``: planned, for the same kind of organisation."""
    rounds = session.scalars(select(Round).where(Round.state == "planned").order_by(Round.opens_on))
    return [r for r in rounds if r.questionnaire_version.respondent_kind == version.respondent_kind]
