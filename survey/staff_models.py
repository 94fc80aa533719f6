"""Tables for the staff part of the engine (registered on Base.metadata via survey.models).

Staff sessions live here rather than in the cookie, so logging out, disabling a user or an
administrator can end them at once on every worker. The audit log is append-only (triggers
in migration 0003, like ``answer_history``): every change staff make to a round, a deadline,
a response, a contact or an account is one row. Mail is logged without its body, because
the body carries the organisation's secret link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models import Base, Organisation, StaffUser, Timestamp, _one_of, utcnow

SESSION_END_REASONS = ("logout", "idle", "absolute", "disabled", "admin", "password")
MAIL_KINDS = ("invitation", "reminder")


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


class OrganisationContact(Base):
    """Who receives an organisation's mail: the registrar and the person who answers."""

    __tablename__ = "organisation_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), unique=True)
    registrar_email: Mapped[str] = mapped_column(sa.String(254), default="")
    respondent_name: Mapped[str] = mapped_column(sa.String(200), default="")
    respondent_email: Mapped[str] = mapped_column(sa.String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(254), default="")

    organisation: Mapped[Organisation] = relationship()


class MailTemplate(Base):
    """A round's edited invitation or reminder text (the built-in Swedish text otherwise)."""

    __tablename__ = "mail_template"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "kind"),
        sa.CheckConstraint(_one_of("kind", MAIL_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(254))


class SentMail(Base):
    """Every message handed to the mail backend: when, to whom, which template, outcome."""

    __tablename__ = "sent_mail"
    __table_args__ = (sa.CheckConstraint(_one_of("kind", MAIL_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    sent_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_by: Mapped[str] = mapped_column(sa.String(254))
    backend: Mapped[str] = mapped_column(sa.String(16))
    ok: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str | None] = mapped_column(sa.Text)

    organisation: Mapped[Organisation] = relationship()
