"""A routing condition in plain Swedish, for staff previews and printed questionnaires.

«Besvaras om ni svarat Ja på fråga 1», «… om ni svarat Ja för minst en rad i fråga 17». The
words come from the definition (question numbers, option labels), never from answer ids,
except where a question has no number.
"""

from __future__ import annotations

from survey.questionnaire.conditions import And, Answered, Compare, Expr, Not
from survey.questionnaire.model import Field, Questionnaire

_OPS = {"<": "mindre än", "<=": "högst", ">": "mer än", ">=": "minst"}


def _question(q: Questionnaire, answer_id: str) -> str:
    f = q.field(answer_id)
    item = q.item(f.item_id)
    name = f"fråga {item.number}" if item.number else f"frågan «{item.text}»"
    return f"{name}, raden «{f.label}»" if f.row else name


def _labels(q: Questionnaire, answer_id: str, codes: tuple[str, ...]) -> str:
    f = q.field(answer_id)
    shown = [f"«{f.label_of(code)}»" if f.codes else code for code in codes]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " eller " + shown[-1]


def _compare(q: Questionnaire, expr: Compare) -> str:
    first = expr.refs[0]
    values = _labels(q, first, expr.values)
    if len(expr.refs) > 1:
        item = q.item(q.field(first).item_id)
        name = f"fråga {item.number}" if item.number else f"frågan «{item.text}»"
        scope = "för alla rader" if expr.quantifier == "all" else "för minst en rad"
        return f"ni svarat {values} {scope} i {name}"
    where = _question(q, first)
    if expr.op in ("=", "in"):
        return f"ni svarat {values} på {where}"
    if expr.op == "!=":
        return f"ni svarat något annat än {values} på {where}"
    return f"svaret på {where} är {_OPS[expr.op]} {expr.values[0]}"


def describe(q: Questionnaire, expr: Expr) -> str:
    """The condition as a clause («ni svarat Ja på fråga 1»)."""
    if isinstance(expr, Compare):
        return _compare(q, expr)
    if isinstance(expr, Answered):
        return f"ni besvarat {_question(q, expr.ref)}"
    if isinstance(expr, Not):
        return f"det inte gäller att {describe(q, expr.operand)}"
    joiner = " och " if isinstance(expr, And) else " eller "
    return joiner.join(describe(q, operand) for operand in expr.operands)


def when_asked(q: Questionnaire, f: Field) -> str | None:
    """«Besvaras om …» for an answer id with a condition (None: always asked)."""
    if f.condition is None:
        return None
    return f"Besvaras om {describe(q, f.condition)}."

