"""Flatten items into answer fields and compile their routing conditions.

Runs after every item has been read, so a reference can be told apart as unknown, later in
the file, part of a cycle, or fine. References are resolved to answer ids here, once: the
shorthand ``= ja`` becomes ``q03_leg = ja`` on each row of a per-row follow-up, and
``any(q17)`` becomes the list of q17's row ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from survey.questionnaire import conditions as cond
from survey.questionnaire.model import (
    CHOICE_TYPES,
    ROW_TYPES,
    YES,
    Choice,
    Field,
    Item,
    ItemType,
    Role,
    Section,
)
from survey.questionnaire.yamlsource import Problem

YESNO_CHOICES = (Choice("ja", "Ja"), Choice("nej", "Nej"))


def cell_type(item: Item) -> ItemType:
    if item.type is ItemType.YESNO_LIST or (item.type is ItemType.MATRIX and not item.options):
        return ItemType.YESNO
    if item.type is ItemType.MATRIX:
        return ItemType.SINGLE
    return item.type


def cell_codes(item: Item) -> tuple[Choice, ...]:
    kind = cell_type(item)
    if kind is ItemType.YESNO:
        return YESNO_CHOICES
    if kind in CHOICE_TYPES:
        return item.options
    return ()


def _row_labels(item: Item, items: dict[str, Item]) -> dict[str, str]:
    """Row code → label, following per-row follow-ups up to the item that defines the rows."""
    while item.per_row and item.parent_id:
        item = items[item.parent_id]
    return {row.code: row.label for row in item.rows}


def _item_cells(item: Item, section_id: str, items: dict[str, Item]) -> Iterator[Field]:
    kind, codes = cell_type(item), cell_codes(item)
    cell = partial(Field, item_id=item.id, section_id=section_id, role=item.role, type=kind,
                   codes=codes, required=item.required, max_length=item.max_length)
    if item.type in ROW_TYPES:
        for row in item.rows:
            answer_id = f"{item.id}_{row.code}"
            yield cell(id=answer_id, label=row.label, row=row.code)
            if row.specify:
                yield _specify_field(row.specify, item, section_id, answer_id, YES)
    elif item.per_row:
        labels = _row_labels(item, items)
        for code in item.per_row:
            yield cell(id=f"{item.id}_{code}", label=labels.get(code, code), row=code)
    else:
        yield cell(id=item.id, label=item.text)
        for option in item.options:
            if option.specify:
                yield _specify_field(option.specify, item, section_id, item.id, option.code)
    if item.comment:
        first = f"{item.id}_{item.rows[0].code}" if item.rows else (
            f"{item.id}_{item.per_row[0]}" if item.per_row else item.id)
        yield Field(id=item.comment.id, item_id=item.id, section_id=section_id, role=Role.COMMENT,
                    type=ItemType.TEXT, label=item.comment.label, required=False, gate=first,
                    max_length=item.comment.max_length)


def _specify_field(spec: object, item: Item, section_id: str, owner: str, code: str) -> Field:
    from survey.questionnaire.model import Specify

    assert isinstance(spec, Specify)
    return Field(id=spec.id, item_id=item.id, section_id=section_id, role=Role.SPECIFY,
                 type=ItemType.TEXT, label=spec.label, required=False, gate=owner,
                 condition=cond.Compare((owner,), "=", (code,)), max_length=spec.max_length)


class _Compiler:
    """Resolves one item's condition against the fields defined before it."""

    def __init__(self, items: dict[str, Item], fields: list[Field], problems: list[Problem],
                 file: str) -> None:
        self.items, self.problems, self.file = items, problems, file
        self.position = {f.id: index for index, f in enumerate(fields)}
        self.by_id = {f.id: f for f in fields}
        self.first_field: dict[str, int] = {}
        for index, f in enumerate(fields):
            self.first_field.setdefault(f.item_id, index)
        self.item_order = {item_id: n for n, item_id in enumerate(items)}

    def report(self, item: Item, message: str) -> None:
        self.problems.append(Problem(self.file, item.line, item.id, message))

    def owner_of(self, ref: str) -> str | None:
        """The item id a reference (an item id or an answer id) belongs to."""
        if ref in self.items:
            return ref
        found = self.by_id.get(ref)
        return found.item_id if found else None

    def compile(self, item: Item, row: str | None) -> cond.Expr | None:
        if not item.condition_source:
            return None
        tree = cond.parse(item.condition_source)
        ok = True

        def resolve(ref: str, quantifier: str | None) -> tuple[str, ...]:
            nonlocal ok
            result = self.resolve(item, row, ref, quantifier)
            if result is None:
                ok = False
                return (ref,)
            return result

        compiled = cond.rewrite(tree, resolve)
        if ok and self.check_values(item, compiled):
            return compiled
        return None

    def resolve(self, item: Item, row: str | None, ref: str, quantifier: str | None) -> tuple[str, ...] | None:
        if ref == cond.PARENT:
            return self.parent_ref(item, row)
        owner = self.owner_of(ref)
        if owner is None:
            self.report(item, f"condition refers to unknown item '{ref}'")
            return None
        if owner == item.id or self.is_descendant(owner, item):
            self.report(item, f"condition refers to '{ref}', which is this item or one of its own follow-ups")
            return None
        if self.item_order[owner] > self.item_order[item.id]:
            if self.forms_cycle(owner, item.id):
                self.report(item, f"conditions form a cycle: {item.id} → {owner} → {item.id}")
            else:
                self.report(item, f"condition refers to '{ref}', which comes later in the questionnaire; "
                                  "a condition may only use earlier answers")
            return None
        if quantifier:
            target = self.items.get(ref)
            if target is None or not target.has_rows:
                self.report(item, f"{quantifier}({ref}) needs a matrix or yes/no list item id")
                return None
            return tuple(f.id for f in self.by_id.values()
                         if f.item_id == ref and f.row is not None and f.role is not Role.SPECIFY)
        if ref not in self.by_id:
            example = self.items[ref].rows[0].code if self.items[ref].rows else "1"
            self.report(item, f"'{ref}' has rows; use any({ref}), all({ref}) or a row id such as {ref}_{example}")
            return None
        return (ref,)

    def parent_ref(self, item: Item, row: str | None) -> tuple[str, ...] | None:
        parent = self.items.get(item.parent_id or "")
        if parent is None:
            self.report(item, "the shorthand condition ('= …') needs a parent question")
            return None
        if row is not None:
            return (f"{parent.id}_{row}",)
        if parent.has_rows:
            self.report(item, f"the shorthand condition is ambiguous under '{parent.id}', which has rows; "
                              f"use any({parent.id}) = …, or per_row")
            return None
        return (parent.id,)

    def is_descendant(self, candidate: str, item: Item) -> bool:
        return any(inner.id == candidate for inner in item.walk()[1:])

    def forms_cycle(self, later: str, item_id: str) -> bool:
        """Does the later item's condition (directly or through others) refer back to us?"""
        seen: set[str] = set()
        stack = [later]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.items[current].condition_source
            refs = cond.references(cond.parse(source)) if source else iter(())
            for ref in refs:
                owner = self.owner_of(ref)
                if owner == item_id:
                    return True
                if owner:
                    stack.append(owner)
        return False

    def check_values(self, item: Item, expr: cond.Expr) -> bool:
        if isinstance(expr, cond.Compare):
            return all(self.check_compare(item, ref, expr) for ref in expr.refs)
        if isinstance(expr, cond.Answered):
            return True
        if isinstance(expr, cond.Not):
            return self.check_values(item, expr.operand)
        return all([self.check_values(item, operand) for operand in expr.operands])

    def check_compare(self, item: Item, ref: str, expr: cond.Compare) -> bool:
        target = self.by_id[ref]
        if target.codes:
            unknown = [v for v in expr.values if v not in target.code_set]
            if unknown:
                codes = ", ".join(target.code_set and [c.code for c in target.codes])
                self.report(item, f"condition compares {ref} with '{unknown[0]}', "
                                  f"which is not one of its codes ({codes})")
                return False
            if expr.op in cond.ORDERING_OPS:
                self.report(item, f"'{expr.op}' needs a number or date, but {ref} is a choice")
                return False
        elif target.type is ItemType.NUMBER and expr.op != "in" and any(cond._number(v) is None for v in expr.values):
            self.report(item, f"condition compares the number {ref} with a value that is not a number")
            return False
        return True


