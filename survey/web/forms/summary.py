"""The answers as a list of questions: for review, the read-only pages, the receipt and its file.

Only what applies is listed (routing on the answers themselves); an applicable question
without an answer is flagged, and marked as blocking when it is required. No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from survey.questionnaire.model import Item, Questionnaire, Role, Section
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import Value, is_blank
from survey.web.forms.display import display_value
from survey.web.forms.widgets import anchor


@dataclass(frozen=True)
class AnswerLine:
    answer_id: str
    label: str | None  # the row, or «Kommentar»; None for a question's only answer
    text: str
    answered: bool
    required: bool
    anchor: str

    @property
    def blocking(self) -> bool:
        return self.required and not self.answered


@dataclass(frozen=True)
class QuestionSummary:
    item_id: str
    number: str | None
    text: str
    followup: bool
    lines: tuple[AnswerLine, ...]

    @property
    def unanswered(self) -> bool:
        return any(not line.answered for line in self.lines if line.label is None or line.required)


def section_summary(q: Questionnaire, section: Section, values: Mapping[str, Value],
                    applicable: set[str] | None = None) -> list[QuestionSummary]:
    applicable = applicable if applicable is not None else applicable_ids(q, values)
    result = []
    for item in section.walk():
        lines = tuple(_lines(q, item, values, applicable))
        if lines:
            result.append(QuestionSummary(item.id, item.number, item.text,
                                          item.role is Role.FOLLOWUP, lines))
    return result


def _lines(q: Questionnaire, item: Item, values: Mapping[str, Value],
           applicable: set[str]) -> Iterator[AnswerLine]:
    for f in q.fields_of_item(item.id):
        if f.id not in applicable:
            continue
        value = values.get(f.id)
        answered = not is_blank(value)
        if f.role in (Role.COMMENT, Role.SPECIFY) and not answered:
            continue  # optional free text: listed only when written
        label = f.label if (f.row is not None or f.role in (Role.COMMENT, Role.SPECIFY)) else None
        yield AnswerLine(f.id, label, display_value(f, value), answered, f.required, anchor(f))


def blocking(q: Questionnaire, values: Mapping[str, Value]) -> list[tuple[Section, QuestionSummary, AnswerLine]]:
    """Required applicable answers still missing, in questionnaire order."""
    applicable = applicable_ids(q, values)
    found: list[tuple[Section, QuestionSummary, AnswerLine]] = []
    for section in q.sections:
        for question in section_summary(q, section, values, applicable):
            found.extend((section, question, line) for line in question.lines if line.blocking)
    return found
