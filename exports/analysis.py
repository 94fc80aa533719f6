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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date
from decimal import Decimal
from typing import Any

from exports.xlsx_common import KIND_LABELS
from survey.aggregation.aggregate import STATE_LABELS, AnswerState, OrgInfo, ResponseData, answer_state
from survey.formatting import local_naive
from survey.questionnaire.codes import numeric_codes, wording
from survey.questionnaire.model import Field, ItemType, Questionnaire, Role
from survey.questionnaire.routing import applicable_ids
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
        codes = v.codes
        return lambda value: codes[value]
    if v.kind == "chosen":
        option = v.option
        return lambda value: 1 if option in value else 0
    if v.kind == "number":
        return lambda value: float(Decimal(str(value)))
    if v.kind == "date":
        return lambda value: date.fromisoformat(str(value))
    return str


class Rows:
    """Rows of values for the plan: organisation variables, then one value per variable.

    ``missing`` maps the three states to what the file writes for them (−1/−2/−3, or Stata's
    "a"/"b"/"c"); ``text_missing`` the same for text variables (Stata strings have none).
    """

    def __init__(self, q: Questionnaire, plan: list[Variable], missing: Missing, text_missing: Missing,
                 include_drafts: bool = False) -> None:
        self.q, self.include_drafts = q, include_drafts
        self.cells = [(v.field.id, v.field.required, _converter(v),
                       missing if v.numeric else text_missing) for v in plan]
        self.empty: list[object] = [None] * len(plan)

    def organisation(self, org: OrgInfo, response: ResponseData | None) -> list[object]:
        shown = self.shown(response)
        status = "not_submitted" if not shown or response is None else \
            ("submitted" if response.status == "submitted" else "draft")
        moment = local_naive(response.submitted_at) if shown and response and response.submitted_at else None
        return [org.code, org.name, org.kind, org.county, org.county_name, status, moment]

    def shown(self, response: ResponseData | None) -> bool:
        return response is not None and (response.status == "submitted" or self.include_drafts)

    def answers(self, response: ResponseData | None) -> list[object]:
        if response is None or not self.shown(response):
            return list(self.empty)
        answers = response.answers
        applicable = applicable_ids(self.q, answers)
        row: list[object] = []
        append = row.append
        for answer_id, required, convert, missing in self.cells:
            if answer_id not in applicable:
                append(missing[AnswerState.NOT_ASKED])
                continue
            value = answers.get(answer_id)
            if value is None or value == "" or value == []:
                append(missing[AnswerState.NOT_ANSWERED if required else AnswerState.LEFT_BLANK])
            else:
                append(convert(value))
        return row


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


__all__ = ["MISSING_CODES", "MISSING_LABELS", "ORG_VARIABLES", "STATA_MISSING", "Rows", "Variable",
           "states_of", "variables"]
