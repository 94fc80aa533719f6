"""The mail-merge list as CSV (Swedish Excel: semicolons, BOM) or as an Excel file.
"""

from __future__ import annotations

import csv
import io

from survey.reports.lists import MERGE_COLUMNS


def safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not evaluate (OWASP: prefix a quote to =, +, -, @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def merge_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(MERGE_COLUMNS)
    writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def merge_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Utskick")

    def text(value: str) -> Cell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    sheet.append([text(name) for name in MERGE_COLUMNS])
    for row in rows:
        sheet.append([text(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
