"""The answers as CSV, UTF-8 (docs/analysis-files.md): wide like the ``Koder`` sheet, or long.

- **wide**: one row per organisation of the population, the columns of ``Koder``
  (``organisation, name, kind, county, status, submitted_at`` and one column per answer id
  with its code; ``–`` where the question was not asked, empty where it was not answered);
- **long**: one row per organisation × answer id with the answer's ``state`` (``answered``,
  ``not_asked``, ``not_answered``, ``left_blank``, or ``not_submitted`` for an organisation
  that did not submit), its ``code``, its ``numeric_code`` (as in the SPSS and Stata files) and
  its ``label``; the counts of the aggregation are counts of these rows.

A byte order mark opens the file so that Excel reads it as UTF-8; the ``csv`` module reads it
with ``encoding="utf-8-sig"``. Values are written exactly as answered, for R, Stata, SPSS or
Python to read; a spreadsheet should open the Excel file instead, where text is never a formula
(a CSV cell starting with ``=`` is one to Excel, and altering it would alter the data).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from exports.analysis import ORG_VARIABLES
from survey.aggregation.aggregate import AnswerState, OrgInfo, ResponseData, RoundData
from survey.questionnaire.codes import numeric_codes
from survey.questionnaire.model import Questionnaire
from survey.questionnaire.routing import applicable_ids
from survey.reports.answer_file import NOT_ASKED_MARK, ORG_COLUMNS

LONG_COLUMNS = (*ORG_VARIABLES, "answer_id", "state", "code", "numeric_code", "label")
NOT_SUBMITTED = "not_submitted"
BOM = "\ufeff"


def _status(response: ResponseData | None, include_drafts: bool) -> tuple[bool, str]:
    shown = response is not None and (response.status == "submitted" or include_drafts)
    if not shown or response is None:
        return False, NOT_SUBMITTED
    return True, "submitted" if response.status == "submitted" else "draft"


def _org_cells(org: OrgInfo, status: str, response: ResponseData | None, shown: bool,
               county_name: bool) -> list[str]:
    moment = response.submitted_at.isoformat() if shown and response and response.submitted_at else ""
    return [org.code, org.name, org.kind, org.county, *([org.county_name] if county_name else []), status, moment]


def _code_text(value: object) -> str:
    return ";".join(value) if isinstance(value, list) else str(value)


def wide_rows(q: Questionnaire, rows: Iterable[tuple[OrgInfo, ResponseData | None]],
              include_drafts: bool = False) -> Iterator[list[str]]:
    yield [*ORG_COLUMNS, *(f.id for f in q.fields)]
    for org, response in rows:
        shown, status = _status(response, include_drafts)
        cells = _org_cells(org, status, response, shown, county_name=False)
        if shown and response is not None:
            applicable = applicable_ids(q, response.answers)
            for f in q.fields:
                value = response.answers.get(f.id)
                cells.append(NOT_ASKED_MARK if f.id not in applicable else
                             "" if value is None or value == "" or value == [] else _code_text(value))
        else:
            cells.extend("" for _ in q.fields)
        yield cells


def long_rows(q: Questionnaire, rows: Iterable[tuple[OrgInfo, ResponseData | None]],
              include_drafts: bool = False) -> Iterator[list[str]]:
    yield list(LONG_COLUMNS)
    numbers = {f.id: numeric_codes(q, f) for f in q.fields}
    for org, response in rows:
        shown, status = _status(response, include_drafts)
        head = _org_cells(org, status, response, shown, county_name=True)
        if not shown or response is None:
            yield from ([*head, f.id, NOT_SUBMITTED, "", "", ""] for f in q.fields)
            continue
        applicable = applicable_ids(q, response.answers)
        for f in q.fields:
            value = response.answers.get(f.id)
            if f.id not in applicable:
                yield [*head, f.id, AnswerState.NOT_ASKED.value, "", "", ""]
            elif value is None or value == "" or value == []:
                state = AnswerState.NOT_ANSWERED if f.required else AnswerState.LEFT_BLANK
                yield [*head, f.id, state.value, "", "", ""]
            elif f.codes:
                chosen = value if isinstance(value, list) else [str(value)]
                yield [*head, f.id, AnswerState.ANSWERED.value, ";".join(chosen),
                       ";".join(str(numbers[f.id][c]) for c in chosen if c in numbers[f.id]),
                       "; ".join(f.label_of(c) for c in chosen)]
            else:
                yield [*head, f.id, AnswerState.ANSWERED.value, "", "", str(value)]


def csv_bytes(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build_csv(data: RoundData, made_at: datetime, long: bool = False, include_drafts: bool = False) -> bytes:
    """The wide or long CSV of a round (``made_at`` for the same signature as the other files)."""
    make = long_rows if long else wide_rows
    return csv_bytes(make(data.questionnaire, data.rows(), include_drafts))
