"""The one routing evaluator: which answer ids apply, given the answers themselves.

Used by the form (server side), validation, submit, import, aggregation and the exports.
Answers to fields that do not apply are *kept* in a draft (switching a parent back restores
them) but are never part of the effective response: not shown, not required, not exported,
not counted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from survey.questionnaire import conditions as cond
from survey.questionnaire.model import Field, Questionnaire

Answers = Mapping[str, cond.Value]


def route(q: Questionnaire, choose: Callable[[Field], cond.Value],
          upto: int | None = None) -> tuple[set[str], dict[str, cond.Value]]:
    """The one routing walk, in questionnaire order: a field applies when its gate applies and
    its condition holds on the answers so far; ``choose`` gives each applicable field's answer
    (a stored one, or an invented one for demo data). One pass suffices: conditions only look
    backwards. Returns the applicable ids and the effective (applicable, non-blank) answers."""
    applicable: set[str] = set()
    effective: dict[str, cond.Value] = {}
    for f, gate, check in _steps(q)[:upto]:
        if (gate is None or gate in applicable) and (check is None or check(effective)):
            applicable.add(f.id)
            value = choose(f)
            if not cond.is_blank(value):
                effective[f.id] = value
    return applicable, effective


Step = tuple[Field, str | None, cond.Check | None]


def _steps(q: Questionnaire) -> tuple[Step, ...]:
    """Each field with its gate and its compiled condition, made once per questionnaire and
    kept on it (as the questionnaire keeps its own indexes), so a walk compiles nothing."""
    steps: tuple[Step, ...] | None = q.__dict__.get("_routing_steps")
    if steps is None:
        steps = tuple((f, f.gate, None if f.condition is None else cond.compiled(f.condition)) for f in q.fields)
        object.__setattr__(q, "_routing_steps", steps)
    return steps


def applicable_ids(q: Questionnaire, answers: Answers, upto: int | None = None) -> set[str]:
    """Answer ids whose routing holds (among the first ``upto`` fields, by default all of them)."""
    return route(q, lambda f: answers.get(f.id), upto)[0]


def applicable_after(q: Questionnaire, stored: Answers, posted: Answers) -> set[str]:
    """Answer ids that apply once ``posted`` is laid over ``stored`` (a blank posted value
    removes the stored one): what a save may write, and what its page shows next."""
    merged = {aid: value for aid, value in {**stored, **posted}.items() if not cond.is_blank(value)}
    return applicable_ids(q, merged)


def is_applicable(f: Field, applicable: set[str], effective: Mapping[str, cond.Value]) -> bool:
    if f.gate is not None and f.gate not in applicable:
        return False
    return f.condition is None or cond.compiled(f.condition)(effective)


def effective_answers(q: Questionnaire, answers: Answers) -> dict[str, cond.Value]:
    """The response as it counts: answers to applicable fields only, in questionnaire order."""
    applicable = applicable_ids(q, answers)
    return {f.id: answers[f.id] for f in q.fields
            if f.id in applicable and not cond.is_blank(answers.get(f.id))}


def inapplicable_answered(q: Questionnaire, answers: Answers) -> list[str]:
    """Answer ids that carry a value although their routing is false (an import error)."""
    applicable = applicable_ids(q, answers)
    return [f.id for f in q.fields if f.id not in applicable and not cond.is_blank(answers.get(f.id))]


def missing_required(q: Questionnaire, answers: Answers) -> list[str]:
    """Applicable, required and blank: what blocks submitting."""
    applicable = applicable_ids(q, answers)
    return [f.id for f in q.fields
            if f.id in applicable and f.required and cond.is_blank(answers.get(f.id))]
