"""Every figure of the published 2025 deck, reproduced by the fictional 2025 answers: from the
aggregation, and from the Excel answer file read back with openpyxl (``Sammanställning``)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from exports.xlsx import build_answer_file
from survey.aggregation.aggregate import RoundData, RoundResults, routing_table
from survey.demo.data_2025 import fictional_2025
from survey.questionnaire import load_questionnaire
from tests.figures_helpers import COUNTED, PUBLISHED
from tests.helpers import QUESTIONNAIRES

Q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
APPROXIMATE = [f for f in PUBLISHED["figures"] if f["count"] is None and Q.has_field(f["question_id"])]


@pytest.fixture(scope="module")
def data() -> RoundData:
    return fictional_2025(Q)


@pytest.fixture(scope="module")
def results(data: RoundData) -> RoundResults:
    return data.results()


@pytest.fixture(scope="module")
def summary(data: RoundData) -> dict[tuple[str, str], dict[str, Any]]:
    """``Sammanställning`` read back: (answer id, code) → the row's cells by header."""
    raw = build_answer_file(data, datetime(2025, 10, 27, 9, 0, tzinfo=UTC))
    sheet = load_workbook(io.BytesIO(raw), read_only=True)["Sammanställning"]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "Svars-id")
    header = rows[start]
    return {(row[0], row[4]): dict(zip(header, row, strict=True)) for row in rows[start + 1:]}


def test_every_counted_figure_is_checked() -> None:
    assert len(COUNTED) == 74
    assert all(Q.has_field(aid) for aid, *_ in COUNTED)


@pytest.mark.parametrize(("answer_id", "code", "n", "count"), COUNTED,
                         ids=[f"{aid}={code}" for aid, code, *_ in COUNTED])
def test_figure_from_the_aggregation(results: RoundResults, answer_id: str, code: str, n: int,
                                     count: int) -> None:
    assert (results[answer_id].answered, results[answer_id].counts[code]) == (n, count)


@pytest.mark.parametrize(("answer_id", "code", "n", "count"), COUNTED,
                         ids=[f"{aid}={code}" for aid, code, *_ in COUNTED])
def test_figure_in_the_excel_file(summary: dict[tuple[str, str], dict[str, Any]], answer_id: str,
                                  code: str, n: int, count: int) -> None:
    row = summary[(answer_id, code)]
    assert (row["n (besvarade)"], row["Antal"]) == (n, count)
    assert row["Andel"] == pytest.approx(count / n)


def test_the_survey_facts(results: RoundResults) -> None:
    meta = PUBLISHED["survey_metadata"]
    assert results.population == meta["population"]["N"] == 21
    assert results.submitted == meta["response"]["respondents"]
    assert results.response_rate * 100 == meta["response"]["response_rate_percent"]
    assert (Q.main_question_count, Q.followup_count) == (22, 31)
    required_left_blank = [aid for aid, item in results.items.items()
                           if item.unanswered and Q.field(aid).required]
    assert required_left_blank == ["q14"]  # «Det finns ett partiellt bortfall i en fråga.»
    assert (results["q14"].applicable, results["q14"].answered) == (21, 20)


def test_the_routing_tables(results: RoundResults) -> None:
    """The deck's tables per staff group: «med rutin» → «dokumenterad» → «i ledningssystemet»."""
    def table(chain: tuple[str, str, str]) -> dict[str, list[tuple[int, int] | None]]:
        return {row.row: [(cell.count, cell.n) if cell else None for cell in row.cells]
                for row in routing_table(Q, results, chain)}

    assert table(("q03", "q03a", "q03b")) == {
        "leg": [(17, 21), (10, 17), (3, 10)],
        "chef": [(16, 21), (9, 16), (4, 9)],
        "ickeleg": [(10, 21), (5, 10), None],  # «Fråga ställdes inte»
    }
    assert table(("q04", "q04a", "q04b")) == {
        "leg": [(9, 21), (5, 9), (5, 5)],
        "chef": [(8, 21), (5, 8), (2, 5)],
        "ickeleg": [(9, 21), (4, 9), (2, 4)],
    }


def test_the_verbal_figures_hold_too(results: RoundResults) -> None:
    """«Majoriteten», «omkring hälften», «omkring två tredjedelar»: true of the fictional data."""
    for figure in APPROXIMATE:
        item, statement = results[figure["question_id"]], figure["statement"].lower()
        share = item.counts["ja"] / item.answered
        assert item.answered == figure["n"], figure["question_id"]
        if "hälften" in statement:
            assert 0.4 <= item.counts["ja"] / 21 <= 0.6, figure["question_id"]
        elif "två tredjedelar" in statement:
            assert 0.55 <= share <= 0.78, figure["question_id"]
        else:
            assert "majoritet" in statement and share > 0.5, figure["question_id"]
    q18 = [results[f"q18_{row}"].counts["ja"] for row in "1234"]
    assert (min(q18), max(q18)) == (13, 17)  # «varierar antalet mellan 13 till 17»


def test_the_free_text_answers(results: RoundResults) -> None:
    texts = dict(results["q22"].texts)
    examples = [e for theme in PUBLISHED["free_text_themes"]["themes"] for e in theme["examples"]]
    assert set(examples) <= set(texts.values())
    assert results["q22"].answered == 18 and results["q22"].unanswered == 3
    comment = [text for code, text in results["q01_kommentar"].texts if "nationella handlingsplanen" in text]
    assert len(comment) == 1
