"""A dropped database connection (issue 10, item 10): a clear 503 with what was typed, nothing
half-written, and the next request works.

On PostgreSQL the app's own connection is ended with ``pg_terminate_backend`` in the middle of
a save (after the answers were written, before the commit) and between requests; SQLite has no
server to end a connection, so there the driver's error is raised at the same point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.db import Answer, ReflectionNote, Round
from survey.web.extensions import db
from tests.pg import admin_url
from tests.respond_helpers import identify, open_round, section_form
from tests.staff_helpers import csrf_token


def _terminate(where: str) -> None:
    """End the backends of this test's database: the app's own (``pid``) or all of them."""
    engine = sa.create_engine(admin_url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    database = db.engine.url.database
    with engine.connect() as connection:
        if where == "mine":
            pid = db.session.execute(sa.text("select pg_backend_pid()")).scalar_one()
            connection.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": pid})
        else:
            connection.execute(sa.text("select pg_terminate_backend(pid) from pg_stat_activity "
                                       "where datname = :name and pid <> pg_backend_pid()"), {"name": database})
    engine.dispose()


def _breaking(original: Callable[..., Any]) -> Callable[..., Any]:
    """``original``, then the connection dies before the request can commit."""
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        db.session.flush()
        if db.engine.dialect.name == "postgresql":
            _terminate("mine")
        else:
            raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))
        return result
    return wrapped


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Any, str], None]]:
    def breaks(module: Any, name: str) -> None:
        monkeypatch.setattr(module, name, _breaking(getattr(module, name)))
    yield breaks
    monkeypatch.undo()


def _answers() -> list[Any]:
    db.session.expire_all()
    return list(db.session.execute(select(Answer.answer_id, Answer.value)).all())


def test_a_save_whose_connection_dies_shows_the_form_and_writes_nothing(app: Flask, client: FlaskClient,
                                                                        broken: Callable[[Any, str], None]) -> None:
    from survey.web.respond import section

    invited = open_round(app)
    identify(client, invited)
    csrf, versions = section_form(client, invited, "handlingsplan")
    data = {"csrf_token": csrf, **versions, "q01": "nej", "q01_kommentar": "Skrivet med omsorg"}
    broken(section, "write_answers")
    failed = client.post(invited.url(path="/avsnitt/handlingsplan"), data=data)
    assert failed.status_code == 503
    assert "Databasen svarade inte" in failed.text and "Skrivet med omsorg" in failed.text
    assert _answers() == []
    auto = client.post(invited.url(path="/avsnitt/handlingsplan/autospara"), data=data)
    assert auto.status_code == 503 and auto.json is not None and auto.json["error"] == "unavailable"
    assert _answers() == []


def test_the_next_request_after_a_dropped_save_works(app: Flask, client: FlaskClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from survey.web.respond import section

    invited = open_round(app)
    identify(client, invited)
    original = section.write_answers
    monkeypatch.setattr(section, "write_answers", _breaking(original))
    csrf, versions = section_form(client, invited, "handlingsplan")
    data = {"csrf_token": csrf, **versions, "q01": "nej"}
    assert client.post(invited.url(path="/avsnitt/handlingsplan"), data=data).status_code == 503
    monkeypatch.setattr(section, "write_answers", original)
    saved = client.post(invited.url(path="/avsnitt/handlingsplan"), data=data)
    assert saved.status_code == 303
    assert ("q01", "nej") in _answers()


def test_a_connection_ended_between_requests_is_replaced(app: Flask, client: FlaskClient, database_url: str) -> None:
    """``pool_pre_ping``: the pooled connection the server ended is noticed and replaced."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server that could end a pooled connection")
    invited = open_round(app)
    identify(client, invited)
    csrf, versions = section_form(client, invited, "handlingsplan")
    db.session.remove()  # return the test's own connection to the pool, as a finished request does
    _terminate("all")
    saved = client.post(invited.url(path="/avsnitt/handlingsplan"),
                        data={"csrf_token": csrf, **versions, "q01": "nej"})
    assert saved.status_code == 303
    assert ("q01", "nej") in _answers()


def test_notes_whose_connection_dies_are_shown_again(client: FlaskClient, published: tuple[Round, str],
                                                     broken: Callable[[Any, str], None]) -> None:
    import re

    import survey.web.reflect as reflect

    _, token = published
    html = client.get(f"/reflektion/{token}/anteckningar").text
    form = dict(re.findall(r'name="(version-[a-z0-9]+)" value="(\d+)"', html))
    form["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    broken(reflect, "save_notes")
    failed = client.post(f"/reflektion/{token}/anteckningar", data={**form, "note-fraga1": "Vår tanke"})
    assert failed.status_code == 503
    assert "Vår tanke" in failed.text and "anteckningarna sparades inte" in failed.text
    db.session.expire_all()
    assert db.session.scalars(select(ReflectionNote)).all() == []


def test_a_staff_form_whose_connection_dies_lists_what_was_typed(admin_client: FlaskClient,
                                                                 broken: Callable[[Any, str], None]) -> None:
    from survey.db import OrganisationContact
    from survey.web.admin import contacts

    broken(contacts, "save_contact")
    failed = admin_client.post("/admin/kontakter/0180", data={
        "csrf_token": csrf_token(admin_client, "/admin/kontakter/0180"), "respondent_name": "Eva Ek",
        "respondent_email": "eva@example.se", "registrar_email": ""})
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "10"
    assert "Eva Ek" in failed.text and "eva@example.se" in failed.text and "csrf" not in failed.text
    db.session.expire_all()
    assert db.session.scalars(select(OrganisationContact)).all() == []
    assert admin_client.get("/admin/kontakter").status_code == 200
