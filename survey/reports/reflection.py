"""An organisation's answers beside the national picture: the view the reflection page and files show. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey.aggregation.aggregate import ItemResult, OrgInfo, RoundResults
from survey.aggregation.compare import Comparison
from survey.questionnaire.model import Field, ItemType, Questionnaire, Role
from survey.questionnaire.values import Value, is_blank
from survey.reports.deck import ReflectionQuestion, default_reflection_questions
from survey.reports.headlines import Kind, answer_words, own_answer
from survey.reports.routing_words import not_asked_reason

GENERAL_NOTE = "allmant"


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    count: int
    share: float | None  # of those who answered
    own: bool


@dataclass(frozen=True)
class Distribution:
    """How one group answered (all regions; the municipalities of one county; all municipalities)."""

    name: str
    n: int
    options: tuple[Option, ...]
    population: int = 0  # the whole group (all regions; the county's municipalities): a bar's full width


@dataclass(frozen=True)
class FieldView:
    answer_id: str
    number: str
    question: str
    own: str | None  # the label of the organisation's answer (None: not asked or blank)
    asked: bool
    summary: str  # «Ni svarade Ja. Det gjorde 19 av 21 regioner.»
    differs: bool  # the organisation's answer is not the one most others gave
    groups: tuple[Distribution, ...]
    last_year: str | None = None  # «År 2024 svarade ni Nej.» or why it cannot be compared
    row_label: str | None = None  # the matrix row or staff group, where the answer id is a row


@dataclass(frozen=True)
class SectionView:
    title: str
    fields: tuple[FieldView, ...]


@dataclass(frozen=True)
class Reflection:
    organisation: OrgInfo
    questionnaire: Questionnaire
    sections: tuple[SectionView, ...]
    questions: tuple[ReflectionQuestion, ...]
    compared_year: int | None = None

    @property
    def differing(self) -> list[FieldView]:
        return [f for section in self.sections for f in section.fields if f.differs]


def _distribution(name: str, f: Field, result: ItemResult, own: Value, population: int = 0) -> Distribution:
    chosen = set(own) if isinstance(own, list) else {own}
    options = tuple(Option(c.code, c.label, result.counts.get(c.code, 0), result.share(c.code), c.code in chosen)
                    for c in f.codes)
    return Distribution(name, result.answered, options, population or result.answered)


def _summary(q: Questionnaire, f: Field, result: ItemResult, own: Mapping[str, Value], asked: bool) -> str:
    kind = Kind.of(q)
    if not asked:
        return not_asked_reason(q, f, own)
    value = own.get(f.id)
    if is_blank(value):
        return "Ni besvarade inte frågan."
    codes = value if isinstance(value, list) else [value]
    labels = answer_words([f.label_of(str(code)) for code in codes])
    same = sum(result.counts.get(str(code), 0) for code in codes)
    return own_answer(kind, labels, same, result.answered)


def _differs(result: ItemResult, own: Value) -> bool:
    """True when most others (more than half of those answering) gave another answer."""
    if is_blank(own) or isinstance(own, list) or not result.answered:
        return False
    code, count = max(result.counts.items(), key=lambda pair: pair[1])
    return code != own and count * 2 > result.answered


def _last_year(comparison: Comparison | None, before: Mapping[str, Value] | None, f: Field) -> str | None:
    if comparison is None or before is None:
        return None
    item = comparison.items.get(f.id)
    if item is None:
        return None
    if not item.comparable:
        return f"Kan inte jämföras med {comparison.before_year}: {' '.join(item.reasons)}"
    value = before.get(f.id)
    # «År 2024 …»: a sentence never opens with a digit.
    if is_blank(value):
        return f"År {comparison.before_year} fick ni inte frågan eller lämnade den obesvarad."
    return f"År {comparison.before_year} svarade ni {answer_words([f.label_of(str(value))])}."


def build_reflection(q: Questionnaire, results: RoundResults, org: OrgInfo, own: Mapping[str, Value],
                     applicable: set[str], county: tuple[str, RoundResults] | None = None,
                     comparison: Comparison | None = None, before: Mapping[str, Value] | None = None,
                     questions: Sequence[ReflectionQuestion] = ()) -> Reflection:
    """The organisation's reflection view (``own``: its effective answers; ``applicable``: the
    answer ids its routing asked)."""
    kind = Kind.of(q)
    national = f"Alla {kind.many}"
    sections = []
    for section in q.sections:
        views = []
        for f in q.fields:
            if f.section_id != section.id or f.role not in (Role.MAIN, Role.FOLLOWUP) or not f.codes:
                continue
            result, value = results[f.id], own.get(f.id)
            groups = [_distribution(national, f, result, value, results.population)]
            if county is not None:
                groups.insert(0, _distribution(county[0], f, county[1][f.id], value, county[1].population))
            item = q.item(f.item_id)
            question = item.text if f.row is None else f"{item.text} {f.label}"
            views.append(FieldView(
                f.id, item.number or item.id, question,
                None if is_blank(value) else " och ".join(f.label_of(str(v)) for v in
                                                         (value if isinstance(value, list) else [value])),
                f.id in applicable, _summary(q, f, result, own, f.id in applicable),
                _differs(result, value), tuple(groups), _last_year(comparison, before, f),
                f.label if f.row is not None else None))
        sections.append(SectionView(section.title, tuple(views)))
    return Reflection(org, q, tuple(sections), tuple(questions) or default_reflection_questions(q),
                      comparison.before_year if comparison else None)


def free_text_answers(q: Questionnaire, own: Mapping[str, Value]) -> list[tuple[str, str]]:
    """The organisation's own free-text answers: (question, text)."""
    found = []
    for f in q.fields:
        value = own.get(f.id)
        if f.type is ItemType.TEXT and isinstance(value, str) and value.strip():
            found.append((q.item(f.item_id).text if f.role is Role.MAIN else f.label, value))
    return found


def question_keys(questions: Sequence[ReflectionQuestion]) -> list[str]:
    """Stable keys of the reflection questions' note fields, plus the general notes."""
    return [f"fraga{index}" for index in range(1, len(questions) + 1)] + [GENERAL_NOTE]
