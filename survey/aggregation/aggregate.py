"""The one aggregation: every number on a page, in the Excel file or in the deck comes from here.

Pure Python (no Flask, no database): it takes the questionnaire and plain response data and
returns plain results. For every answer id it counts

- ``population``: organisations in the round,
- ``submitted``: submitted responses (drafts only with ``include_drafts``),
- ``applicable``: submitted responses for which the item's routing holds,
- ``answered``: applicable and answered: the «n» every chart and table shows,
- ``unanswered``: applicable but left blank (item non-response, like q14 in 2025),
- ``counts``: per code, zeros included (multiple choice: per code chosen).

"Not applicable" (``submitted - applicable``) and "unanswered" are never mixed up, and an
unanswered item is one of two things (``AnswerState``): *not answered* where an answer was
required (item non-response, «partiellt bortfall») or *left blank* where it was optional (a
comment, q22). ``answer_state`` classifies one cell, ``ItemResult.state_counts`` counts them:
the Excel file, the statistics files, the deck and the pages all use these two.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from survey.questionnaire.model import Field, Item, ItemType, Questionnaire
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import Value, is_blank


class AnswerState(StrEnum):
    """The state of one answer id in one response: the same four words in every file."""

    ANSWERED = "answered"
    NOT_ASKED = "not_asked"  # the routing did not ask it
    NOT_ANSWERED = "not_answered"  # asked, required, blank: item non-response
    LEFT_BLANK = "left_blank"  # asked, optional, blank


STATE_LABELS = {AnswerState.ANSWERED: "Besvarad", AnswerState.NOT_ASKED: "Ej aktuell (ställdes inte)",
                AnswerState.NOT_ANSWERED: "Obesvarad (bortfall)",
                AnswerState.LEFT_BLANK: "Lämnad tom (frivillig)"}


def answer_state(f: Field, applicable: bool, value: Value) -> AnswerState:
    if not applicable:
        return AnswerState.NOT_ASKED
    if not is_blank(value):
        return AnswerState.ANSWERED
    return AnswerState.NOT_ANSWERED if f.required else AnswerState.LEFT_BLANK


@dataclass(frozen=True)
class OrgInfo:
    code: str
    name: str
    kind: str
    county: str
    county_name: str = ""


@dataclass(frozen=True)
class ResponseData:
    organisation: OrgInfo
    status: str
    answers: Mapping[str, Value]
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Extension:
    """A later deadline: for the whole round (``organisation`` empty) or for one member."""

    organisation: str
    original: date
    until: date
    reason: str

    @property
    def days(self) -> int:
        return (self.until - self.original).days


@dataclass(frozen=True)
class RoundInfo:
    """What the exports say about a round besides the answers (plain data)."""

    id: int
    name: str
    opens_on: date
    closes_on: date
    state: str = "closed"
    extensions: tuple[Extension, ...] = ()
    snapshot_version: int | None = None  # set when the data come from a frozen snapshot
    snapshot_hash: str = ""
    snapshot_at: datetime | None = None


@dataclass(frozen=True)
class RoundData:
    """One round as plain data: the input of every export, live or from a frozen snapshot."""

    info: RoundInfo
    questionnaire: Questionnaire
    population: tuple[OrgInfo, ...]
    responses: tuple[ResponseData, ...]

    def results(self, include_drafts: bool = False) -> RoundResults:
        return aggregate(self.questionnaire, self.responses, self.population, include_drafts)

    def rows(self) -> Iterator[tuple[OrgInfo, ResponseData | None]]:
        """Each organisation of the population with its response (None: never started)."""
        by_code = {r.organisation.code: r for r in self.responses}
        return ((org, by_code.get(org.code)) for org in self.population)


@dataclass(frozen=True)
class NumberSummary:
    n: int
    mean: Decimal
    median: Decimal
    minimum: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class ItemResult:
    answer_id: str
    population: int
    submitted: int
    applicable: int
    answered: int
    unanswered: int
    counts: dict[str, int] = field(default_factory=dict)
    numbers: NumberSummary | None = None
    texts: tuple[tuple[str, str], ...] = ()  # (organisation code, text) for free text
    required: bool = True  # whether a blank answer is non-response or an optional field left blank

    @property
    def not_applicable(self) -> int:
        return self.submitted - self.applicable

    @property
    def not_answered(self) -> int:
        """Asked, an answer required, none given: the item non-response («partiellt bortfall»)."""
        return self.unanswered if self.required else 0

    @property
    def left_blank(self) -> int:
        """Asked, optional, left blank: not non-response."""
        return 0 if self.required else self.unanswered

    @property
    def state_counts(self) -> dict[AnswerState, int]:
        return {AnswerState.ANSWERED: self.answered, AnswerState.NOT_ASKED: self.not_applicable,
                AnswerState.NOT_ANSWERED: self.not_answered, AnswerState.LEFT_BLANK: self.left_blank}

    def share(self, code: str) -> float | None:
        """Share of ``answered`` (None when nobody answered)."""
        return self.counts.get(code, 0) / self.answered if self.answered else None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"applicable": self.applicable, "answered": self.answered,
                                "unanswered": self.unanswered}
        if self.counts:
            data["counts"] = dict(self.counts)
        if self.numbers is not None:
            data["numbers"] = {"n": self.numbers.n, "mean": str(self.numbers.mean),
                               "median": str(self.numbers.median),
                               "min": str(self.numbers.minimum), "max": str(self.numbers.maximum)}
        return data


@dataclass(frozen=True)
class RoundResults:
    questionnaire_id: str
    content_hash: str
    population: int
    submitted: int
    items: dict[str, ItemResult]
    organisations: tuple[OrgInfo, ...] = ()

    @property
    def response_rate(self) -> float:
        return self.submitted / self.population if self.population else 0.0

    def __getitem__(self, answer_id: str) -> ItemResult:
        return self.items[answer_id]

    def to_json(self, round_name: str = "") -> dict[str, Any]:
        return {"round": round_name, "questionnaire": self.questionnaire_id,
                "population": self.population, "submitted": self.submitted,
                "items": {aid: item.to_json() for aid, item in self.items.items()}}


def _counted(responses: Iterable[ResponseData], population: Sequence[OrgInfo],
             include_drafts: bool) -> Iterator[ResponseData]:
    """The responses that count: submitted (and drafts if asked) of the population's members.

    A response of an organisation outside the population is ignored rather than counted, so
    ``submitted`` can never exceed ``population`` (nor a response rate exceed 100 %).
    """
    wanted = ("submitted",) + (("draft", "reopened") if include_drafts else ())
    members = {org.code for org in population}
    return (r for r in responses if r.status in wanted and r.organisation.code in members)


def _number_summary(values: list[Decimal]) -> NumberSummary | None:
    if not values:
        return None
    mean = sum(values, Decimal(0)) / len(values)
    return NumberSummary(len(values), mean, Decimal(statistics.median(values)), min(values), max(values))


class _Tally:
    """Running counts for one answer id."""

    def __init__(self, f: Field) -> None:
        self.field = f
        self.applicable = self.answered = 0
        self.counts = {c.code: 0 for c in f.codes}
        self.numbers: list[Decimal] = []
        self.texts: list[tuple[str, str]] = []

    def add(self, value: Value, org: OrgInfo) -> None:
        self.applicable += 1
        if is_blank(value):
            return
        self.answered += 1
        if self.field.type is ItemType.MULTIPLE:
            for code in value or []:
                self.counts[code] = self.counts.get(code, 0) + 1
        elif self.field.codes:
            code = str(value)
            self.counts[code] = self.counts.get(code, 0) + 1
        elif self.field.type is ItemType.NUMBER:
            self.numbers.append(Decimal(str(value)))
        elif self.field.type is ItemType.TEXT:
            self.texts.append((org.code, str(value)))

    def result(self, population: int, submitted: int) -> ItemResult:
        return ItemResult(self.field.id, population, submitted, self.applicable, self.answered,
                          self.applicable - self.answered, dict(self.counts),
                          _number_summary(self.numbers), tuple(self.texts), self.field.required)


def aggregate(q: Questionnaire, responses: Iterable[ResponseData], population: Sequence[OrgInfo],
              include_drafts: bool = False) -> RoundResults:
    """National (or any subset's) results for one round, in one pass over ``responses``
    (which may be a generator: memory does not grow with the number of responses)."""
    tallies = {f.id: _Tally(f) for f in q.fields}
    counted = 0
    for response in _counted(responses, population, include_drafts):
        counted += 1
        for aid in applicable_ids(q, response.answers):
            tallies[aid].add(response.answers.get(aid), response.organisation)
    items = {aid: tally.result(len(population), counted) for aid, tally in tallies.items()}
    return RoundResults(q.id, q.content_hash, len(population), counted, items, tuple(population))


def aggregate_by(q: Questionnaire, responses: Sequence[ResponseData], population: Sequence[OrgInfo],
                 key: Callable[[OrgInfo], str], include_drafts: bool = False) -> dict[str, RoundResults]:
    """Results per group (``lambda o: o.county``, ``lambda o: o.kind``), same counting rules."""
    groups: dict[str, list[OrgInfo]] = {}
    for org in population:
        groups.setdefault(key(org), []).append(org)
    return {
        name: aggregate(q, [r for r in responses if key(r.organisation) == name], members, include_drafts)
        for name, members in sorted(groups.items())
    }


@dataclass(frozen=True)
class ChainCell:
    """One cell of a routing table: ``count`` of ``n`` answered «ja»; None = not asked."""

    count: int
    n: int


@dataclass(frozen=True)
class ChainRow:
    row: str
    label: str
    cells: tuple[ChainCell | None, ...]


def routing_chains(item: Item) -> list[tuple[str, ...]]:
    """The per-row follow-up chains that start at ``item``, every branch to its end:
    ``[("q03", "q03a", "q03b")]``. One definition for the results page and the deck, so the
    two cannot draw different tables. A per-row follow-up is a link of its parent's chain,
    never the start of one: it has none of its own (``[]``)."""
    if item.per_row:
        return []
    return [(item.id, *tail) for tail in _chain_tails(item)]


def _chain_tails(item: Item) -> list[tuple[str, ...]]:
    tails: list[tuple[str, ...]] = []
    for follow in item.followups:
        if follow.per_row:
            tails += [(follow.id, *rest) for rest in _chain_tails(follow) or [()]]
    return tails


def routing_table(q: Questionnaire, results: RoundResults, chain: Sequence[str],
                  code: str = "ja") -> list[ChainRow]:
    """Per row of the first item, the «ja» count along a per-row chain (q03 → q03a → q03b).

    Rows the chain's follow-ups were not asked for (q03b_ickeleg) get ``None``: «Fråga ställdes
    inte». Only rows that have at least one follow-up are listed, as in the 2025 deck.
    """
    first = q.item(chain[0])
    rows = []
    for row in first.rows:
        cells: list[ChainCell | None] = []
        for item_id in chain:
            aid = f"{item_id}_{row.code}"
            if not q.has_field(aid):
                cells.append(None)
                continue
            item = results[aid]
            cells.append(ChainCell(item.counts.get(code, 0), item.answered))
        if any(cell is not None for cell in cells[1:]):
            rows.append(ChainRow(row.code, row.label, tuple(cells)))
    return rows
