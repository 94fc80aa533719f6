"""Read an XLSForm workbook into a questionnaire definition (the inverse of ``exports.xlsform``).

The workbook is turned into the same located structure the YAML loader reads, so one
validation serves both and every error names ``file:sheet:row: name: message``. Both our own
exports (with their extra columns ``number``, ``kind``, ``parent``, ``unit``, ``decimals``) and
forms written by hand in the style of the XLSForm documentation are read. What this engine
cannot express (repeats, calculations, other question types, free constraints, nested groups
that are not matrices) is refused by row, never dropped. A file that is not a workbook, or a
zip bomb, is refused before anything is parsed.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from survey.questionnaire import xpath
from survey.questionnaire.conditions import Compare
from survey.questionnaire.yamlsource import LocatedDict, LocatedList, Location, Problem, QuestionnaireError

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 200
MAX_ROWS = 5000
YESNO_CODES = ("ja", "nej")
_MAX_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*([0-9]+)$")
_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?[0-9]+(?:\.[0-9]+)?)$")
_SIMPLE_TYPES = {"text": "text", "integer": "number", "decimal": "number", "date": "date"}
_TRUE = ("yes", "true", "true()", "ja", "1")
_FALSE = ("", "no", "false", "false()", "nej", "0")


@dataclass
class _Row:
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class _Reader:
    display: str
    problems: list[Problem] = field(default_factory=list)
    choices: dict[str, list[_Row]] = field(default_factory=dict)
    items: dict[str, LocatedDict] = field(default_factory=dict)
    rows_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    row_owner: dict[str, tuple[LocatedDict, str]] = field(default_factory=dict)
    relevant_of: dict[str, str] = field(default_factory=dict)

    def where(self, sheet: str, row: int) -> Location:
        return (f"{self.display}:{sheet}", row)

    def problem(self, row: _Row, name: str | None, message: str, sheet: str = "survey") -> None:
        self.problems.append(Problem(f"{self.display}:{sheet}", row.number, name or None, message))


# -- the workbook -------------------------------------------------------------------------
def _check_zip(data: bytes, display: str) -> None:
    def refuse(message: str) -> QuestionnaireError:
        return QuestionnaireError([Problem(display, 1, None, message)])

    if not data.startswith(b"PK\x03\x04"):
        raise refuse("not an Excel workbook (.xlsx): the file is not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise refuse(f"not an Excel workbook (.xlsx): {error}") from None
    if len(entries) > MAX_ENTRIES:
        raise refuse(f"the workbook holds {len(entries)} parts; at most {MAX_ENTRIES} are read")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(f"the workbook unpacks to {unpacked // 2**20} MB; "
                     f"at most {MAX_UNPACKED_BYTES // 2**20} MB are read")


def _digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` is true for «²», which ``int`` refuses (the loader
    then names the cell that holds it)."""
    return text.isascii() and text.isdigit()


