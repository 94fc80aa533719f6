"""An organisation's reflection as an Excel file: its answers beside the others', and its notes.

Sheet «Era svar»: per question and answer option how many answered it (in the county's
municipalities and in the whole country for a municipality), the organisation's own answer
marked, whether it differs from most others, and last year's answer; a follow-up the
organisation was not asked says so and why («Frågan ställdes inte, eftersom ni svarade Nej på
fråga 7»), and one it left blank says that instead. Sheet «Era fritextsvar»: the
organisation's own comments and free-text answers. Sheet «Reflektion»: the reflection
questions with the organisation's notes. Numbers are numbers; every text is
written as a string (never a formula), whatever it starts with.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exports.xlsx_common import WORKBOOK_OPTIONS, Formats, safe_text
from exports.xlsx_layout import page_setup, row_points, wrapped_lines
from survey.questionnaire.model import Questionnaire
from survey.questionnaire.values import Value, is_blank
from survey.reports.headlines import Kind
from survey.reports.reflection import FieldView, Reflection, free_text_answers, question_keys

NOT_ASKED = "Frågan ställdes inte"
LEFT_BLANK = "Ni besvarade inte frågan"


def build_reflection_xlsx(reflection: Reflection, notes: Mapping[str, str],
                          own: Mapping[str, Value] | None = None) -> bytes:
    """``own``: the organisation's effective answers (for its free text and the reasons)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "constant_memory": False})
    formats = Formats(workbook)
    _answers_sheet(workbook, formats, reflection, own or {})
    _free_text_sheet(workbook, formats, reflection, own or {})
    _notes_sheet(workbook, formats, reflection, notes)
    workbook.close()
    return buffer.getvalue()


def not_asked_reason(q: Questionnaire, answer_id: str, own: Mapping[str, Value]) -> str:
    """«Frågan ställdes inte, eftersom ni svarade Nej på fråga 7» (the nearest answered gate)."""
    gate = q.field(answer_id).gate
    while gate and q.has_field(gate):
        value = own.get(gate)
        if not is_blank(value):
            f = q.field(gate)
            label = " och ".join(f.label_of(str(v)) for v in (value if isinstance(value, list) else [value]))
            number = q.item(f.item_id).number or f.item_id
            row = f" för «{f.label}»" if f.row is not None else ""
            return f"{NOT_ASKED}, eftersom ni svarade {label} på fråga {number}{row}"
        gate = q.field(gate).gate
    return NOT_ASKED


def _free_text_sheet(workbook: xlsxwriter.Workbook, formats: Formats, reflection: Reflection,
                     own: Mapping[str, Value]) -> None:
    sheet = workbook.add_worksheet("Era fritextsvar")
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, 1, 90)
    page_setup(sheet, f"{reflection.organisation.name}: fritextsvar", 3, first_repeated=2)
    _text(sheet, 0, 0, f"{reflection.organisation.name}: era kommentarer och fritextsvar", formats.title)
    _text(sheet, 2, 0, "Fråga", formats.header)
    _text(sheet, 2, 1, "Ert svar", formats.header)
    answers = free_text_answers(reflection.questionnaire, own)
    if not answers:
        _text(sheet, 3, 0, "Ni lämnade inga kommentarer eller fritextsvar.", formats.wrap)
    for row, (question, text) in enumerate(answers, 3):
        _text(sheet, row, 0, question, formats.wrap)
        _text(sheet, row, 1, text, formats.wrap)
        sheet.set_row(row, row_points(max(wrapped_lines(question, 60), wrapped_lines(text, 90))))


def _text(sheet: Worksheet, row: int, col: int, value: str, fmt: Format | None = None) -> None:
    sheet.write_string(row, col, safe_text(value), fmt)


def _answers_sheet(workbook: xlsxwriter.Workbook, formats: Formats, reflection: Reflection,
                   own: Mapping[str, Value]) -> None:
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
                if index == 0 and view.own is None:
                    reason = not_asked_reason(reflection.questionnaire, view.answer_id, own) \
                        if not view.asked else LEFT_BLANK
                    _text(sheet, row, 4, reason, formats.wrap)
                    sheet.set_row(row, row_points(max(wrapped_lines(view.question, 60), wrapped_lines(reason, 24))))
                else:
                    sheet.set_row(row, row_points(wrapped_lines(view.question, 60) if index == 0 else 1))
                row += 1
    sheet.set_column(0, 1, 9)
    sheet.set_column(2, 2, 60)
    sheet.set_column(3, 3, 30)
    sheet.set_column(4, 4, 24)
    sheet.set_column(5, len(header) - 1, 14)
    sheet.freeze_panes(3, 3)
    page_setup(sheet, f"{reflection.organisation.name}: era svar", 3, first_repeated=2)
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
    page_setup(sheet, f"{reflection.organisation.name}: reflektion", 3, first_repeated=2)
