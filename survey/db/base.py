"""The declarative base, its naming convention, the column types and the value sets.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

from survey.formatting import as_utc

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

class Timestamp(sa.types.TypeDecorator[datetime]):
    """A moment in time, always handed to Python as an aware UTC ``datetime``.

    PostgreSQL stores ``timestamp with time zone`` and returns aware values (in the
    connection's zone); SQLite keeps no offset at all and returns naive ones. Values are
    written in UTC (a naive value is taken to be UTC already) and read back as UTC on both,
    so no caller needs to ask which backend it is on. The SQL type stays
    ``DateTime(timezone=True)``: the migrations and the schema do not change.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def utcnow() -> datetime:
    """Aware UTC now; passed as a callable default so it runs per row, not once at import."""
    return datetime.now(UTC)


def matched_rows(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through ``Session.execute`` matched.

    The session returns a ``CursorResult`` for them, which has the count; its annotation
    promises only a ``Result``, which has not.
    """
    assert isinstance(result, sa.CursorResult)
    return result.rowcount


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values`` (our own constants only)."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
