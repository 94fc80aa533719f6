"""Year over year: per answer id, nationally and per organisation; changed items are flagged."""

from __future__ import annotations

import json

import pytest

from survey.aggregation.aggregate import ResponseData, aggregate
from survey.aggregation.compare import compare, compare_own, differences
from survey.demo.data_2024 import ANSWERS_FILE
from survey.questionnaire.routing import inapplicable_answered
from tests.pptx_helpers import invented, questionnaire


@pytest.fixture(scope="module")
def rounds() -> tuple:
    before_q = questionnaire("regioner-2024")
    document = json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))
    after = invented("regioner-2025")
    orgs = after.orgs
    by_code = {entry["organisation"]: entry["answers"] for entry in document["responses"]}
    responses = [ResponseData(o, "submitted", by_code[o.code]) for o in orgs]
    return before_q, aggregate(before_q, responses, orgs), after, by_code


def test_the_demo_2024_answers_are_a_valid_round(rounds: tuple) -> None:
    before_q, before, _, by_code = rounds
    assert sorted(by_code) == sorted(o.code for o in invented().orgs)
    assert all(not inapplicable_answered(before_q, answers) for answers in by_code.values())
    assert before.submitted == 21


def test_unchanged_items_compare_and_changes_are_counted(rounds: tuple) -> None:
    before_q, before, after, _ = rounds
    comparison = compare(before_q, before, after.q, after.results)
    q02 = comparison["q02"]
    assert q02.comparable and q02.reasons == ()
    assert q02.change("ja") == after.results["q02"].counts["ja"] - before["q02"].counts["ja"]
    assert comparison["q03b_leg"].comparable


@pytest.mark.parametrize("answer_id,reason", [
    ("q13", "Frågans formulering har ändrats."),
    ("q19a", "Svarsalternativen har ändrats."),
    ("q21_1", "Frågan fanns inte 2024."),
])
def test_changed_items_are_flagged_not_compared(rounds: tuple, answer_id: str, reason: str) -> None:
    before_q, before, after, _ = rounds
    item = compare(before_q, before, after.q, after.results)[answer_id]
    assert not item.comparable and reason in item.reasons
    assert item.change("ja") is None


def test_a_changed_label_or_routing_is_a_difference() -> None:
    q = questionnaire("regioner-2025")
    assert differences(q, q, "q01") == ()
    kommun = questionnaire("kommuner-2025")
    assert "Frågans formulering har ändrats." in differences(q, kommun, "q03_chef")


def test_other_families_or_kinds_are_refused(rounds: tuple) -> None:
    _, _, after, _ = rounds
    kommun = invented("kommuner-2025")
    with pytest.raises(ValueError, match="not the same"):
        compare(after.q, after.results, kommun.q, kommun.results)


def test_an_organisations_own_answers_side_by_side(rounds: tuple) -> None:
    before_q, before, after, by_code = rounds
    comparison = compare(before_q, before, after.q, after.results)
    mine = after.responses[0]
    own = compare_own(comparison, by_code[mine.organisation.code], mine.answers)
    assert own["q02"].before == by_code[mine.organisation.code].get("q02")
    assert own["q02"].after == mine.answers.get("q02")
    assert not own["q13"].comparable and not own["q13"].changed
