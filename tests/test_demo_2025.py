"""`survey demo` loads the fictional 2025 answers into a closed, frozen round whose Excel file
shows every published figure in ``Sammanställning``."""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from survey.cli import cli
from survey.db import Round
from survey.demo.data_2025 import ANSWERS_FILE, ROUND_NAME
from survey.results import current_snapshot, live_differs
from survey.web.extensions import db
from tests.figures_helpers import COUNTED


def test_the_data_file_says_it_is_fictional() -> None:
    document = json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))
    assert document["note"].startswith("FIKTIVA SVAR.")
    assert document["questionnaire"] == "regioner-2025"
    assert sorted(r["organisation"] for r in document["responses"]) == sorted(
        ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19",
         "20", "21", "22", "23", "24", "25"])
    answer_sets = {json.dumps(r["answers"], sort_keys=True) for r in document["responses"]}
    assert len(answer_sets) == 21  # no two regions answered alike


def test_survey_demo_makes_the_frozen_2025_round(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["demo", "--today", "2026-01-10"])
    assert result.exit_code == 0, result.output
    round_ = db.session.scalar(select(Round).where(Round.name == ROUND_NAME))
    assert round_ is not None and round_.state == "closed"
    assert f"/admin/resultat/{round_.id}" in result.output
    assert (round_.opens_on.isoformat(), round_.closes_on.isoformat()) == ("2025-09-23", "2025-10-19")
    snapshot = current_snapshot(db.session, round_)
    assert snapshot is not None and snapshot.version == 1 and snapshot.submitted == 21
    assert not live_differs(db.session, round_, snapshot)
    assert runner.invoke(cli, ["demo", "--today", "2026-01-10"]).exit_code == 0  # idempotent
    assert len(db.session.scalars(select(Round).where(Round.name == ROUND_NAME)).all()) == 1

    path = tmp_path / "svar.xlsx"
    assert runner.invoke(cli, ["export", "xlsx", str(round_.id), "-o", str(path)]).exit_code == 0
    workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    rows = list(workbook["Sammanställning"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "Svars-id")
    found = {(row[0], row[4]): (row[7], row[5]) for row in rows[start + 1:]}
    for answer_id, code, n, count in COUNTED:
        assert found[(answer_id, code)] == (n, count), (answer_id, code)
    about = {row[0]: row[1] for row in workbook["Om enkäten"].iter_rows(values_only=True) if row[0]}
    assert about["Datainsamling"] == "2025-09-23 – 2025-10-19"
    assert about["Förlängningar"].startswith("Sista svarsdag för alla förlängd 7 dagar, från 2025-10-12 "
                                             "till 2025-10-19")
    assert about["Underlag"].startswith("Fryst version 1")
    assert (about["Population"], about["Inskickade svar"], about["Svarsfrekvens"]) == (21, 21, 1)
