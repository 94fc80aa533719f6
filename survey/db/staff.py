"""Staff accounts, their sessions, the audit log and throttling.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import STAFF_ROLES, Base, Timestamp, _one_of, utcnow

if TYPE_CHECKING:
    from survey.db.catalog import Organisation



class StaffUser(Base):
    """Socialstyrelsen staff who manage rounds (admin) or read results (analyst)."""

    __tablename__ = "staff_user"
    __table_args__ = (sa.CheckConstraint(_one_of("role", STAFF_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lowercased
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)



class ThrottleState(Base):
    """One rate-limited key (a client address, an account at an address): its attempts in the
    current window or failures in a row, and until when it must wait. Shared by all workers."""

    __tablename__ = "throttle_state"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(Timestamp)


SESSION_END_REASONS = ("logout", "idle", "absolute", "disabled", "admin", "password")


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "staff_session"
    __table_args__ = (
        sa.CheckConstraint(_one_of("end_reason", SESSION_END_REASONS), name="end_reason"),
        sa.CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)
    end_reason: Mapped[str | None] = mapped_column(sa.String(16))
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    user: Mapped[StaffUser] = relationship()


class AuditEvent(Base):
    """One recorded action: who, when, what, on which round / organisation, with details."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(64))
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("round.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    organisation: Mapped[Organisation | None] = relationship()
