"""The progress list as an Excel file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from survey.formatting import local_date, local_time
from survey.reports.progress import OrgProgress

# -- the status list as Excel ------------------------------------------------------------------
STATUS_COLUMNS = ("Kod", "Organisation", "Typ", "Län", "Status", "Sista svarsdag", "Förlängd",
                  "Inskickad", "I tid", "Senaste aktivitet", "Besvarade svars-id", "Har arbetat med svaret")


def status_workbook(rows: Sequence[OrgProgress], title: str) -> bytes:
    """The status list as .xlsx bytes; every text cell is a string cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Status")
    sheet.freeze_panes = "A3"
    bold = Font(bold=True)

    def text(value: str, font: Font | None = None) -> Cell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # keeps "=…" as text: openpyxl would otherwise write a formula
        if font is not None:
            cell.font = font
        return cell

    def day(value: date | None) -> Cell:
        cell = WriteOnlyCell(sheet)
        cell.value = value  # the stubs' WriteOnlyCell(value=...) leaves out date, which openpyxl takes
        cell.number_format = "yyyy-mm-dd"
        return cell

    sheet.append([text(title, bold)])
    sheet.append([text(name, bold) for name in STATUS_COLUMNS])
    for row in rows:
        submitted = local_date(row.submitted_at) if row.submitted_at else None
        activity = local_time(row.last_activity) if row.last_activity else ""
        sheet.append([text(row.code), text(row.name), text(row.kind), text(row.county_name),
                      text(row.state_label), day(row.deadline), text("ja" if row.extended else "nej"),
                      day(submitted), text(("ja" if row.on_time else "nej") if submitted else ""), text(activity),
                      row.answered, text(", ".join(row.workers))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
