"""The Excel answer file: every organisation's answers and the national summary.

Plain data in, bytes (or a file) out; no Flask, no database. Sheets, in order:

- ``Svar``: one row per organisation (code, name, kind, county, status, submitted time), one
  column per answer id with the answer's label; two header rows (answer id, question text);
- ``Koder``: the same table with codes, first column the organisation code, first row the
  answer ids: machine-readable, and what ``survey import`` reads back;
- ``Kodbok``, ``Sammanställning``, ``Om enkäten``: see ``exports.xlsx_sheets``.

Written with XlsxWriter in ``constant_memory`` mode, rows streamed from an iterable, so
memory stays flat however many responses there are. Respondent text is always written as a
string cell (``write_string``; ``strings_to_formulas`` off): a value starting with ``=``,
``+``, ``-`` or ``@`` is never a formula. Not applicable («–» on grey) and unanswered (an empty
yellow cell) look different, and the legend in ``Om enkäten`` says so.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from exports.xlsx_common import (
    KIND_LABELS,
    NOT_SUBMITTED,
    ORG_HEADERS,
    STATUS_LABELS,
    WORKBOOK_OPTIONS,
    AnswerFile,
    Formats,
    header_text,
    safe_text,
)
from exports.xlsx_sheets import write_about, write_codebook, write_summary
from survey.aggregation.aggregate import OrgInfo, ResponseData, RoundData
from survey.formatting import local_naive
from survey.questionnaire.model import ItemType, Questionnaire
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import is_blank
from survey.reports.answer_file import NOT_ASKED_MARK, ORG_COLUMNS

__all__ = ["NOT_ASKED_MARK", "AnswerFile", "build_answer_file", "write_answer_file"]


def build_answer_file(data: RoundData, made_at: datetime, include_drafts: bool = False) -> bytes:
    """The answer file of a round (live or frozen) as bytes."""
    buffer = io.BytesIO()
    write_answer_file(buffer, AnswerFile(data.info, data.questionnaire, data.results(),
                                         data.rows(), made_at, include_drafts))
    return buffer.getvalue()


def write_answer_file(target: str | Path | IO[bytes], content: AnswerFile) -> None:
    workbook = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, WORKBOOK_OPTIONS)
    q = content.questionnaire
    workbook.set_properties({"title": f"{content.info.name}: svar", "subject": q.title,
                             "author": "Socialstyrelsen", "created": content.made_at})
    workbook.set_custom_property("survey.questionnaire", q.id)
    workbook.set_custom_property("survey.questionnaire_hash", q.content_hash)
    formats = Formats(workbook)
    svar, koder = workbook.add_worksheet("Svar"), workbook.add_worksheet("Koder")
    tables = AnswerTables(q, svar, koder, formats, content.include_drafts)
    tables.write_headers()
    for org, response in content.rows:
        tables.write_row(org, response)
    tables.finish()
    write_codebook(workbook.add_worksheet("Kodbok"), q, formats)
    write_summary(workbook.add_worksheet("Sammanställning"), q, content, formats)
    write_about(workbook.add_worksheet("Om enkäten"), content, formats)
    workbook.close()


class AnswerTables:
    """``Svar`` and ``Koder``, written row by row in one pass (routing evaluated once per row)."""

    def __init__(self, q: Questionnaire, svar: Worksheet, koder: Worksheet, formats: Formats,
                 include_drafts: bool) -> None:
        self.q, self.svar, self.koder, self.f = q, svar, koder, formats
        self.include_drafts = include_drafts
        self.fields = q.fields
        self.first = len(ORG_COLUMNS)
        # Per answer column: (column, answer id, code → label or None, type), looked up once.
        self.columns = [(col, f.id, {c.code: c.label for c in f.codes} if f.codes else None, f.type)
                        for col, f in enumerate(q.fields, self.first)]
        self.svar_row, self.koder_row = 2, 1
        self.svar_cells, self.koder_cells = _CellWriter(svar), _CellWriter(koder)

    def write_headers(self) -> None:
        f, last = self.f, self.first + len(self.fields) - 1
        for sheet in (self.svar, self.koder):
            sheet.set_column(0, 0, 10)
            sheet.set_column(1, 1, 28)
            sheet.set_column(2, 2, 9)
            sheet.set_column(3, 3, 20)
            sheet.set_column(4, 4, 12)
            sheet.set_column(5, 5, 17 if sheet is self.svar else 26)
            for col, field in enumerate(self.fields, self.first):
                sheet.set_column(col, col, 40 if field.type is ItemType.TEXT else 13)
        self.svar.set_row(1, 96)
        self.svar.freeze_panes(2, 2)
        self.koder.freeze_panes(1, 1)
        # constant_memory writes a row out when the next one starts: one row at a time.
        for col, name in enumerate(ORG_COLUMNS):
            self.svar.write_blank(0, col, None, f.header)
            self.koder.write_string(0, col, name, f.header)
        for col, field in enumerate(self.fields, self.first):
            self.svar.write_string(0, col, field.id, f.header)
            self.koder.write_string(0, col, field.id, f.header)
        for col, label in enumerate(ORG_HEADERS):
            self.svar.write_string(1, col, label, f.header)
        for col, field in enumerate(self.fields, self.first):
            self.svar.write_string(1, col, safe_text(header_text(self.q, field)), f.header_text)
        self.last_col = last

    def write_row(self, org: OrgInfo, response: ResponseData | None) -> None:
        shown = response is not None and (response.status == "submitted" or self.include_drafts)
        status = STATUS_LABELS.get(response.status, response.status) if response else NOT_SUBMITTED
        if response is not None and not shown:
            status = NOT_SUBMITTED
        machine = (response.status if response.status == "submitted" else "draft") if shown and response \
            else "not_submitted"
        self._org_cells(org, status, machine, response.submitted_at if shown and response else None)
        if shown and response is not None:
            self._answer_cells(response.answers)
        self.svar_row += 1
        self.koder_row += 1

    def _org_cells(self, org: OrgInfo, status: str, machine: str, submitted: datetime | None) -> None:
        svar, koder, r, k, f = self.svar_cells, self.koder_cells, self.svar_row, self.koder_row, self.f
        for col, (human, code) in enumerate(((org.code, org.code), (org.name, org.name),
                                             (KIND_LABELS.get(org.kind, org.kind), org.kind),
                                             (org.county_name or org.county, org.county),
                                             (status, machine))):
            svar.string(r, col, human, f.text)
            koder.string(k, col, code, f.text)
        if submitted is not None:
            self.svar.write_datetime(r, 5, local_naive(submitted), f.moment)
            koder.string(k, 5, submitted.isoformat(), f.text)

    def _answer_cells(self, answers: Any) -> None:
        applicable = applicable_ids(self.q, answers)
        r, k, f = self.svar_row, self.koder_row, self.f
        svar_string, svar_blank = self.svar_cells.string, self.svar_cells.blank
        koder_string, koder_blank = self.koder_cells.string, self.koder_cells.blank
        for col, answer_id, labels, kind in self.columns:
            if answer_id not in applicable:
                svar_string(r, col, NOT_ASKED_MARK, f.not_asked)
                koder_string(k, col, NOT_ASKED_MARK, f.not_asked)
                continue
            value = answers.get(answer_id)
            if is_blank(value):
                svar_blank(r, col, None, f.unanswered)
                koder_blank(k, col, None, f.unanswered)
            elif labels is not None:
                if isinstance(value, list):  # multiple choice
                    svar_string(r, col, "; ".join(labels.get(c) or c for c in value), f.text)
                    koder_string(k, col, ";".join(value), f.text)
                else:
                    svar_string(r, col, labels.get(value, value), f.text)
                    koder_string(k, col, value, f.text)
            elif kind is ItemType.NUMBER:
                self.svar_cells.number(r, col, float(Decimal(value)), f.decimal)
                self.koder_cells.number(k, col, float(Decimal(value)), f.decimal)
            else:
                text = safe_text(str(value))
                svar_string(r, col, text, f.wrap)
                koder_string(k, col, text, f.wrap)

    def finish(self) -> None:
        self.svar.autofilter(1, 0, max(self.svar_row - 1, 1), self.last_col)
        self.koder.autofilter(0, 0, max(self.koder_row - 1, 0), self.last_col)


class _CellWriter:
    """A sheet's cell writers by row and column numbers.

    XlsxWriter's public ``write_*`` methods first check for A1-style arguments; its
    undecorated twins skip that, which is a tenth of the time of a 100,000-row file. The
    public methods remain the fallback should a later XlsxWriter rename the private ones.
    """

    def __init__(self, sheet: Worksheet) -> None:
        self.string = getattr(sheet, "_write_string", sheet.write_string)
        self.blank = getattr(sheet, "_write_blank", sheet.write_blank)
        self.number = getattr(sheet, "_write_number", sheet.write_number)
