"""A condition in Swedish words, for people: «Besvaras om ni svarat Ja på fråga 1».

The printable questionnaire shows each follow-up's condition this way, and the staff
preview reads the same words. Pure: a ``Questionnaire`` and a field or condition in, text out.
References are answer ids (the loader resolved the shorthand ``= ja`` to the parent's id).
"""

from __future__ import annotations

from survey.questionnaire.conditions import And, Answered, Compare, Expr, Not, Or
from survey.questionnaire.model import Field, Item, Questionnaire

_ORDER_WORDS = {"<": "mindre än", "<=": "högst", ">": "mer än", ">=": "minst"}


def describe_field(q: Questionnaire, f: Field) -> str | None:
    """``Besvaras om …`` for a field with a condition (or inherited through its gate)."""
    condition = f.condition
    gate = f.gate
    while condition is None and gate is not None:  # a cell applies when its parent cell does
        parent = q.field(gate)
        condition, gate = parent.condition, parent.gate
    return f"Besvaras om {describe(q, condition)}" if condition is not None else None


def describe(q: Questionnaire, expr: Expr) -> str:
    """The condition as the clause after «Besvaras om»."""
    if isinstance(expr, Compare):
        return _compare(q, expr)
    if isinstance(expr, Answered):
        return f"ni har besvarat {_where(q, expr.ref)}"
    if isinstance(expr, Not):
        return f"det inte gäller att {describe(q, expr.operand)}"
    joiner = " och " if isinstance(expr, And) else " eller "
    assert isinstance(expr, And | Or)
    return joiner.join(describe(q, operand) for operand in expr.operands)


def _compare(q: Questionnaire, expr: Compare) -> str:
    where = _where_all(q, expr)
    if expr.op in _ORDER_WORDS:
        return f"svaret {where} är {_ORDER_WORDS[expr.op]} {expr.values[0].replace('.', ',')}"
    f = q.field(expr.refs[0])
    chosen = _either([_label(f, value) for value in expr.values])
    negation = "inte " if expr.op == "!=" else ""
    return f"ni {negation}svarat {chosen} {where}"


def _where_all(q: Questionnaire, expr: Compare) -> str:
    if len(expr.refs) == 1:
        return _where(q, expr.refs[0])
    item = q.item(q.field(expr.refs[0]).item_id)
    every = expr.quantifier == "all"
    if len(expr.refs) > 2:  # long row texts would drown the sentence
        return f"{'för alla rader' if every else 'för minst en rad'} i {_question(item.number, item.text)}"
    rows = [f"«{q.field(ref).label}»" for ref in expr.refs]
    both = _either(rows, "och" if every else "eller")
    return f"för {'både ' if every else ''}{both} på {_question(item.number, item.text)}"


def _where(q: Questionnaire, ref: str) -> str:
    f = q.field(ref)
    item = q.item(f.item_id)
    row = f"för «{f.label}» " if f.row else ""
    return f"{row}på {_question(item.number, item.text)}"


def _question(number: str | None, text: str) -> str:
    return f"fråga {number}" if number else f"frågan «{text}»"


def _label(f: Field, code: str) -> str:
    """``Ja`` as it is; a longer label in «» so that the sentence still reads."""
    text = f.label_of(code) if f.codes else code
    return text if text.isalnum() else f"«{text}»"


def _either(words: list[str], last: str = "eller") -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def describe_item(q: Questionnaire, item: Item) -> str | None:
    """``Besvaras om …`` for a follow-up as a whole (a per-row one: for each of its rows)."""
    fields = [f for f in q.fields_of_item(item.id) if f.role is item.role]
    if not fields:
        return None
    if item.per_row and fields[0].condition is not None:
        condition = fields[0].condition
        if isinstance(condition, Compare) and len(condition.refs) == 1 and condition.op in ("=", "in"):
            parent = q.item(q.field(condition.refs[0]).item_id)
            chosen = _either([_label(q.field(condition.refs[0]), v) for v in condition.values])
            return (f"Besvaras för varje rad nedan där ni svarat {chosen} på "
                    f"{_question(parent.number, parent.text)}")
    return describe_field(q, fields[0])
