"""Reading a posted section form against the questionnaire's fields (no Flask here).

Field names are the answer ids themselves; ``v__<id>`` carries the version the page showed
(0: none) and marks the field as having been on the page; ``c__<id>`` is a conflict choice
(``mine`` or ``theirs``). Anything else is refused: a name of another section, of another
questionnaire, or none at all. A post with any error saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from survey.questionnaire.model import Field, ItemType, Questionnaire
from survey.questionnaire.values import InvalidValue, Value, clean_value
from survey.responses.answers import InvalidVersion, parse_version

VERSION_PREFIX, CHOICE_PREFIX = "v__", "c__"
FORM_KEYS = frozenset({"csrf_token", "action"})


class FormData(Protocol):
    def getlist(self, key: str) -> list[str]: ...
    def __iter__(self) -> Iterator[str]: ...  # the names posted
    def __contains__(self, key: object) -> bool: ...


@dataclass
class PostedSection:
    values: dict[str, Value] = field(default_factory=dict)  # cleaned, for fields on the page
    raw: dict[str, object] = field(default_factory=dict)  # as typed, to show again
    seen: dict[str, int] = field(default_factory=dict)
    keep_theirs: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)  # answer id, or the bad name

    @property
    def ok(self) -> bool:
        return not self.errors


def read_section(q: Questionnaire, fields: tuple[Field, ...], form: FormData,
                 allowed: frozenset[str] = FORM_KEYS) -> PostedSection:
    """Check every posted name and value; collect errors instead of stopping at the first."""
    posted = PostedSection()
    own = {f.id: f for f in fields}
    _check_names(q, own, form, allowed, posted)
    for f in fields:
        if VERSION_PREFIX + f.id in form:
            _read_field(q, f, form, posted)
        elif f.id in form or CHOICE_PREFIX + f.id in form:
            posted.errors[f.id] = "Svaret kom utan uppgift om vilken version sidan visade. Ladda om sidan."
    return posted


def _check_names(q: Questionnaire, own: dict[str, Field], form: FormData,
                 allowed: frozenset[str], posted: PostedSection) -> None:
    for name in form:
        base = name[3:] if name.startswith((VERSION_PREFIX, CHOICE_PREFIX)) else name
        if base in own or name in allowed:
            continue
        shown = name[:60]
        if q.has_field(base):
            posted.errors[name] = f"Frågan «{shown}» hör inte till den här sidan. Inget sparades."
        else:
            posted.errors[name] = f"Formuläret innehöll ett okänt fält «{shown}». Inget sparades."


def _read_field(q: Questionnaire, f: Field, form: FormData, posted: PostedSection) -> None:
    versions = form.getlist(VERSION_PREFIX + f.id)
    try:
        if len(versions) != 1:
            raise InvalidVersion("Sidan skickade en ogiltig version av svaret. Ladda om sidan.")
        posted.seen[f.id] = parse_version(versions[0])
    except InvalidVersion as error:
        posted.errors[f.id] = str(error)
        return
    values = form.getlist(f.id)
    raw: object = values if f.type is ItemType.MULTIPLE else (values[0] if len(values) == 1 else
                                                               (values or None))
    posted.raw[f.id] = raw
    choice = form.getlist(CHOICE_PREFIX + f.id)
    if choice not in ([], ["mine"], ["theirs"]):
        posted.errors[f.id] = "Välj vilket av de två svaren som ska gälla."
        return
    if choice == ["theirs"]:
        posted.keep_theirs.add(f.id)
    try:
        posted.values[f.id] = clean_value(q, f, raw)
    except InvalidValue as error:
        posted.errors[f.id] = error.message
