"""The one aggregation, pure: hand-made cases, every question type, and hypothesis-generated
response sets checked against a deliberately simple reference count written from the
contract's «asked if» column (not from the YAML the engine reads)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.aggregation.aggregate import OrgInfo, ResponseData, aggregate, aggregate_by, routing_table
from survey.questionnaire import Questionnaire, load_questionnaire
from tests.helpers import QUESTIONNAIRES

Q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
ORGS = [OrgInfo(f"{i:02d}", f"Region {i}", "region", f"{i:02d}", f"Län {i}") for i in range(1, 13)]

SMALL = """
id: liten-2026
title: Liten enkät
family: test
year: 2026
respondent_kind: kommun
sections:
  - id: s
    title: S
    items:
      - id: q1
        number: "1"
        type: multiple
        text: "Vilka?"
        options: [{code: a, label: A}, {code: b, label: B}, {code: c, label: C}]
      - {id: q2, number: "2", type: number, text: "Hur många?", min: 0, max: 1000, decimals: 1, required: false}
      - {id: q3, number: "3", type: text, text: "Varför?", required: false}
      - {id: q4, number: "4", type: date, text: "När?", required: false}
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Questionnaire:
    path = Path(tmp_path_factory.mktemp("q")) / "liten-2026.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return load_questionnaire(path)


def response(org: OrgInfo, status: str = "submitted", **answers: object) -> ResponseData:
    return ResponseData(org, status, answers)  # type: ignore[arg-type]


def test_not_applicable_and_unanswered_are_never_confused() -> None:
    results = aggregate(Q, [response(ORGS[0], q01="ja", q01a="politisk"),
                            response(ORGS[1], q01="nej"),
                            response(ORGS[2], q01="nej_beslut"),  # q01a asked, left blank
                            response(ORGS[3])],  # q01 left blank
                        ORGS[:5])
    q01, q01a = results["q01"], results["q01a"]
    assert (results.population, results.submitted) == (5, 4)
    assert (q01.applicable, q01.answered, q01.unanswered, q01.not_applicable) == (4, 3, 1, 0)
    assert q01.counts == {"ja": 1, "nej_beslut": 1, "nej": 1}
    assert (q01a.applicable, q01a.answered, q01a.unanswered, q01a.not_applicable) == (2, 1, 1, 2)
    assert q01a.counts == {"politisk": 1, "hogsta_tjansteman": 0, "annan_tjansteman": 0}
    assert q01.share("ja") == pytest.approx(1 / 3)
    assert results["q22"].to_json() == {"applicable": 4, "answered": 0, "unanswered": 4}


def test_drafts_count_only_when_asked() -> None:
    responses = [response(ORGS[0], q02="ja"), response(ORGS[1], "draft", q02="ja"),
                 response(ORGS[2], "reopened", q02="nej")]
    assert aggregate(Q, responses, ORGS)["q02"].counts == {"ja": 1, "nej": 0}
    with_drafts = aggregate(Q, responses, ORGS, include_drafts=True)
    assert with_drafts.submitted == 3 and with_drafts["q02"].counts == {"ja": 2, "nej": 1}


def test_off_route_answers_of_a_response_are_ignored() -> None:
    """A stored answer whose routing is false (kept by a draft) is neither counted nor n."""
    results = aggregate(Q, [response(ORGS[0], "draft", q03_leg="nej", q03a_leg="ja", q03b_leg="ja")],
                        ORGS, include_drafts=True)
    assert results["q03a_leg"].applicable == 0 and results["q03a_leg"].counts["ja"] == 0
    assert results["q03b_leg"].applicable == 0


def test_responses_outside_the_population_do_not_count() -> None:
    stranger = OrgInfo("99", "Okänd", "region", "99")
    results = aggregate(Q, [response(stranger, q01="ja")], ORGS[:2])
    assert results.submitted == 0 and results.response_rate == 0.0


def test_a_generator_is_read_once() -> None:
    results = aggregate(Q, (response(org, q01="ja") for org in ORGS), ORGS)
    assert results.submitted == len(ORGS) and results["q01"].counts["ja"] == len(ORGS)


def test_every_question_type(small: Questionnaire) -> None:
    orgs = ORGS[:4]
    results = aggregate(small, [
        response(orgs[0], q1=["a", "b"], q2="12.5", q3="Därför", q4="2026-01-31"),
        response(orgs[1], q1=["b"], q2="3", q3="=1+1"),
        response(orgs[2], q2="0"),
        response(orgs[3], "draft", q1=["c"], q2="100"),
    ], orgs)
    assert results["q1"].counts == {"a": 1, "b": 2, "c": 0}
    assert (results["q1"].answered, results["q1"].unanswered) == (2, 1)
    numbers = results["q2"].numbers
    assert numbers is not None and (numbers.n, numbers.minimum, numbers.maximum) == (3, 0, Decimal("12.5"))
    assert numbers.median == 3 and numbers.mean == Decimal("15.5") / 3
    assert results["q2"].to_json()["numbers"]["max"] == "12.5"
    assert results["q3"].texts == (("01", "Därför"), ("02", "=1+1"))
    assert (results["q4"].answered, results["q4"].unanswered) == (1, 2)


def test_breakdowns_by_kind_and_county() -> None:
    orgs = ORGS[:3] + [OrgInfo("0114", "Upplands Väsby", "kommun", "01")]
    groups = aggregate_by(Q, [response(o, q02="ja") for o in orgs], orgs, key=lambda o: o.county)
    assert list(groups) == ["01", "02", "03"]
    assert (groups["01"].population, groups["01"].submitted, groups["01"]["q02"].counts["ja"]) == (2, 2, 2)
    by_kind = aggregate_by(Q, [response(o, q02="ja") for o in orgs], orgs, key=lambda o: o.kind)
    assert {kind: r.population for kind, r in by_kind.items()} == {"kommun": 1, "region": 3}


