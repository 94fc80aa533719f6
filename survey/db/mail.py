"""Organisations' contacts, mail templates and every mail sent."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import Base, Timestamp, _one_of, utcnow

if TYPE_CHECKING:
    from survey.db.catalog import Organisation



MAIL_KINDS = ("invitation", "reminder")


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


MAIL_STATUSES = ("queued", "sending", "sent", "failed")


class Mailing(Base):
    """One sending of invitations or reminders as staff asked for it; its messages are the
    ``SentMail`` rows, delivered by the job queue."""

    __tablename__ = "mailing"
    __table_args__ = (sa.CheckConstraint(_one_of("kind", MAIL_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(254))


class SentMail(Base):
    """Every message of a mailing: to whom, the text, whether it is queued, sent or failed
    (with the SMTP server's reply), when and through which backend."""

    __tablename__ = "sent_mail"
    __table_args__ = (
        sa.CheckConstraint(_one_of("kind", MAIL_KINDS), name="kind"),
        sa.CheckConstraint(_one_of("status", MAIL_STATUSES), name="status"),
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_when_sent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id"), index=True)
    mailing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mailing.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    sender: Mapped[str] = mapped_column(sa.String(300), default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    queued_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)
    sent_by: Mapped[str] = mapped_column(sa.String(254))
    backend: Mapped[str] = mapped_column(sa.String(16), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)

    organisation: Mapped[Organisation] = relationship()
