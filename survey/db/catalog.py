"""The organisation registry and the stored questionnaire versions.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import ORGANISATION_KINDS, Base, Timestamp, _one_of, utcnow

if TYPE_CHECKING:
    from survey.db.rounds import Round, RoundOrganisation


class Organisation(Base):
    """A region or municipality, seeded from ``survey.registry``."""

    __tablename__ = "organisation"
    __table_args__ = (sa.CheckConstraint(_one_of("kind", ORGANISATION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(4), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(16))
    county: Mapped[str] = mapped_column(sa.String(2))
    county_name: Mapped[str] = mapped_column(sa.String(200))

    memberships: Mapped[list[RoundOrganisation]] = relationship(back_populates="organisation")


class QuestionnaireVersion(Base):
    """One exact questionnaire definition; every round and response points at its hash."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(sa.String(64))  # e.g. "regioner-2025"
    title: Mapped[str] = mapped_column(sa.String(300))
    family: Mapped[str] = mapped_column(sa.String(64))
    year: Mapped[int]
    respondent_kind: Mapped[str] = mapped_column(sa.String(16))
    content_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 hex
    definition: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # the normalised definition
    source_path: Mapped[str] = mapped_column(sa.String(500))
    loaded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # Who loaded it: "survey setup" for the files shipped with the engine, else the staff
    # member who uploaded it (the audit log has the same event).
    loaded_by: Mapped[str] = mapped_column(sa.String(200), default="survey setup", server_default="survey setup")

    rounds: Mapped[list[Round]] = relationship(back_populates="questionnaire_version")
