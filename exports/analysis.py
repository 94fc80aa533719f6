"""The variables of the files for statistics software (SPSS, Stata, CSV) and their values.

One plan for every file, so the ``.sav``, the ``.dta``, the CSV files and the code books name,
label and code every answer id the same way (docs/analysis-files.md):

- one variable per answer id, named as the answer id; a multiple-choice answer id becomes one
  0/1 variable per option (``<id>_<code>``);
- a choice is its numeric code (``survey.questionnaire.codes.numeric_codes``: declared
  ``value``, else the option's position), labelled with the option's label;
- a missing answer is one of three user-missing codes, by its state (``AnswerState``, the
  aggregation's): −1 not asked, −2 not answered (required), −3 left blank (optional); in Stata
  the tagged missing values ``.a``, ``.b``, ``.c``. A row of an organisation that did not
  submit has system-missing answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from exports.xlsx_common import KIND_LABELS
from survey.aggregation.aggregate import STATE_LABELS, AnswerState, OrgInfo, ResponseData, answer_state
from survey.questionnaire.codes import numeric_codes, wording
from survey.questionnaire.model import Field, ItemType, Questionnaire, Role
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.routing_columns import (
    AnswerColumns,
    Mask,
    Values,
    applicable_columns,
    blank_mask,
    single_options,
)
from survey.reports.answer_file import ORG_COLUMNS

MISSING_CODES = {AnswerState.NOT_ASKED: -1, AnswerState.NOT_ANSWERED: -2, AnswerState.LEFT_BLANK: -3}
STATA_MISSING = {AnswerState.NOT_ASKED: "a", AnswerState.NOT_ANSWERED: "b", AnswerState.LEFT_BLANK: "c"}
MISSING_LABELS = {code: STATE_LABELS[state] for state, code in MISSING_CODES.items()}
ORG_LABELS = {"organisation": "Organisationskod", "name": "Organisation", "kind": "Typ (region, kommun)",
              "county": "Länskod", "county_name": "Län", "status": "Status (submitted, draft, not_submitted)",
              "submitted_at": "Inskickad (svensk tid)"}
ORG_VARIABLES = (*ORG_COLUMNS[:4], "county_name", *ORG_COLUMNS[4:])
CHOSEN = {1: "Vald", 0: "Inte vald"}
Missing = Mapping[AnswerState, object]


@dataclass(frozen=True)
class Variable:
    """One column of the files: an answer id, or one option of a multiple-choice answer id."""

    name: str
    field: Field
    label: str  # question number, wording and the row's label
    kind: str  # "code", "chosen" (0/1 for one option), "number", "text", "date"
    codes: dict[str, int] = default(default_factory=dict)  # code → numeric code
    labels: dict[int, str] = default(default_factory=dict)  # numeric code → label
    option: str = ""  # the option of a "chosen" variable

    @property
    def numeric(self) -> bool:
        return self.kind in ("code", "chosen", "number")


def variable_label(q: Questionnaire, f: Field) -> str:
    item, words = q.item(f.item_id), wording(q, f)
    number = f"{item.number}. " if item.number else ""
    if f.role is Role.COMMENT:
        return f"{number}{f.label} (till fråga {item.number or item.id})"
    if f.role is Role.SPECIFY:
        return f"{number}{f.label}"
    return f"{number}{words.text}" + (f" – {words.row}" if words.row else "")


def variables(q: Questionnaire) -> list[Variable]:
    taken = {f.id for f in q.fields}
    result: list[Variable] = []
    for f in q.fields:
        label = variable_label(q, f)
        if f.type is ItemType.MULTIPLE:
            for c in f.codes:
                name = f"{f.id}_{c.code}" if f"{f.id}_{c.code}" not in taken else f"{f.id}__{c.code}"
                result.append(Variable(name, f, f"{label} – {c.label}", "chosen", labels=dict(CHOSEN),
                                       option=c.code))
        elif f.codes:
            codes = numeric_codes(q, f)
            result.append(Variable(f.id, f, label, "code", codes, {codes[c.code]: c.label for c in f.codes}))
        elif f.type is ItemType.NUMBER:
            result.append(Variable(f.id, f, label, "number"))
        else:
            result.append(Variable(f.id, f, label, "date" if f.type is ItemType.DATE else "text"))
    return result


def _converter(v: Variable) -> Callable[[Any], object]:
    if v.kind == "code":
        return v.codes.__getitem__
    if v.kind == "chosen":
        option = v.option
        return lambda value: 1 if option in value else 0
    if v.kind == "number":
        return lambda value: float(Decimal(str(value)))
    if v.kind == "date":
        return lambda value: date.fromisoformat(str(value))
    return str


def is_shown(response: ResponseData | None, include_drafts: bool) -> bool:
    """A submitted response, or a draft when drafts are asked for; other rows have no answers."""
    return response is not None and (response.status == "submitted" or include_drafts)


class Table:
    """The values of the files, column by column: organisation variables, then one column per
    variable, for the organisations in order.

    Built a column at a time, with the routing of all responses at once
    (``routing_columns``): the answers are read by answer id when first needed, the fields that
    conditions name for every response, a choice no condition names only where it applies
    (elsewhere its state is «not asked», whatever a response holds); a single choice as a
    ``Factor`` (its numeric codes then come from a table of its options). A
    column is what one row at a time would give: a variable's value where its answer id
    applies and is answered, else the code of its state (``missing``: −1/−2/−3, or Stata's
    "a"/"b"/"c"; ``text_missing`` for text variables), and nothing for an organisation whose
    response is not shown.
    """

    def __init__(self, q: Questionnaire, rows: Iterable[tuple[OrgInfo, ResponseData | None]],
                 include_drafts: bool = False) -> None:
        self.q, self.include_drafts = q, include_drafts
        self.rows = list(rows)
        self.n = len(self.rows)
        self.shown: Mask = np.array([is_shown(r, include_drafts) for _, r in self.rows], dtype=bool)
        ids = [f.id for f in q.fields]
        answers = [r.answers if r is not None and shown else {} for (_, r), shown in zip(self.rows, self.shown,
                                                                                          strict=True)]
        self.values = AnswerColumns(ids, answers, single_options(q))
        self.applies = {fid: mask & self.shown for fid, mask in applicable_columns(q, self.values, self.n).items()}
        self._states: dict[str, tuple[Mask, Mask, Mask]] = {}
        self._answered: dict[str, Values] = {}  # by answer id: its answers where it is answered
        self._unasked_columns: dict[float, npt.NDArray[np.float64]] = {}

    def organisation_columns(self) -> list[list[Any]]:
        """``ORG_VARIABLES``, one list each; ``submitted_at`` as stored (``swedish_clock`` turns
        it into Swedish time, all at once)."""
        orgs = [org for org, _ in self.rows]
        shown = [response if visible else None for (_, response), visible in zip(self.rows, self.shown.tolist(),
                                                                                 strict=True)]
        status = ["not_submitted" if r is None else "submitted" if r.status == "submitted" else "draft"
                  for r in shown]
        named = [list(map(attrgetter(name), orgs)) for name in ("code", "name", "kind", "county", "county_name")]
        return [*named, status, [r.submitted_at if r else None for r in shown]]

    def states(self, f: Field) -> tuple[Mask, Mask, Mask]:
        """Where the answer id is answered, not asked, and applicable but blank (shown rows only)."""
        found = self._states.get(f.id)
        if found is None:
            applies = self.applies[f.id]
            values = np.fromiter(self.values.read(f.id, applies), dtype=object, count=int(applies.sum()))
            blank_there = blank_mask(values)
            blank = applies.copy()
            blank[applies] = blank_there
            found = self._states[f.id] = (applies & ~blank, self.shown & ~applies, blank)
            self._answered[f.id] = values[~blank_there]
        return found

    def _converted(self, v: Variable) -> Iterator[object]:
        """The variable's values where its answer id is answered (``states`` read them)."""
        self.states(v.field)
        return map(_converter(v), self._answered[v.field.id])

    def numbers(self, v: Variable, missing: Mapping[AnswerState, float]) -> npt.NDArray[np.float64]:
        """A numeric variable as floats: NaN where the response is not shown."""
        coded = self._coded(v, missing) if v.kind == "code" else None
        if coded is not None:
            return coded
        answered, not_asked, blank = self.states(v.field)
        column = np.full(self.n, np.nan)
        column[not_asked] = missing[AnswerState.NOT_ASKED]
        column[blank] = missing[AnswerState.NOT_ANSWERED if v.field.required else AnswerState.LEFT_BLANK]
        column[answered] = np.fromiter(self._converted(v), dtype=float, count=int(answered.sum()))
        return column

    def _coded(self, v: Variable, missing: Mapping[AnswerState, float]) -> npt.NDArray[np.float64] | None:
        """The numeric codes of a choice from its answers read as a ``Factor`` where it applies
        (a blank gets its state's code), or ``None`` for the general way: a list among the
        values (no code, and ``[]`` is blank too), or an applicable answer that is no code (the
        general way raises, as ``codes[value]`` does)."""
        applies = self.applies[v.field.id]
        factor = self.values.factor(v.field.id, applies)  # only where it applies
        if factor is None:
            return None
        blank = float(missing[AnswerState.NOT_ANSWERED if v.field.required else AnswerState.LEFT_BLANK])
        numbers = np.array([float(v.codes[str(code)]) for code in factor.levels[:factor.options]]
                           + [blank] * (len(factor.levels) - factor.options))
        column = self._unasked(float(missing[AnswerState.NOT_ASKED])).copy()
        column[applies] = numbers[factor.codes]
        return column

    def _unasked(self, code: float) -> npt.NDArray[np.float64]:
        """``code`` where a response is shown, NaN where not (the same for every variable)."""
        found = self._unasked_columns.get(code)
        if found is None:
            found = self._unasked_columns[code] = np.where(self.shown, code, np.nan)
        return found

    def objects(self, v: Variable, missing: Missing, hidden: object = None) -> list[object]:
        """Any variable as the values themselves: ``hidden`` where the response is not shown."""
        answered, not_asked, blank = self.states(v.field)
        column = np.full(self.n, hidden, dtype=object)
        column[not_asked] = missing[AnswerState.NOT_ASKED]
        column[blank] = missing[AnswerState.NOT_ANSWERED if v.field.required else AnswerState.LEFT_BLANK]
        column[answered] = np.fromiter(self._converted(v), dtype=object, count=int(answered.sum()))
        values: list[object] = column.tolist()
        return values


def org_label(name: str) -> str:
    return ORG_LABELS[name]


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def states_of(q: Questionnaire, answers: Mapping[str, Any]) -> Iterable[tuple[Field, AnswerState, Any]]:
    """Each answer id of one response with its state and value (the long CSV's rows)."""
    applicable = applicable_ids(q, answers)
    for f in q.fields:
        value = answers.get(f.id)
        yield f, answer_state(f, f.id in applicable, value), value


__all__ = ["MISSING_CODES", "MISSING_LABELS", "ORG_VARIABLES", "STATA_MISSING", "Table", "Variable",
           "states_of", "variables"]
