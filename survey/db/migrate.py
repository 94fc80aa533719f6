"""Run the Alembic migrations from code, without an alembic.ini.

The CLI (at deploy) and the tests both call ``upgrade``; keeping the configuration here means
there is one place that knows where the scripts live and which database they target. The
migrations folder is found next to the ``survey`` package: the project is installed editable
from its source tree.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

MIGRATIONS_FOLDER = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic ``Config`` for ``database_url`` (``sqlite:///…`` or ``postgresql+psycopg://…``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER))
    config.set_main_option("path_separator", "os")
    # The value goes through configparser interpolation: a literal % must be doubled, as
    # in a URL-encoded password.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Bring the schema of ``database_url`` up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def current_heads(database_url: str) -> tuple[str, ...]:
    """The revisions the database is at (several while branches are unmerged); () if new."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    finally:
        engine.dispose()


def script_heads(database_url: str) -> tuple[str, ...]:
    """The newest revisions of the migration scripts."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config(database_url)).get_heads()))