def test_routing_table_marks_what_was_not_asked() -> None:
    results = aggregate(Q, [response(ORGS[0], q03_leg="ja", q03a_leg="ja", q03b_leg="nej",
                                     q03_ickeleg="ja", q03a_ickeleg="ja")], ORGS)
    table = {row.row: row for row in routing_table(Q, results, ("q03", "q03a", "q03b"))}
    assert list(table) == ["leg", "chef", "ickeleg"]  # only rows with a follow-up
    leg = [(c.count, c.n) if c else None for c in table["leg"].cells]
    assert leg == [(1, 1), (1, 1), (0, 1)]
    assert table["ickeleg"].cells[2] is None  # «Fråga ställdes inte»


def test_results_json_has_every_answer_id_with_zero_counts() -> None:
    data = aggregate(Q, [], ORGS).to_json("R")
    assert list(data["items"]) == [f.id for f in Q.fields]
    assert data["items"]["q19a"]["counts"] == {"fler_an_halften": 0, "halften_eller_farre": 0}
    assert "counts" not in data["items"]["q22"]


# -- property: the aggregation agrees with a reference count written from the contract -----
def _asked_if(answer_id: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(parents, codes) from the contract's «asked if» column; None means always."""
    specific = {
        "q01a": (("q01",), ("ja", "nej_beslut")), "q17a": (("q17_1", "q17_2", "q17_3"), ("ja",)),
        "q15b_6_text": (("q15b_6",), ("ja",)), "q16b_7_text": (("q16b_7",), ("ja",)),
    }
    if answer_id in specific:
        return specific[answer_id]
    head, _, row = answer_id.partition("_")
    if head[-1:] not in ("a", "b") or head[:-1] not in {f"q{n:02d}" for n in range(1, 23)}:
        return None
    main = head[:-1]
    if head[-1] == "b" and main in ("q03", "q04"):  # per-row chain: q03 → q03a → q03b
        return ((f"{main}a_{row}",), ("ja",))
    if row and main not in ("q15", "q16"):  # per-row follow-up: the same row of the main question
        return ((f"{main}_{row}",), ("ja",))
    return ((main,), ("ja",))  # qNNa, qNNb and the yes/no lists q15b, q16b


def _reference(responses: list[ResponseData]) -> dict[str, tuple[int, int, dict[str, int]]]:
    def effective(answers: dict[str, object], answer_id: str) -> object:
        rule = _asked_if(answer_id)
        if rule is None:
            return answers.get(answer_id)
        parents, codes = rule
        asked = any(effective(answers, p) in codes for p in parents)
        return answers.get(answer_id) if asked else None

    def asked(answers: dict[str, object], answer_id: str) -> bool:
        rule = _asked_if(answer_id)
        return rule is None or any(effective(answers, p) in rule[1] for p in rule[0])

    table = {}
    for f in Q.fields:
        applicable = answered = 0
        counts = {c.code: 0 for c in f.codes}
        for r in responses:
            if not asked(dict(r.answers), f.id):
                continue
            applicable += 1
            value = r.answers.get(f.id)
            if value is not None:
                answered += 1
                if f.codes:
                    counts[str(value)] += 1
        table[f.id] = (applicable, answered, counts)
    return table


def _answers() -> st.SearchStrategy[dict[str, object]]:
    choices = [st.sampled_from([None, *[c.code for c in f.codes]]) if f.codes
               else st.sampled_from([None, "text", "=SUMMA(A1)"]) for f in Q.fields]
    return st.tuples(*choices).map(
        lambda values: {f.id: v for f, v in zip(Q.fields, values, strict=True) if v is not None})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["submitted", "submitted", "draft", "reopened"]), _answers()),
                max_size=len(ORGS)),
       st.booleans())
def test_aggregation_matches_a_simple_reference_count(drawn: list[tuple[str, dict[str, object]]],
                                                      include_drafts: bool) -> None:
    responses = [ResponseData(org, status, answers)  # type: ignore[arg-type]
                 for org, (status, answers) in zip(ORGS, drawn, strict=False)]
    counted = [r for r in responses if r.status == "submitted" or include_drafts]
    results = aggregate(Q, responses, ORGS, include_drafts)
    assert results.submitted == len(counted) and results.population == len(ORGS)
    for answer_id, (applicable, answered, counts) in _reference(counted).items():
        item = results[answer_id]
        assert (item.applicable, item.answered, item.counts) == (applicable, answered, counts), answer_id
        assert item.unanswered == applicable - answered
        assert item.not_applicable == len(counted) - applicable


def test_the_reference_rules_cover_the_contract() -> None:
    """The hand-written rules name a parent for every follow-up, comment and specification."""
    assert _asked_if("q03b_chef") == (("q03a_chef",), ("ja",))
    assert _asked_if("q04b_ickeleg") == (("q04a_ickeleg",), ("ja",))
    assert _asked_if("q11a_2") == (("q11_2",), ("ja",))
    assert _asked_if("q15b_3") == (("q15",), ("ja",))
    assert _asked_if("q19a") == (("q19",), ("ja",))
    always = [f.id for f in Q.fields if _asked_if(f.id) is None]
    assert all(f.role.value in ("main", "comment") for f in Q.fields if f.id in always)
