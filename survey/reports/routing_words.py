"""A follow-up's routing condition said in words. Pure.

«Frågan ställdes till de 20 regioner som svarade Ja på fråga 7» (the speaker notes of the
national deck) and «Frågan ställdes inte, eftersom ni svarade Nej på fråga 7» (an
organisation's reflection). Conditions of the simple forms authors write for follow-ups
(``= ja``, ``in (ja, nej_beslut)``, ``!= nej``, per row) are worded exactly; anything else gets
a plainer but still true sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey.aggregation.aggregate import RoundResults
from survey.questionnaire.conditions import Compare
from survey.questionnaire.model import Field, Questionnaire
from survey.questionnaire.values import Value, is_blank
from survey.reports.headlines import Kind, short_label


def _question(q: Questionnaire, answer_id: str) -> str:
    f = q.field(answer_id)
    item = q.item(f.item_id)
    row = f" för {short_label(f.label)}" if f.row is not None and not f.label.startswith((".", "…")) else ""
    return f"{row} på fråga {item.number or item.id}"


def _simple(f: Field) -> Compare | None:
    condition = f.condition
    if isinstance(condition, Compare) and len(condition.refs) == 1 and condition.quantifier is None \
            and condition.op in ("=", "in", "!="):
        return condition
    return None


def condition_words(q: Questionnaire, f: Field) -> str | None:
    """«svarade Ja på fråga 7», «svarade Ja eller Nej, men beslut … på fråga 1»; None if complex."""
    condition = _simple(f)
    if condition is None or not q.has_field(condition.refs[0]):
        return None
    ref = q.field(condition.refs[0])
    labels = " eller ".join(ref.label_of(value) for value in condition.values)
    verb = "inte svarade" if condition.op == "!=" else "svarade"
    return f"{verb} {labels}{_question(q, ref.id)}"


def asked_to(q: Questionnaire, f: Field, results: RoundResults) -> str:
    """Who the question was put to, with how many."""
    kind = Kind.of(q)
    asked = results[f.id].applicable
    if f.condition is None and f.gate is None:
        return f"Frågan ställdes till samtliga {results.population} {kind.many}."
    words = condition_words(q, f)
    who = f"den enda {kind.one} som" if asked == 1 else f"de {asked} {kind.many} som"
    if words is None:
        return f"Frågan ställdes till {who} fick den utifrån sina tidigare svar."
    return f"Frågan ställdes till {who} {words}."


def not_asked_reason(q: Questionnaire, f: Field, own: Mapping[str, Value]) -> str:
    """Why an organisation was not asked ``f``: its own earlier answer, in words."""
    seen: set[str] = set()
    current: Field | None = f
    while current is not None and current.id not in seen:
        seen.add(current.id)
        condition = _simple(current)
        if condition is None or not q.has_field(condition.refs[0]):
            break
        ref = q.field(condition.refs[0])
        value = own.get(ref.id)
        if not is_blank(value) and isinstance(value, str):
            return f"Frågan ställdes inte, eftersom ni svarade {ref.label_of(value)}{_question(q, ref.id)}."
        current = ref
    return "Frågan ställdes inte till er utifrån era tidigare svar."
