"""Receipt numbers (kvittensnummer): stored, unique, short enough to read over the phone.

``PS-2025-0180-7K3Q``: the questionnaire's year, the organisation's code and four characters
from an alphabet without look-alikes (no 0/O, 1/I/L, U), so a person can quote it to the
agency and staff can find the response by it. Given at the first submission and kept when a
reopened response is submitted again.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import Response

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "PS"


def receipt_number(year: int, org_code: str, draw: str | None = None) -> str:
    """The number for this year and organisation; ``draw`` fixes the random part (tests)."""
    tail = draw if draw is not None else "".join(secrets.choice(ALPHABET) for _ in range(4))
    return f"{PREFIX}-{year}-{org_code}-{tail}"


def assign_receipt_number(session: Session, response: Response, year: int) -> str:
    """The response's number, drawn on first use (unique: drawn again on the rare clash)."""
    if response.receipt_number is None:
        for _ in range(20):
            number = receipt_number(year, response.organisation.code)
            if session.scalar(select(Response.id).where(Response.receipt_number == number)) is None:
                response.receipt_number = number
                break
        else:  # 30**4 numbers per organisation and year: this does not happen
            raise RuntimeError("no free receipt number")
    return response.receipt_number
