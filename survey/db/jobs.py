"""Work that outlives a request and what staff see of it: imports of answer files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from survey.db.base import Base, Timestamp, _one_of, utcnow

IMPORT_STATUSES = ("queued", "running", "done", "rejected", "failed")


class ImportJob(Base):
    """An answer file staff uploaded, checked and stored by a worker; the page shows its
    progress (rows read) and then the outcome: the report, or the first problems and how
    many there were. The file itself is dropped once the job has finished."""

    __tablename__ = "import_job"
    __table_args__ = (sa.CheckConstraint(_one_of("status", IMPORT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    rows_read: Mapped[int] = mapped_column(default=0)
    problem_count: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
