"""Rounds, their member organisations, access links and identified respondents.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db.base import ROUND_STATES, Base, Timestamp, _one_of, utcnow

if TYPE_CHECKING:
    from survey.db.catalog import Organisation, QuestionnaireVersion
    from survey.db.responses import Response


class Round(Base):
    """One yearly sending of a questionnaire to a set of organisations."""

    __tablename__ = "round"
    __table_args__ = (
        sa.CheckConstraint(_one_of("state", ROUND_STATES), name="state"),
        sa.CheckConstraint("closes_on >= opens_on", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    questionnaire_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaire_version.id"), index=True
    )
    opens_on: Mapped[date] = mapped_column(sa.Date)
    closes_on: Mapped[date] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(16), default="planned")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    results_published_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # When staff closed the round (it may be before ``closes_on``); cleared when it reopens.
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship(back_populates="rounds")
    members: Mapped[list[RoundOrganisation]] = relationship(
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True
    )
    responses: Mapped[list[Response]] = relationship(back_populates="round")


class RoundOrganisation(Base):
    """An organisation invited to a round, with its own deadline extension if granted."""

    __tablename__ = "round_organisation"
    __table_args__ = (sa.UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    extended_until: Mapped[date | None] = mapped_column(sa.Date)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)

    round: Mapped[Round] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    access_links: Mapped[list[AccessLink]] = relationship(
        back_populates="member", cascade="all, delete-orphan", passive_deletes=True
    )
    respondents: Mapped[list[Respondent]] = relationship(
        back_populates="member", cascade="all, delete-orphan", passive_deletes=True
    )


class AccessLink(Base):
    """A secret link for one invited organisation.

    Only the sha256 of the token is stored; the token is re-derivable from the app secret and
    ``nonce``, so staff can resend a link without the database ever holding it.
    """

    __tablename__ = "access_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("round_organisation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    nonce: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    member: Mapped[RoundOrganisation] = relationship(back_populates="access_links")


class Respondent(Base):
    """A person who used an organisation's link: attribution for answers, not a login."""

    __tablename__ = "respondent"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("round_organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    member: Mapped[RoundOrganisation] = relationship(back_populates="respondents")
    sessions: Mapped[list[RespondentSession]] = relationship(
        back_populates="respondent", cascade="all, delete-orphan", passive_deletes=True
    )


class RespondentSession(Base):
    """A browser where a respondent gave their name: the cookie holds a random key, the table
    its SHA-256, so «Spara och fortsätt senare» can end it for good (a copied cookie then no
    longer acts as that person)."""

    __tablename__ = "respondent_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    respondent_id: Mapped[int] = mapped_column(
        sa.ForeignKey("respondent.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)

    respondent: Mapped[Respondent] = relationship(back_populates="sessions")
