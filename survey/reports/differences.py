"""«Här skiljer sig era svar»: where an organisation answered otherwise than most, grouped by
section, the direction said in words and the most telling first. Pure.

A difference leads when the organisation answered «Nej» where most have what the question
asks about («Ja»), when the majority against it is large, and when it is a main question
rather than a follow-up; sections come in the order of their most telling difference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from survey.questionnaire.model import NO, YES
from survey.reports.headlines import Kind, short_label, tidy
from survey.reports.reflection import FieldView, Reflection


@dataclass(frozen=True)
class Difference:
    view: FieldView
    topic: str  # «Fråga 3, legitimerad hälso- och sjukvårdspersonal»
    question: str  # the question in full (a matrix row's stem and row together)
    direction: str  # «Ni svarade Nej, liksom 3 andra av 21 regioner; 17 svarade Ja.»
    lacks: bool  # answered Nej where most answered Ja
    has_more: bool  # answered Ja where most answered Nej
    rank: tuple[int, float, int]


@dataclass(frozen=True)
class QuestionDifferences:
    """One question's differences: the question once, then its rows (or the answer itself)."""

    number: str
    question: str  # the stem, for a question with rows
    items: tuple[Difference, ...]

    @property
    def rank(self) -> tuple[int, float, int]:
        return self.items[0].rank


@dataclass(frozen=True)
class DifferenceGroup:
    section: str
    questions: tuple[QuestionDifferences, ...]

    @property
    def items(self) -> tuple[Difference, ...]:
        return tuple(d for question in self.questions for d in question.items)


def _row_question(view: FieldView) -> str:
    """The stem and the row as one question: «Bedömer regionen … genomföra händelseanalyser?»."""
    if view.row_label is None:
        return view.question
    stem = view.question.removesuffix(view.row_label).strip()
    row = view.row_label.strip()
    if re.search(r"(\.\.\.|…|\.)$", stem) and row.startswith((".", "…")):
        return re.sub(r"[.…\s]+$", "", stem) + " " + re.sub(r"^[.…\s]+", "", row)
    return f"{stem} – {short_label(row)}"


def _topic(view: FieldView) -> str:
    """The row a difference is about («Patientsäkerhetsfunktioner», «Händelseanalyser»); empty
    for a question without rows."""
    if view.row_label is None:
        return ""
    row = re.sub(r"^[.…\s]+", "", short_label(view.row_label)).rstrip("?. ")
    return row[:1].upper() + row[1:]


def _stem(view: FieldView) -> str:
    if view.row_label is None:
        return view.question
    return view.question.removesuffix(view.row_label).strip()


def difference(view: FieldView, kind: Kind, main: bool) -> Difference | None:
    group = view.groups[-1]  # all organisations of the kind
    own = [o for o in group.options if o.own]
    if len(own) != 1 or not group.n:
        return None
    majority = max(group.options, key=lambda o: o.count)
    others = own[0].count - 1
    if others > 0:
        other = "annan" if others == 1 else "andra"
        said = f"Ni svarade {own[0].label}, liksom {others} {other} av {group.n} {kind.many}"
    else:
        said = f"Ni är den enda av {group.n} {kind.many} som svarade {own[0].label}"
    direction = tidy(f"{said}; {majority.count} svarade {majority.label}.", kind)
    lacks = majority.code == YES
    rank = (0 if lacks else 1, -majority.count / group.n, 0 if main else 1)
    return Difference(view, _topic(view), _row_question(view), direction, lacks,
                      own[0].code == YES and majority.code == NO, rank)


def differences(reflection: Reflection) -> list[DifferenceGroup]:
    q = reflection.questionnaire
    kind = Kind.of(q)
    groups = []
    for section in reflection.sections:
        by_number: dict[str, list[Difference]] = {}
        for view in section.fields:
            main = q.item(q.field(view.answer_id).item_id).parent_id is None
            found = difference(view, kind, main) if view.differs else None
            if found:
                by_number.setdefault(view.number, []).append(found)
        questions = [QuestionDifferences(number, _stem(items[0].view), tuple(sorted(items, key=lambda d: d.rank)))
                     for number, items in by_number.items()]
        if questions:
            groups.append(DifferenceGroup(section.title, tuple(sorted(questions, key=lambda x: x.rank))))
    return sorted(groups, key=lambda g: g.questions[0].rank)


def lead(groups: list[DifferenceGroup], kind: Kind) -> str:
    """One sentence on the whole: how many differences, in which direction."""
    items = [d for g in groups for d in g.items]
    lacks, more = sum(d.lacks for d in items), sum(d.has_more for d in items)
    rest = len(items) - lacks - more

    def questions(k: int) -> str:
        return "en fråga" if k == 1 else f"{k} frågor och delfrågor"

    parts = []
    if lacks:
        parts.append(f"Nej i {questions(lacks)} där de flesta {kind.many} svarade Ja")
    if more:
        parts.append(f"Ja i {questions(more)} där de flesta svarade Nej")
    if rest:
        parts.append(f"annat än de flesta i {questions(rest)}")
    return tidy(f"Ni svarade {', och '.join(parts)}. Först står de frågor där färst svarade som ni.", kind)
