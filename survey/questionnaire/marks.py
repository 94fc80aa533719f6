"""Two marks a definition can carry besides its wording (docs/questionnaire-format.md):

- ``inferred``: which texts are reconstructions rather than the official wording (an item's
  ``text``, ``help``, ``options``, ``rows``, or ``true`` for all of them; ``true`` on an option,
  a row, a comment or a specify field; ``[title, intro]`` at the top). Tools read it: the code
  books show it, so nobody cites a reconstructed question as the official one.
- ``value``: the numeric code of an option in SPSS and Stata files, declared so that it stays
  the same across years even if the options are reordered. Without it an option's code is its
  position (1, 2, …); yes/no cells are Ja = 1, Nej = 2.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from survey.questionnaire.model import INFERRABLE, Choice

TOP_INFERRABLE = ("title", "intro")
ProblemAt = Callable[[str], None]  # reports a problem at the key being read


def inferred_set(value: Any, allowed: Sequence[str], problem: ProblemAt) -> frozenset[str]:
    """``true`` → every allowed name; a list → those names; ``false``/missing → none."""
    if value is None or value is False:
        return frozenset()
    if value is True:
        return frozenset(allowed)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        unknown = [v for v in value if v not in allowed]
        if unknown:
            problem(f"'inferred' names {', '.join(unknown)}; it can name {', '.join(allowed)} (or be true)")
        return frozenset(v for v in value if v in allowed)
    problem(f"'inferred' must be true, false or a list of {', '.join(allowed)}")
    return frozenset()


def inferred_flag(value: Any, problem: ProblemAt) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    problem("'inferred' must be true or false here")
    return False


def numeric_value(value: Any, problem: ProblemAt) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problem(f"'value' must be a whole number ≥ 0 (negative numbers are the missing-value codes), not {value!r}")
        return None
    return value


def check_values(choices: Sequence[Choice], problem: ProblemAt) -> None:
    """Declared codes: on every option or on none, and each used once."""
    declared = [c for c in choices if c.value is not None]
    if not declared:
        return
    if len(declared) != len(choices):
        missing = ", ".join(c.code for c in choices if c.value is None)
        problem(f"'value' is declared on some options but not on {missing}: declare it on all or none")
    seen: dict[int, str] = {}
    for choice in declared:
        assert choice.value is not None
        if choice.value in seen:
            problem(f"options '{seen[choice.value]}' and '{choice.code}' have the same value {choice.value}")
        seen.setdefault(choice.value, choice.code)


def item_inferred(marks: frozenset[str]) -> frozenset[str]:
    """The item-level part of the marks (options and rows are marked on each choice)."""
    return marks & {"text", "help"}


def mark_choices(choices: tuple[Choice, ...], inferred: bool) -> tuple[Choice, ...]:
    if not inferred:
        return choices
    from dataclasses import replace

    return tuple(replace(c, inferred=True) for c in choices)


__all__ = ["INFERRABLE", "TOP_INFERRABLE", "check_values", "inferred_flag", "inferred_set",
           "item_inferred", "mark_choices", "numeric_value"]
