"""Connection settings that must hold for every engine the app or the CLI creates."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys only when asked, per connection; WAL lets gunicorn's
    workers read while one writes, and the busy timeout makes writers queue, not fail."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection: Any, _name: str) -> None:
    """pysqlite begins a transaction only before INSERT, UPDATE or DELETE. A SAVEPOINT issued
    before that opens a transaction of its own, and its RELEASE then commits: a save that
    failed half-way would leave its first rows behind. Begin the transaction first, so a
    savepoint is nested in the request's one transaction, as on PostgreSQL."""
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        raw.execute("BEGIN")
