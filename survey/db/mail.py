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
