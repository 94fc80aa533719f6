"""The one cleaning every text gets on its way in: typed, posted, imported or uploaded.

PostgreSQL refuses NUL in text, openpyxl refuses most C0 control characters, and neither
has any business in a name, an address, a note or an answer. ``clean_text`` removes the C0
and C1 control characters (tab and newline stay), lone surrogates and the two
non-characters XML forbids, turns every newline into ``\\n`` and composes to NFC, so «å»
typed on a Mac and on Windows is the same text. No Flask, no database: the web layer, the
CLI, the imports and the core services all call it.
"""

from __future__ import annotations

import re
import unicodedata

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# C0 except tab and newline, DEL, C1, UTF-16 surrogates, and U+FFFE/U+FFFF.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_BLANKS = re.compile(r"\s+")


class TextTooLong(ValueError):
    """The cleaned text is longer than the field holds; the message is Swedish."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"Texten är {length} tecken lång; högst {limit} tecken får plats.")
        self.length, self.limit = length, limit


def clean_text(value: str, limit: int | None = None) -> str:
    """``value`` without control characters, newlines as ``\\n``, in NFC.

    With ``limit``, a longer result raises ``TextTooLong`` instead of being cut: a person
    must learn that their text did not fit, not find it shortened later.
    """
    text = _UNWANTED.sub("", _NEWLINES.sub("\n", value))
    text = unicodedata.normalize("NFC", text)
    if limit is not None and len(text) > limit:
        raise TextTooLong(len(text), limit)
    return text


def clean_line(value: str, limit: int | None = None) -> str:
    """One line (a name, an address, a subject): cleaned, blanks collapsed, trimmed."""
    text = _BLANKS.sub(" ", clean_text(value)).strip()
    if limit is not None and len(text) > limit:
        raise TextTooLong(len(text), limit)
    return text


def has_unwanted(value: str) -> bool:
    """Whether ``clean_text`` would remove something (for checks over stored data)."""
    return _UNWANTED.search(value) is not None


_ASCII_NUMBER = re.compile(r"[0-9]{1,10}")
MAX_INT = 2**31 - 1  # PostgreSQL's integer


def parse_int(text: str | None, maximum: int = MAX_INT) -> int | None:
    """A version or an id from a form: ASCII digits only, at most ``maximum``; else None.

    ``str.isdigit`` is true for «²» and «١», which ``int`` then refuses or reads as 1: a
    tampered form must get a clear refusal, never a 500 or a different number.
    """
    if text is None or not _ASCII_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None