def build_fields(sections: tuple[Section, ...], problems: list[Problem], items: dict[str, Item],
                 file: str) -> tuple[Field, ...]:
    """All answer fields in the file's order, with gates and compiled conditions."""
    raw_fields = [f for s in sections for item in s.walk() for f in _item_cells(item, s.id, items)]
    if len({f.id for f in raw_fields}) != len(raw_fields):
        _report_duplicate_fields(raw_fields, items, problems, file)
    compiler = _Compiler(items, raw_fields, problems, file)
    compiled: dict[tuple[str, str | None], cond.Expr | None] = {}
    result: list[Field] = []
    for f in raw_fields:
        if f.role in (Role.COMMENT, Role.SPECIFY):
            result.append(f)
            continue
        item = items[f.item_id]
        row = f.row if item.per_row else None
        key = (item.id, row)
        if key not in compiled:
            compiled[key] = compiler.compile(item, row)
        result.append(replace(f, condition=compiled[key], gate=_gate(item, f, items)))
    return tuple(result)


def _gate(item: Item, f: Field, items: dict[str, Item]) -> str | None:
    if item.parent_id is None:
        return None
    parent = items[item.parent_id]
    if item.per_row:
        return f"{parent.id}_{f.row}"
    if parent.rows:
        return f"{parent.id}_{parent.rows[0].code}"
    if parent.per_row:
        return f"{parent.id}_{parent.per_row[0]}"
    return parent.id


def _report_duplicate_fields(fields: list[Field], items: dict[str, Item], problems: list[Problem],
                             file: str) -> None:
    seen: dict[str, str] = {}
    for f in fields:
        if f.id in seen:
            item = items[f.item_id]
            problems.append(Problem(file, item.line, item.id,
                                    f"answer id '{f.id}' is produced twice (also by {seen[f.id]})"))
        else:
            seen[f.id] = f.item_id
