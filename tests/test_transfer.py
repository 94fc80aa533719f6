"""Answers out and back in: a random round of the 290 municipalities, with item non-response
and unusual text, round-trips through the JSON document and the Excel file unchanged."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from exports.xlsx import build_answer_file
from survey.cli import cli
from survey.db import AnswerHistory, Round
from survey.questionnaire import Questionnaire
from survey.questionnaire.model import ItemType
from survey.questionnaire.routing import effective_answers
from survey.questionnaire.values import clean_value
from survey.responses.transfer import answers_document, answers_json, check_document, import_answers
from survey.responses.xlsx_read import read_answer_file
from survey.results import live_data, round_results
from survey.rounds.lifecycle import create_round, latest_version, organisations_for, questionnaire_of
from survey.web.extensions import db

UNUSUAL = ["=1+1", "=HYPERLINK(\"http://example.com\",\"klicka\")", "+46 8 123 45 67", "-", "@SUMMA(A1)",
           "rad ett\nrad två\n\nrad fyra", "Emoji 😀👍🏽 och ÅÄÖ åäö", "–", "_x000D_ inte en radbrytning",
           "\"citat\" & <tagg> 'apostrof'", "tab\there", "0180", "1e5", "TRUE", "2025-10-19"]


def new_round(kind: str = "kommun", name: str = "Runda") -> Round:
    questionnaire = "kommuner-2025" if kind == "kommun" else "regioner-2025"
    return create_round(db.session, latest_version(db.session, questionnaire),
                        organisations_for(db.session, kind), datetime(2025, 9, 23).date(),
                        datetime(2025, 10, 19).date(), name, secret=current_app.config["SECRET_KEY"])


def random_text(rng: random.Random, limit: int) -> str:
    if rng.random() < 0.15:  # very long, just under the limit
        body = "".join(rng.choice("abcåäö ÅÄÖ😀\n=+-@") for _ in range(limit - 10))
        return "L" + body + "slut."
    return rng.choice(UNUSUAL)


def random_document(q: Questionnaire, codes: list[str], seed: int) -> dict[str, Any]:
    """Every organisation: submitted (most), draft or nothing; answers routed, some left blank."""
    rng = random.Random(seed)
    responses = []
    start = datetime(2025, 9, 23, 6, 0, tzinfo=UTC)
    for code in codes:
        status = rng.choices(["submitted", "draft", None], [80, 12, 8])[0]
        if status is None:
            continue
        raw: dict[str, Any] = {}
        for f in q.fields:
            if f.codes:
                raw[f.id] = rng.choice([c.code for c in f.codes])
            elif f.type is ItemType.TEXT and rng.random() < 0.5:
                raw[f.id] = clean_value(q, f, random_text(rng, f.max_length or 4000))
        answers = {aid: value for aid, value in effective_answers(q, raw).items()
                   if rng.random() > 0.05}  # item non-response
        answers = effective_answers(q, answers)  # a dropped parent takes its follow-ups along
        entry: dict[str, Any] = {"organisation": code, "status": status}
        if status == "submitted":
            moment = start + timedelta(seconds=rng.randrange(26 * 24 * 3600))
            entry["submitted_at"] = moment.isoformat()
        entry["answers"] = answers
        responses.append(entry)
    return {"questionnaire": q.id, "responses": responses}


def exported(round_: Round) -> dict[str, Any]:
    return answers_document(live_data(db.session, round_))


def test_290_municipalities_round_trip_through_json_and_excel(app: Flask) -> None:
    round_ = new_round()
    q = questionnaire_of(round_)
    codes = sorted(m.organisation.code for m in round_.members)
    assert len(codes) == 290
    document = random_document(q, codes, seed=2025)
    import_answers(db.session, round_, json.dumps(document).encode(), "test@example.se", "svar.json")
    db.session.commit()

    out = exported(round_)
    assert out["questionnaire"] == "kommuner-2025" and out["round"] == round_.name
    assert out["responses"] == document["responses"]
    texts = [v for r in out["responses"] for v in r["answers"].values() if isinstance(v, str)]
    assert {"=1+1", "–", "_x000D_ inte en radbrytning"} <= set(texts)
    assert any(len(v) > 1900 and "\n" in v and "😀" in v for v in texts)

    data = live_data(db.session, round_)
    via_json, via_excel = new_round(name="Via JSON"), new_round(name="Via Excel")
    import_answers(db.session, via_json, answers_json(data), "test@example.se", "svar.json")
    workbook = build_answer_file(data, datetime.now(UTC), include_drafts=True)
    assert io.BytesIO(workbook).read(4) == b"PK\x03\x04"
    import_answers(db.session, via_excel, workbook, "test@example.se", "svar.xlsx")
    db.session.commit()
    for copy in (via_json, via_excel):
        assert exported(copy)["responses"] == document["responses"]
        assert round_results(db.session, copy).to_json() == round_results(db.session, round_).to_json()

    # Without drafts, the file carries only submitted responses: a re-import leaves drafts alone.
    reread = read_answer_file(build_answer_file(data, datetime.now(UTC)))
    submitted = [r["organisation"] for r in document["responses"] if r["status"] == "submitted"]
    assert [r["organisation"] for r in reread["responses"]] == submitted


def test_import_is_attributed_and_replaces_the_response(app: Flask) -> None:
    round_ = new_round("region")
    first = {"questionnaire": "regioner-2025", "responses": [
        {"organisation": "08", "status": "draft", "answers": {"q01": "ja", "q01a": "politisk", "q22": "x"}}]}
    import_answers(db.session, round_, json.dumps(first).encode(), "analytiker@example.se")
    second = {"questionnaire": "regioner-2025", "responses": [
        {"organisation": "08", "status": "submitted", "submitted_at": "2025-10-02T10:00:00+02:00",
         "answers": {"q01": "nej"}}]}
    report = import_answers(db.session, round_, json.dumps(second).encode(), "cli:root")
    db.session.commit()
    assert (report.responses, report.submitted, report.created) == (1, 1, 0)
    [response] = exported(round_)["responses"]
    assert response == {"organisation": "08", "status": "submitted",
                        "submitted_at": "2025-10-02T08:00:00+00:00", "answers": {"q01": "nej"}}
    history = db.session.execute(select(AnswerHistory.answer_id, AnswerHistory.changed_by,
                                        AnswerHistory.source).order_by(AnswerHistory.id)).all()
    assert ("q01a", "cli:root", "import") in history and ("q22", "cli:root", "import") in history
    assert {row[1] for row in history} == {"analytiker@example.se", "cli:root"}


def test_cli_export_and_import(runner: FlaskCliRunner, tmp_path: Any) -> None:
    round_ = new_round("region")
    target = new_round("region", "Mål")
    document = {"questionnaire": "regioner-2025", "responses": [
        {"organisation": "01", "status": "submitted", "answers": {"q01": "ja", "q01a": "politisk"}}]}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    db.session.commit()
    result = runner.invoke(cli, ["import", str(round_.id), str(source), "--dry-run"])
    assert result.exit_code == 0 and "inget sparades" in result.output
    assert db.session.scalar(select(func.count()).select_from(AnswerHistory)) == 0
    result = runner.invoke(cli, ["import", str(round_.id), str(source)])
    assert result.exit_code == 0, result.output
    assert "importerade 1 svar" in result.output
    for kind in ("json", "xlsx"):
        out = tmp_path / f"out.{kind}"
        result = runner.invoke(cli, ["export", kind, str(round_.id), "-o", str(out)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(cli, ["import", str(target.id), str(out)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["export", "results", str(target.id), "--json"])
    results = json.loads(result.stdout)
    assert results["submitted"] == 1 and results["items"]["q01a"]["counts"]["politisk"] == 1
    result = runner.invoke(cli, ["export", "results", str(target.id), "--json", "--by", "county"])
    assert json.loads(result.stdout)["groups"]["01"]["submitted"] == 1


def test_check_document_is_pure_and_reads_the_excel_marks() -> None:
    """«–» in Koder: not asked where the routing says so, literal text where the text is asked."""
    from survey.questionnaire import load_questionnaire
    from tests.helpers import QUESTIONNAIRES

    q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    from survey.responses.xlsx_read import NOT_ASKED

    document = {"questionnaire": "regioner-2025", "responses": [
        {"organisation": "01", "status": "submitted",
         "answers": {"q01": "nej", "q01a": NOT_ASKED, "q22": NOT_ASKED}}]}
    checked, problems = check_document(q, document, {"01": "Region Stockholm"}, {"01"})
    assert problems == [] and checked[0].answers == {"q01": "nej", "q22": "–"}
    document["responses"][0]["answers"] = {"q01": "ja", "q01a": NOT_ASKED}
    _, problems = check_document(q, document, {"01": "Region Stockholm"}, {"01"})
    assert [(p.organisation, p.answer_id) for p in problems] == [("01", "q01a")]
