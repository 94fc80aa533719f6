"""Responses, their answers (one row per answer id) and the append-only answer history.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import HISTORY_SOURCES, RESPONSE_STATUSES, Base, Timestamp, _one_of, utcnow

if TYPE_CHECKING:
    from survey.db.catalog import Organisation
    from survey.db.rounds import Round


class Response(Base):
    """An organisation's answers to a round: one per (round, organisation), by constraint.

    ``version`` is bumped by the service on every save; forms carry it back for optimistic
    concurrency across the browser round trip.
    """

    __tablename__ = "response"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "organisation_id"),
        sa.CheckConstraint(_one_of("status", RESPONSE_STATUSES), name="status"),
        # submitted_at is set exactly when the response is submitted.
        sa.CheckConstraint(
            "(status = 'submitted' AND submitted_at IS NOT NULL)"
            " OR (status <> 'submitted' AND submitted_at IS NULL)",
            name="submitted_at_iff_submitted",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    submitted_by: Mapped[str | None] = mapped_column(sa.String(254))
    version: Mapped[int] = mapped_column(default=1)
    questionnaire_hash: Mapped[str] = mapped_column(sa.String(64))
    # «PS-2025-0180-7K3Q»: given at the first submission and kept (a resubmission keeps it).
    receipt_number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship(back_populates="responses")
    organisation: Mapped[Organisation] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )
    # Read-only: history rows are added explicitly and never changed through a response.
    history: Mapped[list[AnswerHistory]] = relationship(order_by="AnswerHistory.id", viewonly=True)


class Answer(Base):
    """The current value of one answer id; ``version`` guards it against lost updates."""

    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("response_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id", ondelete="CASCADE"))
    answer_id: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[Any] = mapped_column(sa.JSON)  # a string, or a list of strings
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(254))

    response: Mapped[Response] = relationship(back_populates="answers")


class AnswerHistory(Base):
    """Every change of an answer, who made it and through which channel.

    Append-only: database triggers (see the initial migration) reject UPDATE and DELETE, so
    the audit trail holds even against a buggy service or a hand-typed SQL session.
    """

    __tablename__ = "answer_history"
    __table_args__ = (sa.CheckConstraint(_one_of("source", HISTORY_SOURCES), name="source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("response.id"), index=True)
    answer_id: Mapped[str] = mapped_column(sa.String(64))
    # None is SQL NULL here (no value before / after), not the JSON literal null.
    old_value: Mapped[Any | None] = mapped_column(sa.JSON(none_as_null=True))
    new_value: Mapped[Any | None] = mapped_column(sa.JSON(none_as_null=True))
    changed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    changed_by: Mapped[str] = mapped_column(sa.String(254))
    source: Mapped[str] = mapped_column(sa.String(16))

    response: Mapped[Response] = relationship()