def _sheets(data: bytes, reader: _Reader) -> dict[str, list[_Row]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise QuestionnaireError([Problem(reader.display, 1, None, f"the workbook cannot be read: {error}")]) from None
    try:
        return {sheet.title.strip().lower(): _read_sheet(sheet, reader) for sheet in book.worksheets}
    finally:
        book.close()


def _read_sheet(sheet: Any, reader: _Reader) -> list[_Row]:
    rows: list[_Row] = []
    header: list[str] = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > MAX_ROWS:
            reader.problem(_Row(number, {}), None, f"more than {MAX_ROWS} rows", sheet.title)
            break
        values = [_cell_text(cell, sheet.title, number, reader) for cell in cells]
        if not header:
            header = [value.strip().lower() for value in values]
            continue
        row = {header[i]: value.strip() for i, value in enumerate(values) if i < len(header) and header[i]}
        if any(row.values()):
            rows.append(_Row(number, row))
    return rows


def _cell_text(cell: Any, sheet: str, number: int, reader: _Reader) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if getattr(cell, "data_type", "") == "f":
        reader.problem(_Row(number, {}), None,
                       f"cell {cell.coordinate} holds a formula ({str(value)[:40]}); write plain text", sheet)
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- choices, settings, terms ------------------------------------------------------------
def _read_choices(rows: list[_Row], reader: _Reader) -> None:
    for row in rows:
        list_name, name = row.get("list_name") or row.get("list name"), row.get("name")
        if not list_name or not name:
            reader.problem(row, name, "a choice needs list_name and name", "choices")
            continue
        reader.choices.setdefault(list_name, []).append(row)


def _codes(found: list[_Row]) -> tuple[str, ...]:
    return tuple(row.get("name") for row in found)


def _marks(row: _Row, entry: LocatedDict, where: Location) -> None:
    """The ``inferred`` column: ``true``, or (on an item) the names of its inferred texts."""
    value = row.get("inferred").strip().lower()
    if not value or value in _FALSE:
        return
    names: bool | list[str] = True if value in _TRUE else [part.strip() for part in value.split(",") if part.strip()]
    _put(entry, "inferred", names, where)


def _label(row: _Row) -> str:
    if row.get("label"):
        return row.get("label")
    translated = [value for key, value in row.cells.items() if key.startswith("label::") and value]
    return translated[0] if translated else ""


def _top(sheets: dict[str, list[_Row]], reader: _Reader) -> LocatedDict:
    raw = _located(reader.where("settings", 2))
    settings = sheets.get("settings", [])
    values = settings[0].cells if settings else {}
    form_id = values.get("form_id", "")
    year = values.get("year") or values.get("version", "")
    entries: dict[str, Any] = {
        "id": form_id, "title": values.get("form_title", ""), "family": values.get("family") or form_id,
        "respondent_kind": values.get("respondent_kind") or "region",
        "year": int(year) if _digits(year) else year,
    }
    if values.get("intro"):
        entries["intro"] = values["intro"]
    if values.get("inferred"):
        entries["inferred"] = [part.strip() for part in values["inferred"].split(",") if part.strip()]
    for key, value in entries.items():
        _put(raw, key, value, reader.where("settings", 2))
    terms = _located(reader.where("terms", 1))
    for row in sheets.get("terms", []):
        _put(terms, row.get("name"), row.get("value"), reader.where("terms", row.number))
    if terms:
        _put(raw, "terms", terms, reader.where("terms", 1))
    return raw


def _located(where: Location) -> LocatedDict:
    raw = LocatedDict()
    raw.where = where
    return raw


def _put(raw: LocatedDict, key: str, value: Any, where: Location) -> None:
    raw[key] = value
    raw.locations[key] = where
    if isinstance(value, str):
        raw.raw[key] = value


def _append(raw: LocatedDict, key: str, entry: Any, where: Location) -> None:
    if key not in raw:
        entries = LocatedList()
        entries.where = where
        entries.item_locations = []
        _put(raw, key, entries, where)
    raw[key].append(entry)
    raw[key].item_locations.append(where)


# -- the survey sheet ---------------------------------------------------------------------
def _questions(rows: list[_Row], reader: _Reader) -> Iterator[tuple[_Row, list[_Row]]]:
    """Top-level rows; a group comes with the rows up to its ``end group``."""
    index = 0
    while index < len(rows):
        row = rows[index]
        index += 1
        if row.get("type").lower() not in ("begin group", "begin_group"):
            yield row, []
            continue
        depth, inner = 1, []
        while index < len(rows) and depth:
            kind = rows[index].get("type").lower()
            depth += kind in ("begin group", "begin_group")
            depth -= kind in ("end group", "end_group")
            if depth:
                inner.append(rows[index])
            index += 1
        if depth:
            reader.problem(row, row.get("name"), "'begin group' has no matching 'end group'")
        yield row, inner


def _sections(rows: list[_Row], reader: _Reader, raw: LocatedDict) -> None:
    loose: list[_Row] = []
    for row, inner in _questions(rows, reader):
        kind = row.get("type").lower()
        if kind in ("begin group", "begin_group"):
            _section(row, inner, reader, raw)
        elif kind in ("end group", "end_group"):
            reader.problem(row, row.get("name"), "'end group' without a 'begin group'")
        else:
            loose.append(row)
    if loose:  # questions outside any group: one section of their own
        section = _located(reader.where("survey", loose[0].number))
        _put(section, "id", "fragor", section.where)
        _put(section, "title", "Frågor", section.where)
        _items(loose, reader, section)
        _append(raw, "sections", section, section.where)


def _section(row: _Row, inner: list[_Row], reader: _Reader, raw: LocatedDict) -> None:
    where = reader.where("survey", row.number)
    section = _located(where)
    _put(section, "id", row.get("name"), where)
    _put(section, "title", _label(row), where)
    if row.get("hint"):
        _put(section, "intro", row.get("hint"), where)
    if inner and inner[0].get("type").lower() == "note" and "intro" not in section:
        _put(section, "intro", _label(inner[0]), reader.where("survey", inner[0].number))
        inner = inner[1:]
    _items(inner, reader, section)
    if "items" not in section:
        reader.problem(row, row.get("name"), "the group (a section) has no questions")
    _append(raw, "sections", section, where)


def _items(rows: list[_Row], reader: _Reader, section: LocatedDict) -> None:
    for row, inner in _questions(rows, reader):
        kind = row.get("type").lower()
        if kind in ("begin group", "begin_group"):
            _group_item(row, inner, reader, section)
        elif row.get("kind") == "comment":
            _comment(row, reader)
        elif row.get("kind") == "specify":
            _specify(row, reader)
        else:
            item = _question(row, reader)
            if item is not None:
                _place(row, item, reader, section)


def _place(row: _Row, item: LocatedDict, reader: _Reader, section: LocatedDict) -> None:
    parent_id = row.get("parent")
    where = reader.where("survey", row.number)
    if not parent_id:
        _append(section, "items", item, where)
        return
    parent = reader.items.get(parent_id)
    if parent is None:
        reader.problem(row, row.get("name"), f"parent '{parent_id}' is not a question defined earlier")
        return
    _append(parent, "followups", item, where)


def _question(row: _Row, reader: _Reader) -> LocatedDict | None:
    name, kind = row.get("name"), row.get("type").lower().split()
    where = reader.where("survey", row.number)
    item = _located(where)
    _put(item, "id", name, where)
    if not kind:
        reader.problem(row, name, "the row has no type")
        return None
    if kind[0] in ("select_one", "select_multiple", "select_one_from_file", "select_multiple_from_file"):
        if not _choice_question(row, kind, item, reader):
            return None
    elif kind[0] in _SIMPLE_TYPES and len(kind) == 1:
        _put(item, "type", _SIMPLE_TYPES[kind[0]], where)
        if kind[0] == "integer":
            _put(item, "decimals", 0, where)
    else:
        reader.problem(row, name, f"type '{row.get('type')}' cannot be expressed in this questionnaire engine "
                       "(known: select_one, select_multiple, text, integer, decimal, date, note as a section's "
                       "introduction, begin group/end group)")
        return None
    _common(row, item, reader)
    reader.items[name] = item
    reader.relevant_of[name] = row.get("relevant")
    return item


def _choice_question(row: _Row, kind: list[str], item: LocatedDict, reader: _Reader) -> bool:
    where, name = reader.where("survey", row.number), row.get("name")
    if len(kind) != 2 or kind[0].endswith("_from_file"):
        reader.problem(row, name, f"'{row.get('type')}' must name one choice list of the choices sheet")
        return False
    found = reader.choices.get(kind[1])
    if found is None:
        reader.problem(row, name, f"choice list '{kind[1]}' does not exist on the choices sheet")
        return False
    if kind[0] == "select_one" and _codes(found) == YESNO_CODES and kind[1] == "yesno":
        _put(item, "type", "yesno", where)
        return True
    _put(item, "type", "single" if kind[0] == "select_one" else "multiple", where)
    _put(item, "options", _choice_list(found, reader), where)
    return True


def _choice_list(found: list[_Row], reader: _Reader) -> LocatedList:
    entries = LocatedList()
    entries.item_locations = []
    for row in found:
        entry = _located(reader.where("choices", row.number))
        _put(entry, "code", row.get("name"), entry.where)
        _put(entry, "label", _label(row), entry.where)
        value = row.get("numeric_value")
        if value:
            _put(entry, "value", int(value) if _digits(value) else value, entry.where)
        _marks(row, entry, entry.where)
        entries.append(entry)
        entries.item_locations.append(entry.where)
    return entries


def _common(row: _Row, item: LocatedDict, reader: _Reader) -> None:
    where, name = reader.where("survey", row.number), row.get("name")
    _put(item, "text", _label(row), where)
    _marks(row, item, where)
    for column, key in (("hint", "help"), ("number", "number"), ("unit", "unit")):
        if row.get(column):
            _put(item, key, row.get(column), where)
    decimals = row.get("decimals")
    if decimals:
        _put(item, "decimals", int(decimals) if _digits(decimals) else decimals, where)
    required = row.get("required").lower()
    if required not in _TRUE + _FALSE:
        reader.problem(row, name, f"required {row.get('required')!r} cannot be expressed: use yes or leave it empty")
    _put(item, "required", required in _TRUE, where)
    _constraint(row, item, reader)
    if row.get("relevant"):
        _when(row, item, reader, row.get("parent") or None)


def _constraint(row: _Row, item: LocatedDict, reader: _Reader) -> None:
    text, where, name = row.get("constraint"), reader.where("survey", row.number), row.get("name")
    if not text:
        return
    found = _MAX_LENGTH.match(text)
    if found and item.get("type") == "text":
        _put(item, "max_length", int(found.group(1)), where)
        return
    bounds = [_BOUND.match(part.strip()) for part in re.split(r"\band\b", text)]
    if item.get("type") == "number" and all(bounds):
        for bound in bounds:
            assert bound is not None
            value = bound.group(2)
            _put(item, "min" if bound.group(1) == ">=" else "max", float(value) if "." in value else int(value), where)
            item.raw["min" if bound.group(1) == ">=" else "max"] = value
        return
    reader.problem(row, name, f"constraint {text!r} cannot be expressed (known: string-length(.) <= N on text, "
                   ". >= A and . <= B on numbers)")


def _when(row: _Row, item: LocatedDict, reader: _Reader, parent: str | None) -> None:
    source = _condition(row, row.get("relevant"), reader, parent)
    if source is not None:
        _put(item, "when", source, reader.where("survey", row.number))


def _condition(row: _Row, relevant: str, reader: _Reader, parent: str | None) -> str | None:
    try:
        expr = xpath.quantified(xpath.parse(relevant), reader.rows_of)
    except xpath.XPathError as error:
        reader.problem(row, row.get("name"), f"relevant {relevant!r}: {error}")
        return None
    return xpath.to_source(expr, parent)


# -- matrices, yes/no lists, per-row follow-ups, comments, «specify» texts ----------------
def _group_item(row: _Row, inner: list[_Row], reader: _Reader, section: LocatedDict) -> None:
    name, kind = row.get("name"), row.get("kind")
    if kind not in ("matrix", "yesno_list", "per_row"):
        reader.problem(row, name, "a group inside a section must be a matrix, a yes/no list or a per-row follow-up "
                       "(column kind: matrix, yesno_list or per_row)")
        return
    where = reader.where("survey", row.number)
    item = _located(where)
    _put(item, "id", name, where)
    cells = [cell for cell in inner if cell.get("kind") != "specify"]
    if not cells:
        reader.problem(row, name, "the group has no rows")
        return
    codes = _row_codes(name, cells, reader)
    if not _cell_type(row, kind, cells, item, reader):
        return
    _put(item, "text", _label(row), where)
    _marks(row, item, where)
    for column, key in (("hint", "help"), ("number", "number")):
        if row.get(column):
            _put(item, key, row.get(column), where)
    _put(item, "required", cells[0].get("required").lower() in _TRUE, where)
    reader.items[name] = item
    reader.rows_of[name] = tuple(f"{name}_{code}" for code in codes)
    if kind == "per_row":
        _per_row(row, cells, codes, item, reader)
    else:
        rows = LocatedList()
        rows.item_locations = []
        for cell, code in zip(cells, codes, strict=True):
            entry = _located(reader.where("survey", cell.number))
            _put(entry, "code", code, entry.where)
            _put(entry, "label", _label(cell), entry.where)
            _marks(cell, entry, entry.where)
            rows.append(entry)
            rows.item_locations.append(entry.where)
            reader.row_owner[f"{name}_{code}"] = (entry, name)
            if cell.get("relevant"):
                reader.problem(cell, cell.get("name"), f"the rows of '{name}' share the group's relevant; "
                               "write the condition on the 'begin group' row")
        _put(item, "rows", rows, where)
        if row.get("relevant"):
            _when(row, item, reader, row.get("parent") or None)
    for cell in inner:
        if cell.get("kind") == "specify":
            _specify(cell, reader)
    _place(row, item, reader, section)


def _row_codes(name: str, cells: list[_Row], reader: _Reader) -> list[str]:
    codes = []
    for cell in cells:
        cell_name = cell.get("name")
        if not cell_name.startswith(f"{name}_"):
            reader.problem(cell, cell_name, f"a row of '{name}' must be named {name}_<row code>")
        codes.append(cell_name[len(name) + 1:])
    return codes


def _cell_type(row: _Row, kind: str, cells: list[_Row], item: LocatedDict, reader: _Reader) -> bool:
    where, name = reader.where("survey", row.number), row.get("name")
    types = {cell.get("type").lower() for cell in cells}
    if len(types) != 1 or not next(iter(types)).startswith("select_one "):
        reader.problem(row, name, "every row of the group must be a select_one of the same choice list")
        return False
    list_name = next(iter(types)).split()[1]
    found = reader.choices.get(list_name)
    if found is None:
        reader.problem(row, name, f"choice list '{list_name}' does not exist on the choices sheet")
        return False
    yesno = list_name == "yesno" and _codes(found) == YESNO_CODES
    if kind == "yesno_list":
        if not yesno:
            reader.problem(row, name, "the rows of a yes/no list are select_one yesno")
            return False
        _put(item, "type", "yesno_list", where)
    elif kind == "matrix":
        _put(item, "type", "matrix", where)
        if yesno:
            _put(item, "scale", "yesno", where)
        else:
            _put(item, "options", _choice_list(found, reader), where)
    else:
        _put(item, "type", "yesno" if yesno else "single", where)
        if not yesno:
            _put(item, "options", _choice_list(found, reader), where)
    return True


def _per_row(row: _Row, cells: list[_Row], codes: list[str], item: LocatedDict, reader: _Reader) -> None:
    where, name, parent = reader.where("survey", row.number), row.get("name"), row.get("parent")
    _put(item, "per_row", list(codes), where)
    sources = set()
    for cell, code in zip(cells, codes, strict=True):
        reader.relevant_of[f"{name}_{code}"] = cell.get("relevant")
        if not cell.get("relevant"):
            reader.problem(cell, cell.get("name"), "a row of a per-row follow-up needs a relevant")
            return
        source = _condition(cell, cell.get("relevant"), reader, f"{parent}_{code}")
        if source is None:
            return
        sources.add(source)
    if len(sources) != 1:
        reader.problem(row, name, "every row of a per-row follow-up must depend on its own row in the same way "
                       f"(found: {'; '.join(sorted(sources))})")
        return
    _put(item, "when", sources.pop(), where)


def _comment(row: _Row, reader: _Reader) -> None:
    name, owner_id = row.get("name"), row.get("parent")
    owner = reader.items.get(owner_id)
    if owner is None:
        reader.problem(row, name, f"a comment needs the question it belongs to in column parent (found {owner_id!r})")
        return
    where = reader.where("survey", row.number)
    comment = _located(where)
    _put(comment, "label", _label(row), where)
    _put(comment, "id", name, where)
    _marks(row, comment, where)
    found = _MAX_LENGTH.match(row.get("constraint"))
    if found:
        _put(comment, "max_length", int(found.group(1)), where)
    _put(owner, "comment", comment, where)


def _specify(row: _Row, reader: _Reader) -> None:
    """A «specify» text: its relevant names the option or row it belongs to."""
    name = row.get("name")
    try:
        expr = xpath.parse(row.get("relevant"))
    except xpath.XPathError as error:
        reader.problem(row, name, f"relevant {row.get('relevant')!r}: {error}")
        return
    if not (isinstance(expr, Compare) and expr.op in ("=", "in") and len(expr.values) == 1):
        reader.problem(row, name, "a specify text's relevant must name one option or row: ${q} = 'code'")
        return
    owner, code = expr.refs[0], expr.values[0]
    where = reader.where("survey", row.number)
    target = _specify_target(owner, code, reader)
    if target is None:
        reader.problem(row, name, f"{owner} has no option or row '{code}' to specify")
        return
    spec = _located(where)
    _put(spec, "label", _label(row), where)
    _marks(row, spec, where)
    found = _MAX_LENGTH.match(row.get("constraint"))
    if found:
        _put(spec, "max_length", int(found.group(1)), where)
    _put(target, "specify", spec, where)


def _specify_target(owner: str, code: str, reader: _Reader) -> LocatedDict | None:
    if owner in reader.row_owner and code == "ja":
        return reader.row_owner[owner][0]
    item = reader.items.get(owner)
    options = item.get("options", []) if item is not None else []
    return next((option for option in options if option.get("code") == code), None)


def read_xlsform(data: bytes, display: str) -> LocatedDict:
    """The definition in an XLSForm workbook, as the loader's located structure."""
    _check_zip(data, display)
    reader = _Reader(display)
    sheets = _sheets(data, reader)
    if "survey" not in sheets:
        raise QuestionnaireError([Problem(display, 1, None, "the workbook has no 'survey' sheet")])
    _read_choices(sheets.get("choices", []), reader)
    raw = _top(sheets, reader)
    _sections(sheets["survey"], reader, raw)
    if reader.problems:
        raise QuestionnaireError(reader.problems)
    return raw
