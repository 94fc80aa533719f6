"""A questionnaire as an XLSForm workbook (survey, choices, settings, terms sheets): bytes out.

XLSForm is the spreadsheet standard of ODK and KoboToolbox. Sections are groups, matrices,
yes/no lists and per-row follow-ups are groups of rows, follow-ups are routed through
``relevant`` in XLSForm's own syntax (``survey.questionnaire.xpath``). What XLSForm has no
column for (question numbers, units, decimals, which question a follow-up, comment or
«specify» text belongs to) goes into extra columns, which XLSForm tools ignore and
``survey.questionnaire.xlsform`` reads back, so importing this file gives the same definition.
The mapping is documented in docs/questionnaire-format.md.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from survey.questionnaire import conditions as cond
from survey.questionnaire import xpath
from survey.questionnaire.fields import cell_type
from survey.questionnaire.model import Field, Item, ItemType, Questionnaire, Role, Section

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint", "appearance",
                  "number", "kind", "parent", "unit", "decimals", "inferred")
CHOICE_COLUMNS = ("list_name", "name", "label", "numeric_value", "inferred")  # pyxform reads "value" as "name"
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "family", "year",
                    "respondent_kind", "intro", "inferred")
YESNO_LIST = "yesno"
Row = dict[str, str]


def _flag(inferred: bool) -> str:
    """The ``inferred`` column: the text is a reconstruction, not the official wording."""
    return "true" if inferred else ""


def _escape(text: str | None) -> str:
    """Texts are stored with their placeholders filled in; braces must stay literal."""
    return (text or "").replace("{", "{{").replace("}", "}}")


class _Writer:
    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.fields = {f.id: f for f in q.fields}
        self.specify_of: dict[str, list[Field]] = {}  # owner answer id → its «specify» fields
        for f in q.fields:
            if f.role is Role.SPECIFY and f.gate is not None:
                self.specify_of.setdefault(f.gate, []).append(f)
        self.option_marks = {o.specify.id: o.specify.inferred for item in q.items() for o in item.options if o.specify}
        self.rows: list[Row] = []
        self.choices: list[tuple[str, ...]] = [(YESNO_LIST, "ja", "Ja"), (YESNO_LIST, "nej", "Nej")]

    def type_of(self, answer_id: str) -> ItemType:
        found = self.fields.get(answer_id)
        return found.type if found else ItemType.SINGLE

    def relevant(self, f: Field) -> str:
        """``relevant`` of one answer id: its own condition, and its gate's when it does not
        mention the gate (a non-relevant question is empty, so a comparison with it is false)."""
        own = xpath.to_xpath(f.condition, self.type_of) if f.condition is not None else ""
        if f.gate is None:
            return own
        mentioned = set(cond.references(f.condition)) if f.condition is not None else set()
        gate = self.fields[f.gate]
        inherited = self.relevant(gate)
        if f.gate in mentioned or not inherited:
            return own
        return f"({own}) and ({inherited})" if own else inherited

    def list_for(self, item: Item) -> str:
        if cell_type(item) is ItemType.YESNO:
            return YESNO_LIST
        for option in item.options:
            self.choices.append((item.id, option.code, _escape(option.label),
                                 "" if option.value is None else str(option.value), _flag(option.inferred)))
        return item.id

    def add(self, **values: str) -> None:
        self.rows.append({key: value for key, value in values.items() if value})

    def section(self, section: Section) -> None:
        self.add(type="begin group", name=section.id, label=_escape(section.title),
                 hint=_escape(section.intro), appearance="field-list")
        for item in section.items:
            self.item(item)
        self.add(type="end group", name=section.id)

    def item(self, item: Item) -> None:
        common = {"number": item.number or "", "parent": item.parent_id or "",
                  "inferred": ",".join(sorted(item.inferred))}
        if item.type in (ItemType.MATRIX, ItemType.YESNO_LIST) or item.per_row:
            kind = item.type.value if not item.per_row else "per_row"
            cells = [f for f in self.q.fields_of_item(item.id) if f.role in (Role.MAIN, Role.FOLLOWUP)]
            # A matrix's rows share its condition: it goes on the group. Per-row follow-ups
            # depend each on its own row: the condition goes on every row.
            shared = "" if item.per_row else self.relevant(cells[0])
            self.add(type="begin group", name=item.id, label=_escape(item.text), hint=_escape(item.help),
                     appearance="field-list", kind=kind, relevant=shared, **common)
            self.cells(item, cells, per_row=bool(item.per_row))
            self.add(type="end group", name=item.id)
        else:
            f = self.fields[item.id]
            self.add(type=self.question_type(item), name=item.id, label=_escape(item.text),
                     hint=_escape(item.help), required="yes" if item.required else "",
                     relevant=self.relevant(f), constraint=self.constraint(item),
                     unit=item.unit or "", decimals="" if item.decimals is None else str(item.decimals),
                     **common)
            self.extras(item.id)
        if item.comment:
            comment = self.fields[item.comment.id]
            self.add(type="text", name=comment.id, label=_escape(comment.label), kind="comment",
                     parent=item.id, relevant=self.relevant(comment), inferred=_flag(item.comment.inferred),
                     constraint=f"string-length(.) <= {comment.max_length}")
        for child in item.followups:
            self.item(child)

    def cells(self, item: Item, cells: list[Field], per_row: bool) -> None:
        list_name = self.list_for(item)
        rows = {row.code: row for row in item.rows}
        for f in cells:
            row = rows.get(f.row or "")
            self.add(type=f"select_one {list_name}", name=f.id, label=_escape(f.label),
                     required="yes" if f.required else "", relevant=self.relevant(f) if per_row else "",
                     inferred=_flag(row.inferred if row else False))
            self.extras(f.id, row.specify.inferred if row and row.specify else False)

    def extras(self, owner: str, inferred: bool = False) -> None:
        """The «specify» texts of an answer id, right after it."""
        for f in self.specify_of.get(owner, []):
            self.add(type="text", name=f.id, label=_escape(f.label), kind="specify",
                     relevant=self.relevant(f), constraint=f"string-length(.) <= {f.max_length}",
                     inferred=_flag(self.option_marks.get(f.id, inferred)))

    def question_type(self, item: Item) -> str:
        if item.type is ItemType.YESNO:
            return f"select_one {YESNO_LIST}"
        if item.type in (ItemType.SINGLE, ItemType.MULTIPLE):
            prefix = "select_one" if item.type is ItemType.SINGLE else "select_multiple"
            return f"{prefix} {self.list_for(item)}"
        if item.type is ItemType.NUMBER:
            return "integer" if item.decimals == 0 else "decimal"
        return item.type.value  # text, date

    @staticmethod
    def constraint(item: Item) -> str:
        if item.type is ItemType.TEXT and item.max_length:
            return f"string-length(.) <= {item.max_length}"
        bounds = [f". >= {item.minimum}" if item.minimum is not None else "",
                  f". <= {item.maximum}" if item.maximum is not None else ""]
        return " and ".join(bound for bound in bounds if bound)


def _sheet_rows(writer: _Writer) -> Iterator[tuple[str, list[tuple[str, ...]]]]:
    yield "survey", [SURVEY_COLUMNS] + [tuple(row.get(c, "") for c in SURVEY_COLUMNS) for row in writer.rows]
    yield "choices", [CHOICE_COLUMNS, *writer.choices]
    q = writer.q
    yield "settings", [SETTINGS_COLUMNS, (_escape(q.title), q.id, str(q.year), "Svenska (sv)", q.family,
                                          str(q.year), q.respondent_kind, _escape(q.intro),
                                          ",".join(sorted(q.inferred)))]
    yield "terms", [("name", "value"), *sorted(q.terms.items())]


def xlsform_bytes(q: Questionnaire) -> bytes:
    """The questionnaire as an .xlsx XLSForm; every cell is a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    writer = _Writer(q)
    for section in q.sections:
        writer.section(section)
    book = Workbook(write_only=True)
    for title, rows in _sheet_rows(writer):
        sheet = book.create_sheet(title)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value or None)
                if value:
                    cell.data_type = "s"  # text stays text: no '=' formula, no number guessing
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
