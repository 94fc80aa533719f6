"""What an answer id means for an analyst: its numeric codes and which of its texts are inferred.

Shared by the code books (Excel, CSV, JSON) and the SPSS and Stata files, so they agree. The
codes are read from the items (``Field.codes`` of a stored definition carry labels only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from survey.questionnaire import conditions as cond
from survey.questionnaire.fields import cell_codes
from survey.questionnaire.model import Choice, Field, Item, Questionnaire, Role


@dataclass(frozen=True)
class Wording:
    """The question an answer id answers, and which parts of it are reconstructions."""

    text: str  # the question (or the comment's or specify field's label)
    row: str  # the row's own label of a matrix cell, else ""
    inferred: tuple[str, ...]  # among "frågetext", "hjälptext", "radetikett", "svarsalternativ"

    @property
    def is_inferred(self) -> bool:
        return bool(self.inferred)


def choices_of(q: Questionnaire, f: Field) -> tuple[Choice, ...]:
    """The options of an answer id as the definition declares them (with values and marks)."""
    if not f.codes or f.role in (Role.COMMENT, Role.SPECIFY):
        return ()
    declared = {c.code: c for c in cell_codes(q.item(f.item_id))}
    return tuple(declared.get(c.code, c) for c in f.codes)


def numeric_codes(q: Questionnaire, f: Field) -> dict[str, int]:
    """Code → numeric code: the declared ``value``, else the option's position from 1."""
    choices = choices_of(q, f)
    return {c.code: c.value if c.value is not None else position
            for position, c in enumerate(choices, 1)}


def _row_choice(q: Questionnaire, item: Item, row: str) -> Choice | None:
    while item.per_row and item.parent_id:
        item = q.item(item.parent_id)
    return next((r for r in item.rows if r.code == row), None)


def wording(q: Questionnaire, f: Field) -> Wording:
    item = q.item(f.item_id)
    if f.role is Role.COMMENT:
        comment = item.comment
        return Wording(f.label, "", ("frågetext",) if comment and comment.inferred else ())
    if f.role is Role.SPECIFY:
        specify = next((c.specify for c in (*item.options, *_rows(q, item)) if c.specify and c.specify.id == f.id),
                       None)
        return Wording(f.label, "", ("frågetext",) if specify and specify.inferred else ())
    marks = [name for key, name in (("text", "frågetext"), ("help", "hjälptext")) if key in item.inferred]
    row = _row_choice(q, item, f.row) if f.row is not None else None
    if row is not None and row.inferred:
        marks.append("radetikett")
    if any(c.inferred for c in choices_of(q, f)):
        marks.append("svarsalternativ")
    return Wording(item.text, f.label if f.row is not None else "", tuple(marks))


def _rows(q: Questionnaire, item: Item) -> tuple[Choice, ...]:
    while item.per_row and item.parent_id:
        item = q.item(item.parent_id)
    return item.rows


_BARE = re.compile(r"^[A-Za-z0-9_.]+$")


def _source_value(value: str) -> str:
    return value if _BARE.match(value) else '"' + value.replace('"', "'") + '"'


def to_source(expr: cond.Expr) -> str:
    """A compiled condition written back in the rule language (``parse`` reads it again).

    ``any(q17) = ja`` was compiled to its rows, so it comes back as
    ``q17_1 = ja or q17_2 = ja or q17_3 = ja``.
    """
    if isinstance(expr, cond.Compare):
        if expr.op == "in":
            single = [f"{ref} in ({', '.join(_source_value(v) for v in expr.values)})" for ref in expr.refs]
        else:
            single = [f"{ref} {expr.op} {_source_value(expr.values[0])}" for ref in expr.refs]
        joined = (" and " if expr.quantifier == "all" else " or ").join(single)
        return joined if len(single) == 1 else f"({joined})"
    if isinstance(expr, cond.Answered):
        return f"answered({expr.ref})"
    if isinstance(expr, cond.Not):
        return f"not ({to_source(expr.operand)})"
    joiner = " and " if isinstance(expr, cond.And) else " or "
    return "(" + joiner.join(to_source(op) for op in expr.operands) + ")"


def asked_when(q: Questionnaire, f: Field) -> str:
    """When the answer id is asked, in the rule language, its gates' conditions included
    (``q03_leg = ja and q03a_leg = ja`` for q03b_leg); empty when always asked."""
    parts: list[str] = []
    current: Field | None = f
    while current is not None:
        if current.condition is not None:
            parts.insert(0, to_source(current.condition))
        current = q.field(current.gate) if current.gate and q.has_field(current.gate) else None
    return " and ".join(parts)
