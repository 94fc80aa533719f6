"""The files people download, assembled: load from the database with the services, then build
the bytes with ``exports``. The views and the CLI call these; the core never imports ``exports``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey.db import (
    Organisation,
    Round,
)
from survey.reflection import load_reflection, note_texts


def reflection_pptx(session: Session, round_: Round, org: Organisation) -> bytes:
    from exports.pptx_reflection import ReflectionDeckInput, build_reflection_deck

    loaded = load_reflection(session, round_, org)
    return build_reflection_deck(ReflectionDeckInput(loaded.reflection, loaded.results, loaded.own,
                                                     note_texts(session, round_, org)))


def reflection_xlsx(session: Session, round_: Round, org: Organisation) -> bytes:
    from exports.xlsx_reflection import build_reflection_xlsx

    loaded = load_reflection(session, round_, org)
    return build_reflection_xlsx(loaded.reflection, note_texts(session, round_, org), loaded.own)
