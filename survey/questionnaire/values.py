"""Checking and normalising one answer value against its field (no Flask, no database).

The form, the import and staff entry all pass what a person typed through ``clean_value``;
stored values are canonical: codes as strings, multiple choice as a sorted list of codes,
numbers as plain decimal strings with a point (``"1234.5"``), dates as ISO strings.
Messages are Swedish, because they are shown to respondents.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from survey.formatting import format_swedish_number
from survey.questionnaire.conditions import is_blank as is_blank  # the one definition, where Value is
from survey.questionnaire.model import Field, ItemType, Questionnaire

Value = str | list[str] | None
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvalidValue(ValueError):
    def __init__(self, answer_id: str, message: str) -> None:
        super().__init__(f"{answer_id}: {message}")
        self.answer_id = answer_id
        self.message = message


def parse_swedish_number(text: str) -> Decimal:
    """``12,5``, ``1 234``, ``1 234,50``, ``-3`` → Decimal; raises ``InvalidOperation``."""
    cleaned = _SPACES.sub("", text).replace("\u2212", "-")
    if cleaned.count(",") + cleaned.count(".") > 1 or not re.fullmatch(r"-?\d+([.,]\d+)?", cleaned):
        raise InvalidOperation(text)
    return Decimal(cleaned.replace(",", "."))


def clean_value(q: Questionnaire, f: Field, raw: object) -> Value:
    """The canonical value, or ``None`` for blank; raise ``InvalidValue`` with a Swedish message."""
    if f.type is ItemType.MULTIPLE:
        return _clean_multiple(f, raw)
    if isinstance(raw, list):
        raise InvalidValue(f.id, "Endast ett svar får anges.")
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidValue(f.id, "Svaret måste vara text.")
    text = raw.replace("\r\n", "\n")
    if is_blank(text.strip()):
        return None
    if f.codes:
        if text not in f.code_set:
            raise InvalidValue(f.id, f"Okänt svarsalternativ «{text[:40]}».")
        return text
    if f.type is ItemType.NUMBER:
        return _clean_number(q, f, text)
    if f.type is ItemType.DATE:
        return _clean_date(f, text.strip())
    return _clean_text(f, text)


def _clean_multiple(f: Field, raw: object) -> Value:
    values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
    if not all(isinstance(v, str) for v in values):
        raise InvalidValue(f.id, "Svaret måste vara en lista med alternativ.")
    unknown = [v for v in values if v not in f.code_set]
    if unknown:
        raise InvalidValue(f.id, f"Okänt svarsalternativ «{str(unknown[0])[:40]}».")
    order = [c.code for c in f.codes]
    chosen = sorted(set(values), key=order.index)
    return chosen or None


def _clean_number(q: Questionnaire, f: Field, text: str) -> str:
    try:
        number = parse_swedish_number(text)
    except InvalidOperation:
        raise InvalidValue(f.id, "Ange ett tal, till exempel 12 eller 12,5.") from None
    item = q.item(f.item_id)
    exponent = number.as_tuple().exponent  # an int: the parsed number is finite
    if item.decimals is not None and isinstance(exponent, int) and -exponent > item.decimals:
        raise InvalidValue(f.id, {0: "Ange ett heltal.", 1: "Ange högst en decimal."}.get(
            item.decimals, f"Ange högst {item.decimals} decimaler."))
    if item.minimum is not None and number < Decimal(item.minimum):
        raise InvalidValue(f.id, f"Talet får inte vara mindre än {format_swedish_number(item.minimum)}.")
    if item.maximum is not None and number > Decimal(item.maximum):
        raise InvalidValue(f.id, f"Talet får inte vara större än {format_swedish_number(item.maximum)}.")
    return f"{number.normalize():f}" if number != 0 else "0"


def _clean_date(f: Field, text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else _bad_date(f)
    except ValueError:
        return _bad_date(f)


def _bad_date(f: Field) -> str:
    raise InvalidValue(f.id, "Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2025-10-19.")


def _clean_text(f: Field, text: str) -> str:
    text = _CONTROL.sub("", text).strip()
    limit = f.max_length or 4000
    if len(text) > limit:
        raise InvalidValue(f.id, f"Texten är {len(text)} tecken lång; högst {limit} tecken får plats.")
    return text
