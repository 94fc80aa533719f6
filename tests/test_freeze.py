"""The data freeze: a frozen round's exports keep their numbers after a response is reopened
and changed; the next freeze is a new version; the database refuses to alter a snapshot."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from exports.xlsx import build_answer_file
from survey.cli import cli
from survey.db import AuditEvent, Organisation, Response, ResultSnapshot, Round
from survey.responses.answers import reopen, save_answers
from survey.responses.transfer import ImportRejected, import_answers
from survey.results import (
    SnapshotError,
    current_snapshot,
    freeze_round,
    is_frozen,
    lift_freeze,
    live_differs,
    round_data,
    round_results,
    snapshot_data,
    snapshots,
)
from survey.rounds.lifecycle import create_round, latest_version, organisations_for
from survey.web.extensions import db

ANSWERS = {"questionnaire": "regioner-2025", "responses": [
    {"organisation": code, "status": "submitted", "submitted_at": "2025-10-01T10:00:00+02:00",
     "answers": {"q01": "ja", "q01a": "politisk", "q22": f"Text från {code}"}}
    for code in ("01", "03", "04")] + [{"organisation": "05", "status": "draft", "answers": {"q01": "nej"}}]}


@pytest.fixture
def round_(app: Flask) -> Round:
    made = create_round(db.session, latest_version(db.session, "regioner-2025"),
                        organisations_for(db.session, "region"), date(2025, 9, 23), date(2025, 10, 19),
                        secret=app.config["SECRET_KEY"])
    import_answers(db.session, made, json.dumps(ANSWERS).encode(), "test@example.se")
    made.state = "closed"
    db.session.commit()
    return made


def reopen_and_change(round_: Round, code: str) -> None:
    response = db.session.scalar(select(Response).join(Organisation).where(
        Response.round_id == round_.id, Organisation.code == code))
    assert response is not None
    reopen(db.session, response, "admin@example.se", "rättelse")
    save_answers(db.session, response, {"q01": "nej", "q01a": None}, None, "admin@example.se", "staff")
    db.session.commit()


def summary_counts(raw: bytes) -> dict[tuple[str, str], tuple[int, int]]:
    sheet = load_workbook(io.BytesIO(raw), read_only=True)["Sammanställning"]
    return {(row[0], row[4]): (row[5], row[7]) for row in sheet.iter_rows(min_row=5, values_only=True)}


def test_a_frozen_round_keeps_its_numbers_after_a_reopen(round_: Round) -> None:
    snapshot, created = freeze_round(db.session, round_, "analytiker@example.se", "Publicering 2025")
    db.session.commit()
    assert created and snapshot.version == 1 and len(snapshot.content_hash) == 64
    assert (snapshot.population, snapshot.submitted) == (21, 3)
    frozen_json = round_data(db.session, round_).results().to_json()
    frozen_xlsx = summary_counts(build_answer_file(round_data(db.session, round_), datetime.now(UTC)))
    assert frozen_xlsx[("q01", "ja")] == (3, 3)

    reopen_and_change(round_, "01")
    assert round_results(db.session, round_).submitted == 2  # live: the reopened one is out
    assert live_differs(db.session, round_, snapshot)
    again = round_data(db.session, round_)
    assert again.info.snapshot_version == 1 and again.results().to_json() == frozen_json
    assert summary_counts(build_answer_file(again, datetime.now(UTC))) == frozen_xlsx

    # Submitting the correction and freezing again gives version 2 with the new numbers.
    response = db.session.scalar(select(Response).where(Response.status == "reopened"))
    assert response is not None
    response.status, response.submitted_at = "submitted", datetime.now(UTC)
    db.session.commit()
    second, created = freeze_round(db.session, round_, "analytiker@example.se")
    db.session.commit()
    assert created and second.version == 2 and second.content_hash != snapshot.content_hash
    assert round_data(db.session, round_).results()["q01"].counts == {"ja": 2, "nej_beslut": 0, "nej": 1}
    assert round_data(db.session, round_, version=1).results().to_json() == frozen_json
    assert freeze_round(db.session, round_, "analytiker@example.se") == (second, False)
    assert [s.version for s in snapshots(db.session, round_)] == [2, 1]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.round_id == round_.id)).all()
    assert actions.count("results.freeze") == 2


def test_a_snapshot_cannot_be_changed_or_deleted(round_: Round) -> None:
    freeze_round(db.session, round_, "analytiker@example.se")
    db.session.commit()
    for statement in (sa.update(ResultSnapshot).values(data={"responses": []}),
                      sa.update(ResultSnapshot).values(content_hash="0" * 64),
                      sa.delete(ResultSnapshot)):
        with pytest.raises(sa.exc.DBAPIError, match="immutable"):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.scalar(select(sa.func.count()).select_from(ResultSnapshot)) == 1


def test_a_damaged_snapshot_is_refused(round_: Round) -> None:
    snapshot, _ = freeze_round(db.session, round_, "analytiker@example.se")
    forged = ResultSnapshot(round_id=round_.id, version=9, created_by="x",
                            questionnaire_hash=snapshot.questionnaire_hash,
                            content_hash=snapshot.content_hash, population=21, submitted=3,
                            data={**snapshot.data, "population": snapshot.data["population"][:20]})
    with pytest.raises(SnapshotError, match="kontrollsumma"):
        snapshot_data(round_, forged)


def test_lifting_a_freeze_allows_imports_again(round_: Round) -> None:
    freeze_round(db.session, round_, "analytiker@example.se")
    db.session.commit()
    with pytest.raises(ImportRejected):
        import_answers(db.session, round_, json.dumps(ANSWERS).encode(), "test@example.se")
    with pytest.raises(SnapshotError, match="skäl"):
        lift_freeze(db.session, round_, "analytiker@example.se", "  ")
    lifted = lift_freeze(db.session, round_, "analytiker@example.se", "Import av rättade svar")
    db.session.commit()
    assert not is_frozen(db.session, round_) and lifted.lift_reason == "Import av rättade svar"
    assert round_data(db.session, round_).info.snapshot_version is None  # live again
    import_answers(db.session, round_, json.dumps(ANSWERS).encode(), "test@example.se")
    third, created = freeze_round(db.session, round_, "analytiker@example.se")
    db.session.commit()
    assert created and third.version == 2 and current_snapshot(db.session, round_) == third
    with pytest.raises(sa.exc.DBAPIError, match="immutable"):
        db.session.execute(sa.update(ResultSnapshot).where(ResultSnapshot.version == 1)
                           .values(note="ändrad"))
    db.session.rollback()


def test_freeze_from_the_command_line(runner: FlaskCliRunner, round_: Round, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["freeze", str(round_.id), "--note", "Publicering"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"frös version 1 av omgång {round_.id}: 3 av 21 inskickade, sha256 ")
    assert "oförändrad" in runner.invoke(cli, ["freeze", str(round_.id)]).output
    reopen_and_change(round_, "03")
    frozen = json.loads(runner.invoke(cli, ["export", "results", str(round_.id), "--json"]).stdout)
    live = json.loads(runner.invoke(cli, ["export", "results", str(round_.id), "--json", "--live"]).stdout)
    assert (frozen["submitted"], live["submitted"]) == (3, 2)
    result = runner.invoke(cli, ["export", "json", str(round_.id), "--snapshot", "7"])
    assert result.exit_code == 1 and "ingen fryst version 7" in result.output
    result = runner.invoke(cli, ["unfreeze", str(round_.id), "--reason", "Rättelse"])
    assert result.exit_code == 0 and "version 1 finns kvar" in result.output
    result = runner.invoke(cli, ["unfreeze", str(round_.id), "--reason", "igen"])
    assert result.exit_code == 1 and "är inte fryst" in result.output
