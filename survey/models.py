"""Database tables of the survey engine, as typed SQLAlchemy 2 models.

No Flask here: the CLI, the migrations and the tests use the models without an app. The
invariants that must hold whatever code writes the data (one response per organisation and
round, one row per answer id, ``submitted_at`` set exactly when submitted, an append-only
answer history) are constraints in the schema, mirrored by ``migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names, so later migrations can drop or alter them by name (SQLite's
# batch mode and PostgreSQL both need that).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORGANISATION_KINDS = ("region", "kommun")
ROUND_STATES = ("planned", "open", "closed", "archived")
RESPONSE_STATUSES = ("draft", "submitted", "reopened")
HISTORY_SOURCES = ("respondent", "staff", "import", "submit", "system")
STAFF_ROLES = ("admin", "analyst")

Timestamp = sa.DateTime(timezone=True)


def utcnow() -> datetime:
    """Aware UTC now; passed as a callable default so it runs per row, not once at import."""
    return datetime.now(UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values`` (our own constants only)."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


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

    rounds: Mapped[list[Round]] = relationship(back_populates="questionnaire_version")


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



class ThrottleEvent(Base):
    """One rate-limited attempt (a login, a wrong token), shared by all workers."""

    __tablename__ = "throttle_event"
    __table_args__ = (sa.Index("ix_throttle_event_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

# Tables of other concerns live beside their code. Importing them here registers them on
# Base.metadata, so Alembic, the schema tests and create_all always see every table.
from survey import staff_models, results_models, reflection_models  # noqa: E402, F401, I001
