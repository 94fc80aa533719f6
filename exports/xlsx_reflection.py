"""An organisation's reflection as an Excel file: its answers beside the others', and its notes.

Sheet «Era svar»: per question and answer option how many answered it (in the county's
municipalities and in the whole country for a municipality), the organisation's own answer
marked, whether it differs from most others, and last year's answer. Sheet «Reflektion»:
the reflection questions with the organisation's notes. Numbers are numbers; every text is
written as a string (never a formula), whatever it starts with.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exports.xlsx_common import WORKBOOK_OPTIONS, Formats, safe_text
from survey.reports.headlines import Kind
from survey.reports.reflection import FieldView, Reflection, question_keys


def build_reflection_xlsx(reflection: Reflection, notes: Mapping[str, str]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "constant_memory": False})
    formats = Formats(workbook)
    _answers_sheet(workbook, formats, reflection)
    _notes_sheet(workbook, formats, reflection, notes)
    workbook.close()
    return buffer.getvalue()


def _text(sheet: Worksheet, row: int, col: int, value: str, fmt: Format | None = None) -> None:
    sheet.write_string(row, col, safe_text(value), fmt)


def _answers_sheet(workbook: xlsxwriter.Workbook, formats: Formats, reflection: Reflection) -> None:
    sheet = workbook.add_worksheet("Era svar")
    kind = Kind.of(reflection.questionnaire)
    groups = reflection.sections[0].fields[0].groups if reflection.sections and reflection.sections[0].fields else ()
    header = ["Fråga", "Svars-id", "Frågetext", "Svarsalternativ", "Ert svar"]
    for group in groups:
        header += [f"Antal – {group.name}", f"Andel – {group.name}", f"n – {group.name}"]
    header += [f"Skiljer sig från de flesta {kind.many}", "Förra året"]
    _text(sheet, 0, 0, f"{reflection.organisation.name}: era svar och alla {kind.many}s", formats.title)
    for col, title in enumerate(header):
        _text(sheet, 2, col, title, formats.header)
    row = 3
    for section in reflection.sections:
        for view in section.fields:
            for index in range(len(view.groups[0].options)):
                _option_row(sheet, formats, row, view, index)
                row += 1
    sheet.set_column(0, 1, 9)
    sheet.set_column(2, 2, 60)
    sheet.set_column(3, 3, 30)
    sheet.set_column(4, len(header) - 1, 14)
    sheet.freeze_panes(3, 3)
    sheet.autofilter(2, 0, max(row - 1, 3), len(header) - 1)


def _option_row(sheet: Worksheet, formats: Formats, row: int, view: FieldView, index: int) -> None:
    first = view.groups[0].options[index]
    _text(sheet, row, 0, view.number)
    _text(sheet, row, 1, view.answer_id)
    _text(sheet, row, 2, view.question, formats.wrap)
    _text(sheet, row, 3, first.label, formats.bold if first.own else None)
    _text(sheet, row, 4, "Ert svar" if first.own else "", formats.bold)
    col = 5
    for group in view.groups:
        option = group.options[index]
        sheet.write_number(row, col, option.count, formats.integer)
        if option.share is not None:
            sheet.write_number(row, col + 1, option.share, formats.percent)
        sheet.write_number(row, col + 2, group.n, formats.integer)
        col += 3
    _text(sheet, row, col, "Ja" if view.differs and first.own else "")
    _text(sheet, row, col + 1, (view.last_year or "") if index == 0 else "")


def _notes_sheet(workbook: xlsxwriter.Workbook, formats: Formats, reflection: Reflection,
                 notes: Mapping[str, str]) -> None:
    sheet = workbook.add_worksheet("Reflektion")
    _text(sheet, 0, 0, "Reflektionsfrågor och era anteckningar", formats.title)
    _text(sheet, 2, 0, "Reflektionsfråga", formats.header)
    _text(sheet, 2, 1, "Era anteckningar", formats.header)
    keys = question_keys(reflection.questions)
    row = 3
    for key, question in zip(keys, reflection.questions, strict=False):
        text = question.stem + "".join(f"\n– {item}" for item in question.items)
        _text(sheet, row, 0, text, formats.wrap)
        _text(sheet, row, 1, notes.get(key, ""), formats.wrap)
        row += 1
    _text(sheet, row, 0, "Övriga anteckningar", formats.wrap)
    _text(sheet, row, 1, notes.get(keys[-1], ""), formats.wrap)
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, 1, 90)
