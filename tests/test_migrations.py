"""The migrations build exactly the schema the models describe, invariants included.

Every test runs on SQLite and on PostgreSQL: the constraints and the append-only triggers are
written per dialect, so each must be proved on each.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session

from survey.db import (
    Answer,
    AnswerHistory,
    Base,
    Organisation,
    QuestionnaireVersion,
    Response,
    Round,
    RoundOrganisation,
)
from survey.db.migrate import alembic_config, current_heads, script_heads, upgrade

NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
HASH = "0" * 64


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'survey.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """An engine on a database upgraded to head; SQLite with foreign keys enforced."""
    upgrade(database_url)
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    yield engine
    engine.dispose()


def _enable_sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Seed:
    organisation_id: int
    round_id: int
    response_id: int


@pytest.fixture
def seed(engine: sa.Engine) -> Seed:
    """One organisation invited to one round, with a draft response."""
    with Session(engine) as session:
        organisation = Organisation(
            code="0180",
            name="Stockholm",
            kind="kommun",
            county="01",
            county_name="Stockholms län",
        )
        version = QuestionnaireVersion(
            questionnaire_id="kommuner-2025",
            title="Patientsäkerhet 2025",
            family="kommuner",
            year=2025,
            respondent_kind="kommun",
            content_hash=HASH,
            definition={"sections": []},
            source_path="questionnaires/kommuner-2025.yaml",
        )
        round_ = Round(
            name="Kommuner 2025",
            questionnaire_version=version,
            opens_on=date(2025, 3, 1),
            closes_on=date(2025, 4, 30),
        )
        round_.members.append(RoundOrganisation(organisation=organisation))
        response = Response(round=round_, organisation=organisation, questionnaire_hash=HASH)
        session.add(response)
        session.commit()
        return Seed(organisation.id, round_.id, response.id)


def _rejects(engine: sa.Engine, statement: sa.Executable, match: str) -> None:
    with pytest.raises(sa.exc.DBAPIError, match=match), engine.begin() as connection:
        connection.execute(statement)


def _accepts(engine: sa.Engine, statement: sa.Executable) -> None:
    with engine.begin() as connection:
        connection.execute(statement)


def test_upgrade_creates_every_table_at_head(engine: sa.Engine, database_url: str) -> None:
    tables = set(sa.inspect(engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert current_heads(database_url) == script_heads(database_url)


def test_schema_matches_models(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_check_constraints_match_models(engine: sa.Engine) -> None:
    """compare_metadata ignores CHECK constraints, so compare their names here."""
    inspector = sa.inspect(engine)
    for table in Base.metadata.sorted_tables:
        expected = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        found = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert found == expected, table.name


def test_downgrade_to_base_and_back(engine: sa.Engine, database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_heads(database_url) == ()
    upgrade(database_url)
    assert set(sa.inspect(engine).get_table_names()) >= set(Base.metadata.tables)


def test_one_response_per_round_and_organisation(engine: sa.Engine, seed: Seed) -> None:
    duplicate = sa.insert(Response).values(
        round_id=seed.round_id, organisation_id=seed.organisation_id, questionnaire_hash=HASH
    )
    _rejects(engine, duplicate, "(?i)unique constraint")


def test_one_answer_per_answer_id(engine: sa.Engine, seed: Seed) -> None:
    answer = sa.insert(Answer).values(response_id=seed.response_id, answer_id="q01", value="ja")
    _accepts(engine, answer)
    _rejects(engine, answer.values(value=["a", "b"]), "(?i)unique constraint")


def test_submitted_needs_submitted_at(engine: sa.Engine, seed: Seed) -> None:
    response = sa.update(Response).where(Response.id == seed.response_id)
    _rejects(engine, response.values(status="submitted"), "submitted_at_iff_submitted")
    _accepts(engine, response.values(status="submitted", submitted_at=NOW))


def test_submitted_at_only_when_submitted(engine: sa.Engine, seed: Seed) -> None:
    response = sa.update(Response).where(Response.id == seed.response_id)
    for status in ("draft", "reopened"):
        statement = response.values(status=status, submitted_at=NOW)
        _rejects(engine, statement, "submitted_at_iff_submitted")


def test_round_closes_after_it_opens(engine: sa.Engine, seed: Seed) -> None:
    round_ = sa.update(Round).where(Round.id == seed.round_id)
    _rejects(engine, round_.values(closes_on=date(2025, 2, 1)), "closes_after_opens")


def test_answer_history_is_append_only(engine: sa.Engine, seed: Seed) -> None:
    entry = dict(response_id=seed.response_id, answer_id="q01", changed_by="a@b.se")
    _accepts(engine, sa.insert(AnswerHistory).values(**entry, new_value="ja", source="staff"))
    _accepts(engine, sa.insert(AnswerHistory).values(**entry, old_value="ja", source="import"))
    _rejects(engine, sa.update(AnswerHistory).values(new_value="nej"), "append-only")
    _rejects(engine, sa.delete(AnswerHistory), "append-only")
    if engine.dialect.name == "postgresql":
        _rejects(engine, sa.text("TRUNCATE answer_history"), "append-only")
    values = sa.select(AnswerHistory.old_value, AnswerHistory.new_value).order_by(AnswerHistory.id)
    with engine.connect() as connection:
        assert [tuple(row) for row in connection.execute(values)] == [(None, "ja"), ("ja", None)]


def test_models_round_trip(engine: sa.Engine, seed: Seed) -> None:
    with Session(engine) as session:
        response = session.get_one(Response, seed.response_id)
        response.answers.append(Answer(answer_id="q02", value=["sjukhus", "primärvård"]))
        session.commit()
    with Session(engine) as session:
        response = session.get_one(Response, seed.response_id)
        assert [answer.value for answer in response.answers] == [["sjukhus", "primärvård"]]
        assert response.status == "draft" and response.version == 1
        assert response.round.members[0].organisation.name == "Stockholm"
        assert response.round.questionnaire_version.definition == {"sections": []}


def test_another_database_is_refused_before_any_migration_runs() -> None:
    """The append-only and immutability triggers exist for SQLite and PostgreSQL only: any other
    database gets a clear refusal, not half a schema without its guards."""
    with pytest.raises(RuntimeError, match="mysql is not supported.*SQLite and PostgreSQL"):
        command.upgrade(alembic_config("mysql://user@127.0.0.1/survey"), "heads", sql=True)
