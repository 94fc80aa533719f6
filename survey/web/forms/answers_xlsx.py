"""The submitted answers as an Excel file (bytes), for the receipt. No Flask here.

Respondent text is never a formula: every cell written from an answer is a text cell, so
``=HYPERLINK(...)``, ``+1``, ``-1`` or ``@x`` stays exactly what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from survey.questionnaire.model import Questionnaire
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import Value
from survey.web.forms.summary import section_summary

HEADERS = ("Avsnitt", "Fråga nr", "Fråga", "Del", "Svar", "Svars-id")
WIDTHS = (28, 9, 60, 40, 40, 16)


def _text(sheet: Worksheet, value: str, bold: bool = False) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, whatever the first character
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    return cell


def answers_xlsx(q: Questionnaire, values: Mapping[str, Value], heading: list[tuple[str, str]]) -> bytes:
    """One row per applicable answer; ``heading`` rows (label, value) go on top."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Svar")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([_text(sheet, q.title, bold=True)])
    for label, value in heading:
        sheet.append([_text(sheet, label, bold=True), _text(sheet, value)])
    sheet.append([])
    sheet.append([_text(sheet, header, bold=True) for header in HEADERS])
    applicable = applicable_ids(q, values)
    for section in q.sections:
        for question in section_summary(q, section, values, applicable):
            for line in question.lines:
                sheet.append([_text(sheet, text) for text in (
                    section.title, question.number or "", question.text, line.label or "",
                    line.text, line.answer_id)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
