"""The Excel answer file: every organisation's answers and the national summary.

Plain data in, bytes (or a file) out; no Flask, no database. Sheets, in order:

- ``Svar``: one row per organisation (code, name, kind, county, status, submitted time), one
  column per answer id with the answer's label; two header rows (answer id; question number
  and a short label that fits, a matrix cell's own row label; the full wording in a comment);
- ``Koder``: the same table with codes, first column the organisation code, first row the
  answer ids: machine-readable, and what ``survey import`` reads back;
- ``Kodbok``, ``Sammanställning``, ``Om enkäten``: see ``exports.xlsx_sheets``.

Written with XlsxWriter in ``constant_memory`` mode, rows streamed from an iterable, so
memory stays flat however many responses there are. Respondent text is always written as a
string cell (``write_string``; ``strings_to_formulas`` off): a value starting with ``=``,
``+``, ``-`` or ``@`` is never a formula. The three states of a missing answer look different
(``survey.aggregation.aggregate.AnswerState``): not asked «–» on grey, not answered where an
answer was required an empty yellow cell, an optional answer left blank a plain empty cell;
the legend in ``Om enkäten`` says so. Rows are as high as their wrapped text, and every sheet
has a page setup (``exports.xlsx_layout``).
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
    safe_text,
)
from exports.xlsx_layout import (
    HEADER_LINE_POINTS,
    HEADER_LINES,
    column_header,
    page_setup,
    row_points,
    wrapped_lines,
)
from exports.xlsx_sheets import write_about, write_codebook, write_summary
from survey.aggregation.aggregate import OrgInfo, ResponseData, RoundData
from survey.formatting import local_naive
from survey.questionnaire.model import ItemType, Questionnaire
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import is_blank
from survey.reports.answer_file import NOT_ASKED_MARK, ORG_COLUMNS

__all__ = ["NOT_ASKED_MARK", "AnswerFile", "build_answer_file", "write_answer_file"]
ORG_WIDTHS = (17, 28, 9, 20, 13, 20)  # «Organisationskod» fits; the submitted time in Koder is ISO
CODE_WIDTH, TEXT_WIDTH = 18, 40
COMMENT_OPTIONS = {"x_scale": 3, "y_scale": 2.5}


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
    tables.write_headers(content.info.name)
    for org, response in content.rows:
        tables.write_row(org, response)
    tables.finish()
    write_codebook(workbook.add_worksheet("Kodbok"), q, formats, content.info.name)
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
        self.widths = [TEXT_WIDTH if f.type is ItemType.TEXT else CODE_WIDTH for f in q.fields]
        # Per answer column: (column, field, code → (label, lines) or None, type, width), looked up once.
        self.columns = [(col, f, {c.code: (c.label, wrapped_lines(c.label, width)) for c in f.codes}
                         if f.codes else None, f.type, width)
                        for (col, f), width in zip(enumerate(q.fields, self.first), self.widths, strict=True)]
        self.svar_row, self.koder_row = 2, 1
        self.svar_cells, self.koder_cells = _CellWriter(svar), _CellWriter(koder)

    def write_headers(self, title: str) -> None:
        f, last = self.f, self.first + len(self.fields) - 1
        for sheet in (self.svar, self.koder):
            for col, width in enumerate(ORG_WIDTHS):
                sheet.set_column(col, col, width if col < 5 or sheet is self.svar else 26)
            for col, width in enumerate(self.widths, self.first):
                sheet.set_column(col, col, width)
        self.svar.set_row(1, row_points(HEADER_LINES, HEADER_LINE_POINTS))
        self.svar.freeze_panes(2, 2)
        self.koder.freeze_panes(1, 1)
        page_setup(self.svar, f"{title}: svar", 2, fit_width=False, repeat_columns=2)
        page_setup(self.koder, f"{title}: koder", 1, fit_width=False, repeat_columns=1)
        # constant_memory writes a row out when the next one starts: one row at a time.
        for col, name in enumerate(ORG_COLUMNS):
            self.svar.write_blank(0, col, None, f.header)
            self.koder.write_string(0, col, name, f.header)
        for col, field in enumerate(self.fields, self.first):
            self.svar.write_string(0, col, field.id, f.header)
            self.koder.write_string(0, col, field.id, f.header)
        for col, label in enumerate(ORG_HEADERS):
            self.svar.write_string(1, col, label, f.header_text)
        for (col, field, *_), width in zip(self.columns, self.widths, strict=True):
            short, full = column_header(self.q, field, width)
            self.svar.write_string(1, col, safe_text(short), f.header_text)
            self.svar.write_comment(1, col, safe_text(full), COMMENT_OPTIONS)
        self.last_col = last

    def write_row(self, org: OrgInfo, response: ResponseData | None) -> None:
        shown = response is not None and (response.status == "submitted" or self.include_drafts)
        status = STATUS_LABELS.get(response.status, response.status) if response else NOT_SUBMITTED
        if response is not None and not shown:
            status = NOT_SUBMITTED
        machine = (response.status if response.status == "submitted" else "draft") if shown and response \
            else "not_submitted"
        self._org_cells(org, status, machine, response.submitted_at if shown and response else None)
        svar_lines = koder_lines = wrapped_lines(org.name, ORG_WIDTHS[1])
        if shown and response is not None:
            label_lines, text_lines = self._answer_cells(response.answers)
            svar_lines, koder_lines = max(svar_lines, label_lines, text_lines), max(koder_lines, text_lines)
        if svar_lines > 1:
            self.svar.set_row(self.svar_row, row_points(svar_lines))
        if koder_lines > 1:
            self.koder.set_row(self.koder_row, row_points(koder_lines))
        _forget_row(self.svar, self.svar_row - 2)
        _forget_row(self.koder, self.koder_row - 2)
        self.svar_row += 1
        self.koder_row += 1

    def _org_cells(self, org: OrgInfo, status: str, machine: str, submitted: datetime | None) -> None:
        svar, koder, r, k, f = self.svar_cells, self.koder_cells, self.svar_row, self.koder_row, self.f
        for col, (human, code) in enumerate(((org.code, org.code), (org.name, org.name),
                                             (KIND_LABELS.get(org.kind, org.kind), org.kind),
                                             (org.county_name or org.county, org.county),
                                             (status, machine))):
            svar.string(r, col, human, f.wrap)
            koder.string(k, col, code, f.wrap)
        if submitted is not None:
            self.svar.write_datetime(r, 5, local_naive(submitted), f.moment)
            koder.string(k, 5, submitted.isoformat(), f.text)

    def _answer_cells(self, answers: Any) -> tuple[int, int]:
        """Write one response's answers; return the most lines a label and a text cell need."""
        applicable = applicable_ids(self.q, answers)
        r, k, f = self.svar_row, self.koder_row, self.f
        svar_string, svar_blank = self.svar_cells.string, self.svar_cells.blank
        koder_string, koder_blank = self.koder_cells.string, self.koder_cells.blank
        label_lines = text_lines = 1
        for col, field, labels, kind, width in self.columns:
            if field.id not in applicable:
                svar_string(r, col, NOT_ASKED_MARK, f.not_asked)
                koder_string(k, col, NOT_ASKED_MARK, f.not_asked)
                continue
            value = answers.get(field.id)
            if is_blank(value):
                if field.required:  # left blank where it was optional: a plain empty cell
                    svar_blank(r, col, None, f.unanswered)
                    koder_blank(k, col, None, f.unanswered)
            elif labels is not None:
                if isinstance(value, list):  # multiple choice
                    text = "; ".join(labels[c][0] if c in labels else c for c in value)
                    svar_string(r, col, text, f.wrap)
                    koder_string(k, col, ";".join(value), f.text)
                    label_lines = max(label_lines, wrapped_lines(text, width))
                else:
                    label, lines = labels.get(value, (value, 1))
                    svar_string(r, col, label, f.wrap)
                    koder_string(k, col, value, f.text)
                    label_lines = max(label_lines, lines)
            elif kind is ItemType.NUMBER:
                self.svar_cells.number(r, col, float(Decimal(value)), f.decimal)
                self.koder_cells.number(k, col, float(Decimal(value)), f.decimal)
            else:
                text = safe_text(str(value))
                svar_string(r, col, text, f.wrap)
                koder_string(k, col, text, f.wrap)
                text_lines = max(text_lines, wrapped_lines(text, width))
        return label_lines, text_lines

    def finish(self) -> None:
        self.svar.autofilter(1, 0, max(self.svar_row - 1, 1), self.last_col)
        self.koder.autofilter(0, 0, max(self.koder_row - 1, 0), self.last_col)


def _forget_row(sheet: Worksheet, row: int) -> None:
    """Drop a written row's height from XlsxWriter's per-row tables.

    ``set_row`` keeps an entry per row for the whole file, even in ``constant_memory`` mode,
    where the row was written out as soon as the next began: without this, memory grows by
    some 300 bytes a row. Only the header rows' heights are needed later (for the comments'
    boxes), so rows two below the current one can go.
    """
    if row > 1:
        getattr(sheet, "row_info", {}).pop(row, None)
        getattr(sheet, "row_sizes", {}).pop(row, None)


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
