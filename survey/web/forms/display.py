"""Stored values as a person reads them: labels for codes, Swedish numbers. No Flask here."""

from __future__ import annotations

from survey.formatting import format_swedish_number
from survey.questionnaire.model import Field, ItemType
from survey.questionnaire.values import Value, is_blank

UNANSWERED = "Ej besvarad"


def display_value(f: Field, value: Value) -> str:
    """``ja`` → «Ja», ``["a", "b"]`` → «A, B», ``"1234.5"`` → «1 234,5»; blank → «Ej besvarad»."""
    if value is None or is_blank(value):
        return UNANSWERED
    if isinstance(value, list):
        return ", ".join(f.label_of(code) for code in value)
    if f.codes:
        return f.label_of(value)
    if f.type is ItemType.NUMBER:
        try:
            return format_swedish_number(value)
        except ArithmeticError:
            return value
    return value
