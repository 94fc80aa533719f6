"""Alembic environment: the URL comes from the Config built in ``survey.db.migrate``.

SQLite runs in batch mode (``render_as_batch``), because it can only alter a table by copying
it; PostgreSQL runs the same scripts with plain ALTERs.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context

from survey.db import Base

config = context.config
target_metadata = Base.metadata
SUPPORTED = ("sqlite", "postgresql")  # the migrations' triggers are written for these two


def _configure_options(dialect_name: str) -> dict[str, Any]:
    if dialect_name not in SUPPORTED:
        raise RuntimeError(f"The database {dialect_name or '(unknown)'} is not supported: the migrations "
                           "(and their append-only and immutability triggers) exist for SQLite and PostgreSQL only.")
    return {
        "target_metadata": target_metadata,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
    }


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade --sql``) instead of touching a database."""
    url = config.get_main_option("sqlalchemy.url")
    dialect_name = sa.engine.make_url(url).get_backend_name() if url else ""
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_configure_options(dialect_name),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate a live database: the caller's connection if it passed one, else the URL's."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no sqlalchemy.url: build the config with survey.migrate")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            _run_on(connection)
    finally:
        engine.dispose()


def _run_on(connection: sa.Connection) -> None:
    context.configure(connection=connection, **_configure_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
