"""Fixtures: an app on a fresh, migrated database per test, on SQLite and on PostgreSQL; its
clients, plain and signed in as staff; an open round of three municipalities.

A migrated template database (registry and 2025 questionnaires loaded) is made once per
backend per session; each test gets a copy (a file copy for SQLite, ``CREATE DATABASE …
TEMPLATE`` for PostgreSQL), so tests are isolated and still fast. ``TEST_BACKENDS`` chooses
backends (default ``sqlite,postgres``); PostgreSQL is skipped with a reason when no server
answers, except under CI, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from survey.db import Round, StaffUser
from survey.db.migrate import upgrade
from survey.setup import sync_questionnaires, sync_registry
from survey.web.extensions import db
from tests.browser import browser, live_server, page  # noqa: F401  (one definition for all modules)
from tests.fuzz_helpers import world  # noqa: F401  (the fuzz tests' round, respondent and staff)
from tests.helpers import QUESTIONNAIRES, make_app
from tests.pg import postgres_url, throwaway_database  # noqa: F401  (postgres_url: a fixture)
from tests.staff_helpers import ADMIN, ANALYST, IsolatedClient, login, make_staff, new_round

BACKENDS = [b.strip() for b in os.environ.get("TEST_BACKENDS", "sqlite,postgres").split(",") if b.strip()]


def _seed(url: str) -> None:
    upgrade(url)
    engine = sa.create_engine(url)
    with sa.orm.Session(engine) as session:
        sync_registry(session)
        sync_questionnaires(session, QUESTIONNAIRES)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated, seeded database that each test's database is copied from."""
    with throwaway_database("survey_tmpl") as url:
        _seed(url)
        yield sa.make_url(url).database or ""


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    with throwaway_database(template=request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def admin_user(app: Flask) -> StaffUser:
    return make_staff(ADMIN, "admin", "Astrid Admin")


@pytest.fixture
def analyst_user(app: Flask) -> StaffUser:
    return make_staff(ANALYST, "analyst", "Anna Analytiker")


@pytest.fixture
def admin_client(app: Flask, admin_user: StaffUser) -> FlaskClient:
    client = app.test_client()
    assert login(client, ADMIN).status_code == 302
    return client


@pytest.fixture
def analyst_client(app: Flask, analyst_user: StaffUser) -> FlaskClient:
    client = app.test_client()
    assert login(client, ANALYST).status_code == 302
    return client


@pytest.fixture
def kommun_round(app: Flask) -> Round:
    return new_round()


@pytest.fixture
def published(app: Flask) -> tuple[Round, str]:
    """The demo's 2025 round, published with themes, and the 2024 round to compare with; the
    reflection link of the demo region."""
    from survey.demo.data_2024 import DEMO_REGION, ensure_demo_reflection
    from survey.demo.data_2025 import ensure_demo_2025
    from survey.rounds.lifecycle import active_link
    from survey.rounds.links import derive_token

    round_ = ensure_demo_2025(db.session, app.config["SECRET_KEY"])
    ensure_demo_reflection(db.session, app.config["SECRET_KEY"], app.config["BASE_URL"])
    db.session.commit()
    member = next(m for m in round_.members if m.organisation.code == DEMO_REGION)
    link = active_link(member)
    assert link is not None
    return round_, derive_token(app.config["SECRET_KEY"], link.nonce)
