"""How the Excel files read and print: column headers that fit, row heights, page setup.

XlsxWriter cannot measure text (and in ``constant_memory`` mode nothing is revisited), so row
heights are estimated from the text: a greedy word wrap at the column's width in characters.
The estimate errs on the generous side, so wrapped text never runs into the next row in Excel
or LibreOffice.
"""

from __future__ import annotations

import math

from xlsxwriter.worksheet import Worksheet

from survey.questionnaire.codes import wording
from survey.questionnaire.model import Field, Questionnaire, Role

LINE_POINTS = 15.0  # one line of 11 pt Calibri
HEADER_LINE_POINTS = 12.0  # one line of the 9 pt header text
HEADER_LINES = 6
MAX_ROW_POINTS = 409.0  # Excel's largest row height
CHARS_PER_WIDTH = 1.05  # characters of body text per unit of column width (a bit less than fits)
HEADER_CHARS_PER_WIDTH = 1.2  # the header is 9 pt
WIDE_SHEET_SCALE = 60  # per cent, for the sheets with a column per answer id


def wrapped_lines(text: str, width: float, chars_per_width: float = CHARS_PER_WIDTH) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` wide (greedy word wrap)."""
    per_line = max(1, int(width * chars_per_width))
    if len(text) <= per_line and "\n" not in text:  # most cells: one line, no wrap to work out
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split(" "):
            size = len(word)
            if used and used + 1 + size > per_line:
                lines += 1
                used = 0
            if size > per_line:  # a long word breaks across lines
                lines += math.ceil(size / per_line) - 1
                used = size % per_line
            else:
                used += size + (1 if used else 0)
    return lines


def row_points(lines: int, line_points: float = LINE_POINTS) -> float:
    return min(MAX_ROW_POINTS, max(1, lines) * line_points + 2)


def shorten(text: str, budget: int) -> str:
    """``text`` cut at a word boundary to ``budget`` characters, with «…» when cut."""
    if len(text) <= budget:
        return text
    cut = text[:budget - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return f"{cut}…"


def column_header(q: Questionnaire, f: Field, width: float) -> tuple[str, str]:
    """(short header that fits the header row, full wording for the cell comment).

    A matrix cell is told apart by its row, so its header is the question number and the
    row's own label; anything else is the number and the question, shortened to fit.
    """
    item = q.item(f.item_id)
    number = f"{item.number}. " if item.number else ""
    words = wording(q, f)
    budget = int(width * HEADER_CHARS_PER_WIDTH) * (HEADER_LINES - 1)
    if f.role is Role.COMMENT:
        short = f"{number}{f.label}"
    elif f.role is Role.SPECIFY or f.row is not None:
        short = f"{number}{f.label.lstrip('. ')}"
    else:
        short = f"{number}{item.text}"
    full = f"{number}{words.text}" + (f"\n– {words.row}" if words.row else "")
    if f.role is Role.COMMENT:
        full = f"{number}{f.label} (till fråga {item.number or item.id})"
    if words.is_inferred:
        full += f"\n\nRekonstruerad formulering ({', '.join(words.inferred)}): se Kodbok."
    return shorten(short, budget), full


def page_setup(sheet: Worksheet, title: str, header_rows: int, fit_width: bool = True,
               repeat_columns: int = 0, first_repeated: int = 0) -> None:
    """Landscape A4, header rows on every page, a footer with the round and the page number.

    A sheet that fits the width of a page is scaled to it. ``Svar`` and ``Koder`` have a
    column per answer id (89 in 2025), which scaled to one page width would be unreadably
    small: they print at a fixed scale instead, with the organisation's code and name
    repeated at the left of every page, so each page can be read on its own.
    """
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    if header_rows:
        sheet.repeat_rows(first_repeated, header_rows - 1)
    if repeat_columns:
        sheet.repeat_columns(0, repeat_columns - 1)
    if fit_width:
        sheet.fit_to_pages(1, 0)
    else:
        sheet.set_print_scale(WIDE_SHEET_SCALE)
    safe = title[:150].replace("&", "&&")
    sheet.set_footer(f"&L&8{safe}&R&8Sida &P av &N")
