"""Tables for the reflection part of the engine (registered on Base.metadata via survey.models).

Free-text themes and quotes are per round: staff keep a list of themes (seeded with 2025's
six), tag each free-text answer (q22, comments, «Annat» specifications) with any number of
them, and choose the quotes that go on the slides. An organisation's reflection notes are per
round and question key, versioned so two people editing through the same link cannot
silently overwrite each other. A round's reflection publication records who opened the
reflection pages and with which reflection questions.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Base, Timestamp, utcnow

if TYPE_CHECKING:
    from survey.db.catalog import Organisation
    from survey.db.responses import Response
    from survey.db.rounds import Round



class Theme(Base):
    __tablename__ = "theme"
    __table_args__ = (sa.UniqueConstraint("round_id", "name"),
                      sa.CheckConstraint("length(name) > 0", name="name_not_empty"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    round: Mapped[Round] = relationship()
    assignments: Mapped[list[ThemeAssignment]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", passive_deletes=True)


class ThemeAssignment(Base):
    """One theme on one free-text answer (an answer may carry several themes)."""

    __tablename__ = "theme_assignment"
    __table_args__ = (sa.UniqueConstraint("theme_id", "response_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("theme.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[str] = mapped_column(sa.String(64))
    assigned_by: Mapped[str] = mapped_column(sa.String(254))
    assigned_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    theme: Mapped[Theme] = relationship(back_populates="assignments")
    response: Mapped[Response] = relationship()


class Quote(Base):
    """A free-text answer (or an excerpt of it) chosen for the slides."""

    __tablename__ = "quote"
    __table_args__ = (sa.UniqueConstraint("response_id", "answer_id"),
                      sa.CheckConstraint("length(text) > 0", name="text_not_empty"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id", ondelete="CASCADE"))
    answer_id: Mapped[str] = mapped_column(sa.String(64))
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("theme.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    chosen_by: Mapped[str] = mapped_column(sa.String(254))
    chosen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    response: Mapped[Response] = relationship()
    theme: Mapped[Theme | None] = relationship()


class ReflectionNote(Base):
    """An organisation's own notes on one reflection question («general» for its overall notes)."""

    __tablename__ = "reflection_note"
    __table_args__ = (sa.UniqueConstraint("round_id", "organisation_id", "question_key"),
                      sa.CheckConstraint("version >= 1", name="version_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    question_key: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(254))

    organisation: Mapped[Organisation] = relationship()


class ReflectionPublication(Base):
    """The round's reflection is open to its organisations; with the questions they reflect on."""

    __tablename__ = "reflection_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), unique=True)
    questions: Mapped[Any] = mapped_column(sa.JSON)  # [{"stem": …, "items": […]}, …]
    published_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    published_by: Mapped[str] = mapped_column(sa.String(254))

    round: Mapped[Round] = relationship()
