"""A complete response with the least typing: every required answer that applies, filled in
order with the first option (or a plain number, date or text). For trying the form, the load
benchmark and tests; never for real data."""

from __future__ import annotations

from typing import Any

from survey.questionnaire.model import Questionnaire
from survey.questionnaire.routing import missing_required


def minimal_answers(q: Questionnaire, day: str = "2025-10-01") -> dict[str, Any]:
    """Values for every required field that applies; raises if routing never settles."""
    values: dict[str, Any] = {}
    for _ in range(len(q.fields) + 1):
        missing = missing_required(q, values)
        if not missing:
            return values
        f = q.field(missing[0])
        if f.codes:
            values[f.id] = [f.codes[0].code] if f.type.value == "multiple" else f.codes[0].code
        elif f.type.value == "number":
            values[f.id] = "1"
        elif f.type.value == "date":
            values[f.id] = day
        else:
            values[f.id] = "Text"
    raise ValueError(f"{q.id}: the required answers never settle")
