"""A routing condition in plain Swedish, for staff previews and printed questionnaires.

One definition of the words lives in ``survey.questionnaire.describe`` (the printable
questionnaire for respondents uses it too); this module keeps the staff preview's names.
"""

from __future__ import annotations

from survey.questionnaire.describe import describe, describe_field
from survey.questionnaire.model import Field, Questionnaire

__all__ = ["describe", "when_asked"]


def when_asked(q: Questionnaire, f: Field) -> str | None:
    """«Besvaras om …» for an answer id with a condition (None: always asked)."""
    if f.condition is None:
        return None
    return f"{describe_field(q, f)}."
