"""Hostile imports are refused with every problem listed by organisation and answer id, and
nothing is stored: not one answer, not one history row, not one audit event."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

import survey.responses.xlsx_read
from exports.xlsx import build_answer_file
from survey.cli import cli
from survey.db import Answer, AnswerHistory, AuditEvent, Response, Round
from survey.questionnaire import load_questionnaire
from survey.questionnaire.routing import inapplicable_answered
from survey.responses.transfer import ImportRejected, Problem, check_answers, import_answers
from survey.results import freeze_round, live_data
from survey.rounds.lifecycle import create_round, latest_version, organisations_for
from survey.web.extensions import db
from tests.helpers import QUESTIONNAIRES

Q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
GOOD = {"organisation": "01", "status": "submitted", "answers": {"q01": "ja", "q01a": "politisk"}}


@pytest.fixture
def round_(app: Flask) -> Round:
    made = create_round(db.session, latest_version(db.session, "regioner-2025"),
                        organisations_for(db.session, "region"), date(2025, 9, 23), date(2025, 10, 19),
                        secret=app.config["SECRET_KEY"])
    db.session.commit()
    return made


def stored() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(table))
                 for table in (Response, Answer, AnswerHistory, AuditEvent))


def rejected(round_: Round, raw: bytes, filename: str = "svar.json") -> list[tuple[str, str, str]]:
    before = stored()
    with pytest.raises(ImportRejected) as caught:
        import_answers(db.session, round_, raw, "test@example.se", filename)
    db.session.rollback()
    assert stored() == before
    return [(p.organisation, p.answer_id, p.message) for p in caught.value.problems]


def document(*responses: dict[str, Any], **extra: Any) -> bytes:
    return json.dumps({"questionnaire": "regioner-2025", **extra, "responses": list(responses)}).encode()


def test_every_problem_is_listed_and_nothing_is_stored(round_: Round) -> None:
    problems = rejected(round_, document(
        GOOD,
        {"organisation": "03", "status": "submitted",
         "answers": {"q01": "nej", "q01a": "politisk", "q02": "kanske", "q99": "ja", "q22": "x" * 4001,
                     "q03_leg": 1, "q13": ["ja"]}},
        {"organisation": "9999", "status": "submitted", "answers": {}},
        {"organisation": "0180", "status": "klar", "answers": {"q01": "ja"}},
        {"organisation": "04", "status": "draft", "submitted_at": "2025-10-01T10:00:00+02:00"},
        {"organisation": "05", "status": "submitted", "submitted_at": "igår"},
        {"organisation": "06", "status": "submitted", "submitted_at": "2025-10-01T10:00:00"},
        {"organisation": "01", "status": "draft", "answers": {}, "svar": {}},
    ))
    by_place = {(org, aid): message for org, aid, message in problems}
    assert by_place[("03", "q01a")] == "besvarad, men frågan ställs bara om q01 = Ja eller " \
                                       "Nej, men beslut har fattats om att ta fram en handlingsplan"
    assert by_place[("03", "q02")] == "Okänt svarsalternativ «kanske»."
    assert by_place[("03", "q99")] == "okänt svars-id"
    assert by_place[("03", "q22")] == "Texten är 4001 tecken lång; högst 4000 tecken får plats."
    assert by_place[("03", "q03_leg")] == "Svaret måste vara text."
    assert by_place[("03", "q13")] == "Endast ett svar får anges."
    assert by_place[("9999", "")] == "okänd organisationskod"
    assert ("0180", "", "ingår inte i omgången") in problems
    assert ("0180", "", "status ska vara draft eller submitted, inte «klar»") in problems
    assert by_place[("04", "")] == "submitted_at anges bara för inskickade svar"
    assert by_place[("05", "")].startswith("submitted_at «igår» är ingen tidpunkt")
    assert by_place[("06", "")] == "submitted_at saknar tidszon (till exempel +02:00)"
    assert ("01", "", "okänd nyckel «svar»") in problems
    assert any(org == "01" and "två gånger" in message for org, _, message in problems)
    assert len(problems) == 14


@pytest.mark.parametrize(("raw", "message"), [
    (b"{\"questionnaire\": \"regioner-2025\", \"responses\": [", "ogiltig JSON: Expecting value på rad 1, kolumn 50"),
    (b"\xff\xfe\x00garbage", "filen är varken en Excelfil eller JSON i UTF-8"),
    (b"[1, 2, 3]", "filen ska innehålla ett JSON-objekt med «questionnaire» och «responses»"),
    (b"{\"questionnaire\": \"regioner-2025\", \"responses\": {}}", "«responses» saknas eller är inte en lista"),
    (b"{\"questionnaire\": \"kommuner-2025\", \"responses\": []}",
     "filen gäller enkäten «kommuner-2025», omgången besvarar «regioner-2025»"),
    (b"{\"questionnaire\": \"regioner-2025\", \"responses\": [{\"organisation\": \"01\", \"status\": \"draft\","
     b" \"answers\": {\"q01\": \"ja\", \"q01\": \"nej\"}}]}",
     "ogiltig JSON: nyckeln «q01» förekommer två gånger i samma objekt"),
    (b"[" * 100_000,
     "ogiltig JSON: maximum recursion depth exceeded while decoding a JSON array from a unicode string"),
])
def test_malformed_json(round_: Round, raw: bytes, message: str) -> None:
    assert rejected(round_, raw)[-1] == ("", "", message)


def excel_file(round_: Round, change: Any = None) -> bytes:
    """The round's own answer file (one answered region), optionally tampered with."""
    import_answers(db.session, round_, document(GOOD), "test@example.se")
    raw = build_answer_file(live_data(db.session, round_), datetime.now(UTC))
    db.session.rollback()
    if change is None:
        return raw
    workbook = load_workbook(io.BytesIO(raw))
    change(workbook["Koder"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_formula_in_the_excel_file_is_refused(round_: Round) -> None:
    raw = excel_file(round_, lambda sheet: sheet.cell(2, 7, "=HYPERLINK(\"http://example.com\")"))
    assert rejected(round_, raw, "svar.xlsx") == [
        ("", "", "Koder rad 2, kolumn q01: cellen innehåller en formel; svar får bara vara värden")]


def test_tampered_excel_values_are_named_by_organisation_and_answer_id(round_: Round) -> None:
    def tamper(sheet: Any) -> None:
        sheet.cell(2, 7, "kanske")  # q01
        sheet.cell(2, 8 + len(Q.fields), "x")  # a column beyond the answer ids, no header
        sheet.cell(1, 8 + len(Q.fields), "q99")
    problems = rejected(round_, excel_file(round_, tamper), "svar.xlsx")
    assert {(org, aid) for org, aid, _ in problems} >= {("01", "q01"), ("01", "q99")}


def broken_files(round_: Round) -> list[tuple[bytes, str]]:
    good = excel_file(round_)
    no_sheet = io.BytesIO()
    Workbook().save(no_sheet)
    not_ours = io.BytesIO()
    with zipfile.ZipFile(not_ours, "w") as archive:
        archive.writestr("hello.txt", "hej")
    return [
        (b"PK\x03\x04 not really a zip", "filen är inte en giltig Excelfil (xlsx)"),
        (good[: len(good) // 2], "filen är inte en giltig Excelfil (xlsx)"),
        (no_sheet.getvalue(), "bladet «Koder» saknas: det här är inte en svarsfil från enkätverktyget"),
        (not_ours.getvalue(), "filen kan inte läsas som en Excelfil (InvalidFileException)"),
    ]


def test_broken_excel_files(round_: Round) -> None:
    for raw, message in broken_files(round_):
        problems = rejected(round_, raw, "svar.xlsx")
        assert problems[0][2].startswith(message.split(" (")[0]), problems


def test_a_zip_bomb_is_not_unpacked(round_: Round, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = excel_file(round_)
    monkeypatch.setattr(survey.responses.xlsx_read, "MAX_UNPACKED_BYTES", 1000)
    assert rejected(round_, raw, "svar.xlsx") == [("", "", "filen packas upp till mer än 0 MB")]


def test_a_frozen_round_refuses_imports(round_: Round) -> None:
    freeze_round(db.session, round_, "test@example.se")
    db.session.commit()
    assert rejected(round_, document(GOOD)) == [
        ("", "", f"omgången {round_.id} är fryst; häv frysningen innan du importerar")]


def test_the_cli_lists_every_error_and_exits_1(runner: FlaskCliRunner, round_: Round, tmp_path: Path) -> None:
    path = tmp_path / "svar.json"
    path.write_bytes(document({"organisation": "01", "status": "submitted",
                               "answers": {"q01": "nej", "q01a": "politisk", "q02": "kanske"}}))
    result = runner.invoke(cli, ["import", str(round_.id), str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "01 q02: Okänt svarsalternativ «kanske». (responses[0])",
        "01 q01a: besvarad, men frågan ställs bara om q01 = Ja eller Nej, men beslut har fattats "
        "om att ta fram en handlingsplan (responses[0])",
        "Error: 2 fel i svar.json; inget importerades",
    ]
    assert stored()[:3] == (0, 0, 0)


def test_problem_text() -> None:
    assert str(Problem("08", "q03_leg", "fel", "Koder rad 9")) == "08 q03_leg: fel (Koder rad 9)"
    assert str(Problem("", "", "trasig")) == "filen: trasig"


# -- property: whatever arrives, the checker answers with problems or with clean answers ---
JUNK = st.one_of(st.text(max_size=30), st.integers(), st.none(), st.booleans(),
                 st.lists(st.text(max_size=5), max_size=3), st.floats(allow_nan=True))
VALUES = st.one_of(st.sampled_from(["ja", "nej", "politisk", "nej_beslut", "fler_an_halften", "=1+1"]), JUNK)
IDS = st.one_of(st.sampled_from([f.id for f in Q.fields]), st.text(max_size=12))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(IDS, VALUES, max_size=25))
def test_the_checker_never_lets_a_bad_answer_through(answers: dict[str, Any]) -> None:
    cleaned, problems = check_answers(Q, "01", answers)
    if problems:
        assert all(p.organisation == "01" and p.answer_id and p.message for p in problems)
        return
    assert set(cleaned) <= {f.id for f in Q.fields}
    assert inapplicable_answered(Q, cleaned) == []
    for answer_id, value in cleaned.items():
        f = Q.field(answer_id)
        assert value in f.code_set if f.codes else isinstance(value, str)


def test_an_answer_file_saved_without_its_properties_still_imports(round_: Round) -> None:
    workbook = load_workbook(io.BytesIO(excel_file(round_)))
    workbook.custom_doc_props.props.clear()  # as some spreadsheet programs do
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_answers(db.session, round_, buffer.getvalue(), "test@example.se", "svar.xlsx")
    assert report.responses == 1 and report.submitted == 1
