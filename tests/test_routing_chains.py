"""Routing-table chains (q03 → q03a → q03b): the results page and the deck draw the same ones.

Both call ``routing_chains``; this checks what each actually draws, for every item of both
2025 questionnaires, on invented answers for every organisation of the kind.
"""

from __future__ import annotations

import pytest

from exports.pptx_plan import NOT_ASKED, ChartSpec, Plan, TableSpec, question_slides
from survey.aggregation.aggregate import OrgInfo, ResponseData, RoundResults, aggregate, routing_chains
from survey.demo.data_2024 import plausible_answers
from survey.questionnaire import Item, ItemType, Questionnaire, Role, load_questionnaire
from survey.registry import load_registry
from survey.web.results import _routing_tables
from tests.helpers import QUESTIONNAIRES

Chain = tuple[str, ...]


def _results(q: Questionnaire) -> RoundResults:
    orgs = [OrgInfo(o.code, o.name, o.kind, o.county, o.county_name)
            for o in load_registry() if o.kind == q.respondent_kind]
    answers = plausible_answers(q, [o.code for o in orgs], seed=3)
    return aggregate(q, [ResponseData(o, "submitted", answers[o.code]) for o in orgs], orgs)


Drawn = dict[Chain, tuple[tuple[str, ...], ...] | None]


def _deck_chains(q: Questionnaire, plan: Plan) -> Drawn:
    """The chains the deck draws: a table (with its count cells), or one chart per row when
    the chain is a single follow-up of a short matrix (no table cells then)."""
    drawn: Drawn = {}
    for item in (item for section in q.sections for item in section.items):
        for spec in question_slides(plan, item):
            if isinstance(spec, TableSpec) and "-" in spec.key:
                chain = tuple(spec.key.removeprefix("table:").split("-"))
                drawn[chain] = tuple(row[1:1 + len(chain)] for row in spec.rows)
            elif isinstance(spec, ChartSpec):
                owners = {q.item(q.field(panel.key).item_id) for panel in spec.panels if q.has_field(panel.key)}
                follow = owners.pop() if len(owners) == 1 else None
                if follow is not None and follow.per_row and follow.parent_id is not None:
                    drawn[(follow.parent_id, follow.id)] = None
    return drawn


@pytest.mark.parametrize("qid", ["regioner-2025", "kommuner-2025"])
def test_the_page_and_the_deck_draw_the_same_chains(qid: str) -> None:
    q = load_questionnaire(QUESTIONNAIRES / f"{qid}.yaml")
    results = _results(q)
    page: Drawn = {}
    for table in _routing_tables(q, results):
        chain = tuple(i.id for i in table["chain"])
        assert chain[0] == table["item"].id
        page[chain] = tuple(tuple(NOT_ASKED if c is None else str(c.count) for c in row.cells)
                            for row in table["rows"])
    deck = _deck_chains(q, Plan(q, results))
    every = {chain for item in q.items() for chain in routing_chains(item)}
    assert set(page) == set(deck) == every == {("q03", "q03a", "q03b"), ("q04", "q04a", "q04b"), ("q11", "q11a")}
    for chain, cells in deck.items():
        assert cells is None or cells == page[chain], chain


def _item(item_id: str, *followups: Item, per_row: bool = True) -> Item:
    return Item(item_id, ItemType.YESNO, item_id, 1, Role.FOLLOWUP, per_row=("r",) if per_row else (),
                followups=followups)


def test_a_chain_branches_to_every_end() -> None:
    """Two per-row follow-ups below one, and one below a follow-up: every path is a chain."""
    top = _item("a", _item("b", _item("c"), _item("d", per_row=False)), _item("e"), per_row=False)
    assert routing_chains(top) == [("a", "b", "c"), ("a", "e")]
    assert routing_chains(top.followups[0]) == []  # a link of a chain starts none
