"""Immutable typed objects a questionnaire definition is validated into.

Two levels: the *items* an author writes (sections, questions, follow-ups, as nested in the
file) and the flat *answer fields* every answer is stored under (``q03_leg``, ``q03a_leg``,
``q15b_6_text``). Everything downstream (form, routing, aggregation, exports) works on fields
and finds the presentation through ``Field.item_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from survey.questionnaire.conditions import Expr


class ItemType(StrEnum):
    """The one list of question types; registries elsewhere are checked against it."""

    YESNO = "yesno"
    SINGLE = "single"
    MULTIPLE = "multiple"
    MATRIX = "matrix"
    YESNO_LIST = "yesno_list"
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"


class Role(StrEnum):
    MAIN = "main"
    FOLLOWUP = "followup"
    COMMENT = "comment"
    SPECIFY = "specify"


ROW_TYPES = (ItemType.MATRIX, ItemType.YESNO_LIST)
CHOICE_TYPES = (ItemType.YESNO, ItemType.SINGLE, ItemType.MULTIPLE)
YES, NO = "ja", "nej"
DEFAULT_TEXT_LENGTH = 4000
DEFAULT_COMMENT_LENGTH = 2000
# The texts of an item that ``inferred`` can name; ``inferred: true`` means all of them.
INFERRABLE = ("text", "help", "options", "rows")


@dataclass(frozen=True)
class Specify:
    """A free-text «Annat, nämligen …» field attached to an option or a row."""

    id: str
    label: str
    max_length: int
    inferred: bool = False


@dataclass(frozen=True)
class Choice:
    """An option of a choice question, or a row of a matrix / yes-no list."""

    code: str
    label: str
    specify: Specify | None = None
    value: int | None = None  # the declared numeric code (SPSS/Stata); None: by position
    inferred: bool = False  # the label is a reconstruction, not the official wording


@dataclass(frozen=True)
class Comment:
    id: str
    label: str
    max_length: int
    inferred: bool = False


@dataclass(frozen=True)
class Item:
    id: str
    type: ItemType
    text: str
    line: int
    role: Role
    number: str | None = None
    help: str | None = None
    required: bool = True
    condition_source: str | None = None
    options: tuple[Choice, ...] = ()
    rows: tuple[Choice, ...] = ()
    per_row: tuple[str, ...] = ()
    comment: Comment | None = None
    max_length: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    decimals: int | None = None
    unit: str | None = None
    followups: tuple[Item, ...] = ()
    parent_id: str | None = None
    inferred: frozenset[str] = frozenset()  # which of INFERRABLE are reconstructions

    @property
    def has_rows(self) -> bool:
        return self.type in ROW_TYPES or bool(self.per_row)

    def walk(self) -> tuple[Item, ...]:
        """This item and every follow-up below it, depth first (the file's order)."""
        return (self,) + tuple(inner for f in self.followups for inner in f.walk())


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    line: int
    items: tuple[Item, ...]
    intro: str | None = None

    def walk(self) -> tuple[Item, ...]:
        return tuple(inner for item in self.items for inner in item.walk())


@dataclass(frozen=True)
class Field:
    """One answer id: what is stored, validated, routed, counted and exported.

    ``gate`` is the field whose applicability this one inherits (the parent cell); the field
    applies when the gate applies and ``condition`` holds on the effective answers.
    """

    id: str
    item_id: str
    section_id: str
    role: Role
    type: ItemType  # the cell's own type: a matrix row is yesno or single
    label: str
    required: bool
    row: str | None = None
    codes: tuple[Choice, ...] = ()
    condition: Expr | None = None
    gate: str | None = None
    max_length: int | None = None

    @property
    def code_set(self) -> frozenset[str]:
        return frozenset(choice.code for choice in self.codes)

    def label_of(self, code: str) -> str:
        for choice in self.codes:
            if choice.code == code:
                return choice.label
        return code


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    family: str
    year: int
    respondent_kind: str
    sections: tuple[Section, ...]
    fields: tuple[Field, ...]
    terms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    intro: str | None = None
    source_path: str = ""
    content_hash: str = ""
    inferred: frozenset[str] = frozenset()  # top-level texts that are reconstructions: title, intro

    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.walk())

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    def field(self, answer_id: str) -> Field:
        return self._fields_by_id[answer_id]

    def has_field(self, answer_id: str) -> bool:
        return answer_id in self._fields_by_id

    def fields_of_item(self, item_id: str) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.item_id == item_id)

    @property
    def _items_by_id(self) -> dict[str, Item]:
        cached: dict[str, Item] | None = self.__dict__.get("_item_index")
        if cached is None:
            cached = {item.id: item for item in self.items()}
            object.__setattr__(self, "_item_index", cached)
        return cached

    @property
    def _fields_by_id(self) -> dict[str, Field]:
        cached: dict[str, Field] | None = self.__dict__.get("_field_index")
        if cached is None:
            cached = {f.id: f for f in self.fields}
            object.__setattr__(self, "_field_index", cached)
        return cached

    @property
    def main_question_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    @property
    def followup_count(self) -> int:
        """Follow-ups as the 2025 deck counts them: once per row for a per-row follow-up."""
        return sum(
            max(1, len(item.per_row))
            for item in self.items()
            if item.role is Role.FOLLOWUP
        )
