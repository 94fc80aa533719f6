"""Read the engine's own Excel answer file back into an answers document, row by row.

Only the machine-readable sheet ``Koder`` is read (first row: column names and answer ids;
first column: organisation codes). The result has the shape of the JSON answers document,
so ``survey.responses.transfer`` checks both formats the same way. Cells marked «–» (not asked) come
back as ``NOT_ASKED``; whether that is right is decided there, by the routing.

A hostile file is refused with a message rather than read: not a zip, too large when
unpacked, no ``Koder`` sheet, formulas in cells, duplicate columns.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from survey.reports.answer_file import NOT_ASKED_MARK, ORG_COLUMNS

# A whole round's answer file unpacks to a few megabytes (its free texts included). openpyxl
# parses a sheet that does not declare its size once in full just to find the size (about 4 s
# per 40 MB here), so this bound is also the bound on the time a hostile file can cost.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# An answer file has one row per organisation of a round (311 at most today): far more rows is
# not an answer file, and reading them would only cost time (openpyxl reads some 5,000 rows a
# second on a busy machine). Refused up front when the sheet says so, else when read that far.
MAX_ROWS = 10_000
SHEET = "Koder"
# OOXML writes a literal «_x000D_» in text as «_x005F_x000D_»; openpyxl leaves it escaped.
_ESCAPED = re.compile(r"_x005[Ff](_x[0-9A-Fa-f]{4}_)")


class AnswerFileError(ValueError):
    """The file cannot be read as an answer file; the message says why (in Swedish)."""


class _NotAsked:
    def __repr__(self) -> str:
        return "NOT_ASKED"


NOT_ASKED: Any = _NotAsked()


def read_answer_file(raw: bytes) -> dict[str, Any]:
    """The answers document in an answer file: ``{"questionnaire", "responses": [...]}``.

    Each response carries ``_where`` («Koder rad 7») for the error messages.
    """
    from openpyxl import load_workbook

    _check_zip(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise AnswerFileError(f"filen kan inte läsas som en Excelfil ({type(error).__name__})") from None
    try:
        if SHEET not in workbook.sheetnames:
            raise AnswerFileError(f"bladet «{SHEET}» saknas: det här är inte en svarsfil från enkätverktyget")
        questionnaire = _custom_property(workbook, "survey.questionnaire") or _about(workbook)
        sheet = workbook[SHEET]
        _check_size(sheet.max_row)
        sheet.reset_dimensions()  # read every row there is, whatever the sheet claims
        rows = sheet.iter_rows()
        header_cells = next(rows, None)
        if header_cells is None:
            raise AnswerFileError(f"bladet «{SHEET}» är tomt")
        header = _header(header_cells)
    except BaseException:
        workbook.close()
        raise
    return {"questionnaire": questionnaire, "responses": _responses(workbook, rows, header)}


def _check_zip(raw: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise AnswerFileError("filen är inte en giltig Excelfil (xlsx)") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise AnswerFileError(f"filen packas upp till mer än {MAX_UNPACKED_BYTES // 2**20} MB")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _check_size(declared_rows: int | None) -> None:
    if declared_rows is not None and declared_rows - 1 > MAX_ROWS:
        raise AnswerFileError(f"bladet «{SHEET}» har {_number(declared_rows - 1)} rader; en svarsfil har en rad "
                              f"per organisation (högst {_number(MAX_ROWS)} rader läses)")


def _custom_property(workbook: Any, name: str) -> str | None:
    for prop in getattr(workbook, "custom_doc_props", None) or []:
        if prop.name == name:
            return str(prop.value)
    return None


def _about(workbook: Any) -> str | None:
    """The questionnaire id as ``Om enkäten`` shows it (if a program dropped the properties)."""
    if "Om enkäten" not in workbook.sheetnames:
        return None
    for row in workbook["Om enkäten"].iter_rows(max_row=40, max_col=2, values_only=True):
        if row and row[0] == "Enkät" and isinstance(row[1], str):
            return row[1]
    return None


def _responses(workbook: Any, rows: Iterator[Any], header: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of ``Koder`` one at a time (read-only mode streams the sheet's XML), so a
    file of half a million rows is checked in bounded memory; the workbook closes at the end."""
    try:
        for number, cells in enumerate(rows, 2):
            if number > MAX_ROWS + 1:
                raise AnswerFileError(f"bladet «{SHEET}» har fler än {_number(MAX_ROWS)} rader; en svarsfil har "
                                      f"en rad per organisation (läsningen avbröts vid rad {_number(number)})")
            values = {name: _value(cell, name, number) for name, cell in zip(header, cells, strict=False)
                      if name}
            if values.get("organisation") in (None, "") and not any(
                    v not in (None, "") for v in values.values()):
                continue  # a blank line
            if values.get("status") == "not_submitted":
                continue  # the organisation sent nothing: the row carries no answers
            yield _response(values, number)
    finally:
        workbook.close()


def _header(cells: Any) -> list[str]:
    header = []
    for cell in cells:
        value = cell.value
        header.append("" if value is None else str(value).strip())
    while header and not header[-1]:
        header.pop()
    if tuple(header[:len(ORG_COLUMNS)]) != ORG_COLUMNS:
        raise AnswerFileError(f"bladet «{SHEET}» ska börja med kolumnerna {', '.join(ORG_COLUMNS)}")
    seen = set()
    for name in header:
        if name and name in seen:
            raise AnswerFileError(f"kolumnen «{name[:64]}» förekommer två gånger i «{SHEET}»")
        seen.add(name)
    return header


def _value(cell: Any, column: str, row: int) -> Any:
    if getattr(cell, "data_type", None) == "f":
        raise AnswerFileError(f"{SHEET} rad {row}, kolumn {column[:64]}: cellen innehåller en formel; "
                              "svar får bara vara värden")
    value = cell.value
    if not isinstance(value, str):
        return value
    if value == NOT_ASKED_MARK and column not in ORG_COLUMNS:
        return NOT_ASKED
    return _ESCAPED.sub(r"\1", value) if "_x005" in value else value


def _response(values: dict[str, Any], row: int) -> dict[str, Any]:
    answers = {key: value for key, value in values.items()
               if key not in ORG_COLUMNS and value is not None and value != ""}
    submitted = values.get("submitted_at")
    if isinstance(submitted, datetime):
        submitted = submitted.isoformat()
    return {"organisation": _code(values.get("organisation")), "status": values.get("status"),
            "submitted_at": submitted, "answers": answers, "_where": f"{SHEET} rad {row}"}


def _code(value: Any) -> Any:
    """Excel may have turned ``0180`` into the number 180: give it back its zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:02d}" if value < 100 else f"{value:04d}"
    return value.strip() if isinstance(value, str) else value
