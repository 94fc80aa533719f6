"""Reading the posted notes form: every note checked before anything is saved.

A note longer than ``NOTE_LIMIT`` is refused with its length, never cut; a version that is
not a plain number means the page was tampered with. Either way the page comes back with
everything as it was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from survey.reflection import NOTE_LIMIT
from survey.responses.answers import InvalidVersion, parse_version
from survey.text import clean_text

EXPIRED = ("Sidan hade varit öppen så länge att anteckningarna inte kunde sparas. Allt ni skrev "
           "finns kvar: kontrollera texten och klicka på Spara anteckningarna igen.")
DATABASE_DOWN = ("Databasen svarade inte, så anteckningarna sparades inte. Allt ni skrev finns kvar: vänta en "
                 "liten stund och klicka på Spara anteckningarna igen.")
BAD_VERSION = "Sidan skickade en ogiltig version av anteckningen. Ladda om sidan. Inget sparades."


@dataclass
class PostedNotes:
    texts: dict[str, str] = field(default_factory=dict)  # cleaned, to save
    typed: dict[str, str] = field(default_factory=dict)  # as typed, to show again
    seen: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # note key → message


def read_notes(form: Mapping[str, str], keys: list[str]) -> PostedNotes:
    posted = PostedNotes()
    for key in keys:
        raw = form.get(f"note-{key}", "")
        posted.typed[key] = raw
        try:
            posted.seen[key] = parse_version(form.get(f"version-{key}") or "0")
        except InvalidVersion:
            posted.errors[key] = BAD_VERSION
            continue
        text = clean_text(raw).strip()
        if len(text) > NOTE_LIMIT:
            posted.errors[key] = (f"Anteckningen är {_count(len(text))} tecken lång; högst {_count(NOTE_LIMIT)} "
                                  "tecken får plats. Korta texten och spara igen. Inget sparades.")
        else:
            posted.texts[key] = text
    return posted


def _count(number: int) -> str:
    """10 000: a space between thousands, as Swedish text writes it."""
    return f"{number:,}".replace(",", "\u00a0")
