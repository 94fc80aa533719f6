"""What the national deck is built from: results, free-text themes, reflection questions, conduct.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from survey.aggregation.aggregate import RoundResults
from survey.questionnaire.model import Questionnaire
from survey.reports.definition import ReportDefinition, fill, report_for


@dataclass(frozen=True)
class ThemeSummary:
    """A theme of one free-text question: how many answers carry it, the quotes chosen for it."""

    name: str
    count: int
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FreeText:
    answer_id: str
    answered: int  # organisations that wrote something
    themes: tuple[ThemeSummary, ...] = ()


@dataclass(frozen=True)
class ReflectionQuestion:
    stem: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conduct:
    """How the round was run («Genomförande av enkäten»)."""

    opens_on: date
    closes_on: date
    extension_days: int = 0
    distribution: str | None = None
    contact: str = "patientsakerhet@socialstyrelsen.se"


@dataclass(frozen=True)
class DeckInput:
    questionnaire: Questionnaire
    results: RoundResults
    conduct: Conduct
    free_text: Mapping[str, FreeText] = field(default_factory=dict)  # by answer id
    footnotes: Mapping[str, Sequence[str]] = field(default_factory=dict)  # item id → quotes
    reflection_questions: tuple[ReflectionQuestion, ...] = ()
    report: ReportDefinition | None = None  # the words; None: the family's file for the year


def default_reflection_questions(q: Questionnaire) -> tuple[ReflectionQuestion, ...]:
    """The report definition's reflection questions, in the respondent kind's words («i vår
    region/kommun»)."""
    return tuple(ReflectionQuestion(fill(question.stem, q), tuple(fill(item, q) for item in question.items))
                 for question in report_for(q).reflection_questions)
