"""A throwaway PostgreSQL database per test, for tests that must also run on PostgreSQL.

``tests/conftest.py`` registers the ``postgres_url`` fixture; ``throwaway_database`` serves its
per-test databases too.
The server defaults to the local one with trust auth; ``TEST_PG_URL`` points elsewhere.
Without a server the tests are skipped on a developer's machine, but fail under CI (``CI``
set), so a missing PostgreSQL cannot turn the suite silently green there.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
import sqlalchemy as sa

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def admin_url() -> sa.URL:
    """URL of the maintenance database used to create and drop the throwaway ones."""
    return sa.make_url(os.environ.get("TEST_PG_URL", DEFAULT_ADMIN_URL))


def _admin_engine(url: sa.URL) -> sa.Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _unreachable(url: sa.URL, error: Exception) -> NoReturn:
    """Skip locally, fail under CI: CI must exercise PostgreSQL."""
    cause = str(getattr(error, "orig", error)).strip().splitlines()[0]
    reason = f"PostgreSQL not reachable at {url.render_as_string(hide_password=True)}: {cause}"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def throwaway_database(prefix: str = "survey_test", template: str | None = None) -> Iterator[str]:
    """Create a database with a random name (optionally from a template), yield its URL and
    name, drop it afterwards. Skips (or fails under CI) when no server answers."""
    url = admin_url()
    engine = _admin_engine(url)
    name = f"{prefix}_{secrets.token_hex(6)}"
    clause = f' TEMPLATE "{template}"' if template else ""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    except sa.exc.OperationalError as error:
        engine.dispose()
        _unreachable(url, error)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            # FORCE ends sessions a failed test may have leaked (PostgreSQL 13+).
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty throwaway database's URL."""
    with throwaway_database() as url:
        yield url
