"""Tables for the results part of the engine (registered on Base.metadata via survey.models).

A ``ResultSnapshot`` is a data freeze: a round's answers, population and aggregated results
at one moment, as canonical JSON with its SHA-256. Exports of a frozen round are made from
the snapshot, so they give the same numbers years later even if a response is reopened.
Snapshots are versioned per round and never change: database triggers (migration
0004_results) reject deleting one or editing its content. Lifting a freeze only records
who lifted it and why; the next freeze is a new version.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Base, Timestamp, utcnow

if TYPE_CHECKING:
    from survey.db.rounds import Round



class ResultSnapshot(Base):
    """Version ``version`` of a round's frozen results; the round is frozen while the
    newest snapshot is not lifted."""

    __tablename__ = "result_snapshot"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # A lift is always attributed and explained.
        sa.CheckConstraint(
            "(lifted_at IS NULL AND lifted_by IS NULL AND lift_reason IS NULL)"
            " OR (lifted_at IS NOT NULL AND lifted_by IS NOT NULL AND lift_reason IS NOT NULL)",
            name="lifted_with_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    questionnaire_hash: Mapped[str] = mapped_column(sa.String(64))
    content_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the canonical data
    population: Mapped[int]
    submitted: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    lifted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    lifted_by: Mapped[str | None] = mapped_column(sa.String(254))
    lift_reason: Mapped[str | None] = mapped_column(sa.Text)

    round: Mapped[Round] = relationship()
