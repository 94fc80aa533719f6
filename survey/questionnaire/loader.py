"""Load and validate questionnaire definitions (docs/questionnaire-format.md).

``load_questionnaire`` turns a YAML file (or a variant of one) into an immutable
``Questionnaire`` or raises ``QuestionnaireError`` listing *every* problem found, each naming
file, line and item id.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from survey.questionnaire import conditions as cond
from survey.questionnaire import marks
from survey.questionnaire.fields import build_fields
from survey.questionnaire.model import (
    DEFAULT_COMMENT_LENGTH,
    DEFAULT_TEXT_LENGTH,
    INFERRABLE,
    ROW_TYPES,
    Choice,
    Comment,
    Item,
    ItemType,
    Questionnaire,
    Role,
    Section,
    Specify,
)
from survey.questionnaire.xlsform import read_xlsform
from survey.questionnaire.yamlsource import (
    LocatedDict,
    LocatedList,
    Location,
    Problem,
    QuestionnaireError,
    read_yaml,
)

TOP_KEYS = {"id", "title", "family", "year", "respondent_kind", "terms", "intro", "sections",
            "base", "overrides", "inferred"}
TOP_REQUIRED = ("id", "title", "family", "year", "respondent_kind", "sections")
VARIANT_KEYS = {"id", "title", "respondent_kind", "terms", "intro", "base", "overrides", "year",
                "family", "inferred"}
SECTION_KEYS = {"id", "title", "intro", "items"}
ITEM_KEYS = {"id", "number", "type", "text", "help", "required", "when", "options", "scale",
             "rows", "per_row", "comment", "max_length", "min", "max", "decimals", "unit",
             "followups", "inferred"}
CHOICE_KEYS = {"code", "label", "specify", "value", "inferred"}
OVERRIDE_KEYS = {"text", "help", "rows", "options", "inferred"}
RESPONDENT_KINDS = ("region", "kommun")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
YESNO_CHOICES = (Choice("ja", "Ja"), Choice("nej", "Nej"))


class _Builder:
    """Collects problems while building; never stops at the first one."""

    def __init__(self, terms: dict[str, str]) -> None:
        self.problems: list[Problem] = []
        self.terms = terms
        self.item_lines: dict[str, int] = {}

    def problem(self, where: Location, item_id: str | None, message: str) -> None:
        self.problems.append(Problem(where[0], where[1], item_id, message))

    # -- small checks -------------------------------------------------------------------
    def check_keys(self, raw: LocatedDict, allowed: set[str], item_id: str | None, what: str) -> None:
        for key in raw:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(raw.loc(key), item_id, f"unknown key '{key}' in {what} (known keys: {known})")

    def text(self, raw: LocatedDict, key: str, item_id: str | None, required: bool = True) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(raw.where, item_id, f"'{key}' is missing")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem(raw.loc(key), item_id, f"'{key}' must be text")
            return None
        text = str(value).strip()
        if not text:
            self.problem(raw.loc(key), item_id, f"'{key}' is empty")
            return None
        return self.render(text, raw.loc(key), item_id)

    def render(self, text: str, where: Location, item_id: str | None) -> str:
        """Fill ``{organisationen}``-style placeholders from the terms."""

        def fill(match: re.Match[str]) -> str:
            if match.group(0) == "{{":
                return "{"
            if match.group(0) == "}}":
                return "}"
            name = match.group(1)
            if name in self.terms:
                return self.terms[name]
            lower = name[:1].lower() + name[1:]
            if name[:1].isupper() and lower in self.terms:
                value = self.terms[lower]
                return value[:1].upper() + value[1:]
            self.problem(where, item_id, f"unknown placeholder '{{{name}}}'")
            return match.group(0)

        return PLACEHOLDER.sub(fill, text)

    def code(self, raw: LocatedDict, key: str, item_id: str | None) -> str | None:
        if raw.get(key) is None:
            self.problem(raw.where, item_id, f"'{key}' is missing")
            return None
        code = raw.raw.get(key, str(raw[key])).strip()
        if not CODE_PATTERN.match(code):
            self.problem(raw.loc(key), item_id, f"code '{code}' may only contain letters, digits and _")
            return None
        return code

    def integer(self, raw: LocatedDict, key: str, item_id: str | None) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(raw.loc(key), item_id, f"'{key}' must be a whole number ≥ 0")
            return None
        return value

    def mapping(self, value: Any, where: Location, item_id: str | None, what: str) -> LocatedDict | None:
        if isinstance(value, LocatedDict):
            return value
        self.problem(where, item_id, f"{what} must be a mapping")
        return None

    def sequence(self, value: Any, where: Location, item_id: str | None, what: str) -> LocatedList | None:
        if isinstance(value, LocatedList) and value:
            return value
        self.problem(where, item_id, f"{what} must be a non-empty list")
        return None

    # -- choices ----------------------------------------------------------------------
    def choices(self, raw: LocatedDict, key: str, item_id: str, owner_answer_id: str) -> tuple[Choice, ...]:
        entries = self.sequence(raw.get(key), raw.loc(key), item_id, f"'{key}'")
        if entries is None:
            return ()
        result: list[Choice] = []
        seen: dict[str, int] = {}
        for entry, where in zip(entries, entries.item_locations, strict=True):
            entry = self.mapping(entry, where, item_id, f"each of '{key}'")
            if entry is None:
                continue
            self.check_keys(entry, CHOICE_KEYS, item_id, f"an entry of '{key}'")
            code = self.code(entry, "code", item_id)
            label = self.text(entry, "label", item_id)
            if code is None or label is None:
                continue
            if code in seen:
                self.problem(entry.loc("code"), item_id,
                             f"duplicate code '{code}' in '{key}' (first on line {seen[code]})")
                continue
            seen[code] = entry.loc("code")[1]
            specify = self.specify(entry, item_id, f"{owner_answer_id}_{code}_text")
            result.append(Choice(code, label, specify, self.choice_value(entry, key, item_id),
                                 marks.inferred_flag(entry.get("inferred"), self.at(entry, "inferred", item_id))))
        if key == "options":
            marks.check_values(result, self.at(raw, key, item_id))
        return tuple(result)

    def at(self, raw: LocatedDict, key: str, item_id: str | None) -> marks.ProblemAt:
        """A problem reporter for one key (the marks module knows no locations)."""
        return lambda message: self.problem(raw.loc(key), item_id, message)

    def choice_value(self, entry: LocatedDict, key: str, item_id: str) -> int | None:
        if "value" in entry and key != "options":
            self.problem(entry.loc("value"), item_id, "'value' (a numeric code) is only for options, not for rows")
            return None
        return marks.numeric_value(entry.get("value"), self.at(entry, "value", item_id))

    def specify(self, entry: LocatedDict, item_id: str, answer_id: str) -> Specify | None:
        if "specify" not in entry:
            return None
        raw = self.mapping(entry["specify"], entry.loc("specify"), item_id, "'specify'")
        if raw is None:
            return None
        self.check_keys(raw, {"label", "max_length", "id", "inferred"}, item_id, "'specify'")
        label = self.text(raw, "label", item_id) or ""
        length = self.integer(raw, "max_length", item_id) or DEFAULT_COMMENT_LENGTH
        return Specify(str(raw.get("id") or answer_id), label, length,
                       marks.inferred_flag(raw.get("inferred"), self.at(raw, "inferred", item_id)))

    def comment(self, raw: LocatedDict, item_id: str) -> Comment | None:
        if "comment" not in raw:
            return None
        spec = self.mapping(raw["comment"], raw.loc("comment"), item_id, "'comment'")
        if spec is None:
            return None
        self.check_keys(spec, {"label", "id", "max_length", "inferred"}, item_id, "'comment'")
        label = self.text(spec, "label", item_id) or ""
        length = self.integer(spec, "max_length", item_id) or DEFAULT_COMMENT_LENGTH
        return Comment(str(spec.get("id") or f"{item_id}_kommentar"), label, length,
                       marks.inferred_flag(spec.get("inferred"), self.at(spec, "inferred", item_id)))

    # -- items ------------------------------------------------------------------------
    def item(self, raw: Any, where: Location, role: Role, parent: Item | None) -> Item | None:
        raw = self.mapping(raw, where, parent.id if parent else None, "an item")
        if raw is None:
            return None
        item_id = self.item_id(raw)
        if item_id is None:
            return None
        self.check_keys(raw, ITEM_KEYS, item_id, "an item")
        item_type = self.item_type(raw, item_id)
        text = self.text(raw, "text", item_id) or ""
        condition = self.condition_source(raw, item_id, role)
        per_row = self.per_row(raw, item_id, parent)
        if item_type is None:
            return None
        options, rows = self.options_and_rows(raw, item_id, item_type, per_row)
        inferred = marks.inferred_set(raw.get("inferred"), INFERRABLE, self.at(raw, "inferred", item_id))
        item = Item(
            id=item_id, type=item_type, text=text, line=raw.where[1], role=role,
            number=self.text(raw, "number", item_id, required=False),
            help=self.text(raw, "help", item_id, required=False),
            required=self.required(raw, item_id),
            condition_source=condition, options=options, rows=rows, per_row=per_row,
            comment=self.comment(raw, item_id),
            max_length=self.max_length(raw, item_id, item_type),
            minimum=self.number(raw, "min", item_id), maximum=self.number(raw, "max", item_id),
            decimals=self.integer(raw, "decimals", item_id),
            unit=self.text(raw, "unit", item_id, required=False),
            parent_id=parent.id if parent else None,
            inferred=marks.item_inferred(inferred),
        )
        item = replace(item, options=marks.mark_choices(item.options, "options" in inferred),
                       rows=marks.mark_choices(item.rows, "rows" in inferred))
        followups = self.followups(raw, item)
        return replace(item, followups=followups)

    def item_id(self, raw: LocatedDict) -> str | None:
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
            self.problem(raw.loc("id"), None,
                         f"item id {item_id!r} must be lowercase letters, digits and _, starting with a letter")
            return None
        if item_id in self.item_lines:
            self.problem(raw.loc("id"), item_id,
                         f"duplicate id '{item_id}' (first defined on line {self.item_lines[item_id]})")
            return None
        self.item_lines[item_id] = raw.loc("id")[1]
        return item_id

    def item_type(self, raw: LocatedDict, item_id: str) -> ItemType | None:
        value = raw.get("type")
        try:
            return ItemType(str(value))
        except ValueError:
            known = ", ".join(t.value for t in ItemType)
            self.problem(raw.loc("type"), item_id, f"unknown type {value!r} (known types: {known})")
            return None

    def condition_source(self, raw: LocatedDict, item_id: str, role: Role) -> str | None:
        value = raw.get("when")
        if value is None:
            if role is Role.FOLLOWUP:
                self.problem(raw.where, item_id, "a follow-up needs a condition ('when')")
            return None
        if not isinstance(value, str):
            self.problem(raw.loc("when"), item_id, "'when' must be text")
            return None
        try:
            cond.parse(value)
        except cond.ConditionSyntaxError as error:
            self.problem(raw.loc("when"), item_id, f"condition does not parse: {error}")
            return None
        return value

    def per_row(self, raw: LocatedDict, item_id: str, parent: Item | None) -> tuple[str, ...]:
        if "per_row" not in raw:
            return ()
        parent_rows = self.row_codes(parent)
        if parent is None or not parent_rows:
            self.problem(raw.loc("per_row"), item_id,
                         "'per_row' needs a parent with rows (a matrix, a yes/no list or a per-row follow-up)")
            return ()
        value = raw["per_row"]
        codes = [str(code) for code in value] if isinstance(value, list) and value else None
        if codes is None:
            self.problem(raw.loc("per_row"), item_id, "'per_row' must be a non-empty list of row codes")
            return ()
        for code in codes:
            if code not in parent_rows:
                self.problem(raw.loc("per_row"), item_id, f"'per_row' names row '{code}', which {parent.id} "
                                                          f"does not have (rows: {', '.join(parent_rows)})")
        return tuple(code for code in codes if code in parent_rows)

    @staticmethod
    def row_codes(item: Item | None) -> tuple[str, ...]:
        if item is None:
            return ()
        if item.per_row:
            return item.per_row
        return tuple(row.code for row in item.rows)

    def options_and_rows(self, raw: LocatedDict, item_id: str, item_type: ItemType,
                         per_row: tuple[str, ...]) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
        wants_options = item_type in (ItemType.SINGLE, ItemType.MULTIPLE) or (
            item_type is ItemType.MATRIX and raw.get("scale") != "yesno" and "options" in raw)
        if item_type is ItemType.MATRIX and raw.get("scale") not in (None, "yesno"):
            self.problem(raw.loc("scale"), item_id, "'scale' must be 'yesno' (or give 'options')")
        if item_type is ItemType.MATRIX and "scale" not in raw and "options" not in raw:
            self.problem(raw.where, item_id, "a matrix needs 'scale: yesno' or 'options'")
        if per_row and item_type in ROW_TYPES:
            self.problem(raw.loc("type"), item_id, "a per-row follow-up cannot itself be a matrix or yes/no list")
        options: tuple[Choice, ...] = ()
        if wants_options:
            options = self.choices(raw, "options", item_id, item_id)
        elif "options" in raw:
            self.problem(raw.loc("options"), item_id, f"type '{item_type}' takes no 'options'")
        rows: tuple[Choice, ...] = ()
        if item_type in ROW_TYPES:
            rows = self.choices(raw, "rows", item_id, item_id)
        elif "rows" in raw:
            self.problem(raw.loc("rows"), item_id, f"type '{item_type}' takes no 'rows'")
        return options, rows

    def required(self, raw: LocatedDict, item_id: str) -> bool:
        value = raw.get("required", True)
        if not isinstance(value, bool):
            self.problem(raw.loc("required"), item_id, "'required' must be true or false")
            return True
        return value

    def max_length(self, raw: LocatedDict, item_id: str, item_type: ItemType) -> int | None:
        if item_type is not ItemType.TEXT:
            if "max_length" in raw:
                self.problem(raw.loc("max_length"), item_id, "'max_length' is only for text items")
            return None
        return self.integer(raw, "max_length", item_id) or DEFAULT_TEXT_LENGTH

    def number(self, raw: LocatedDict, key: str, item_id: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(raw.loc(key), item_id, f"'{key}' must be a number")
            return None
        return raw.raw.get(key, str(value))

    def followups(self, raw: LocatedDict, parent: Item) -> tuple[Item, ...]:
        if "followups" not in raw:
            return ()
        entries = self.sequence(raw["followups"], raw.loc("followups"), parent.id, "'followups'")
        if entries is None:
            return ()
        built = (self.item(entry, where, Role.FOLLOWUP, parent)
                 for entry, where in zip(entries, entries.item_locations, strict=True))
        return tuple(item for item in built if item is not None)

    # -- sections ---------------------------------------------------------------------
    def sections(self, raw: LocatedDict) -> tuple[Section, ...]:
        entries = self.sequence(raw.get("sections"), raw.loc("sections"), None, "'sections'")
        if entries is None:
            return ()
        result: list[Section] = []
        seen: set[str] = set()
        for entry, where in zip(entries, entries.item_locations, strict=True):
            entry = self.mapping(entry, where, None, "a section")
            if entry is None:
                continue
            section_id = entry.get("id")
            if not isinstance(section_id, str) or not ID_PATTERN.match(section_id):
                self.problem(entry.loc("id"), None,
                             f"section id {section_id!r} must be lowercase letters, digits and _")
                continue
            if section_id in seen:
                self.problem(entry.loc("id"), section_id, f"duplicate section id '{section_id}'")
            seen.add(section_id)
            self.check_keys(entry, SECTION_KEYS, section_id, "a section")
            items = self.sequence(entry.get("items"), entry.loc("items"), section_id, "'items'")
            pairs = zip(items, items.item_locations, strict=True) if items else iter(())
            built = [self.item(item, at, Role.MAIN, None) for item, at in pairs]
            result.append(Section(
                id=section_id, title=self.text(entry, "title", section_id) or "", line=entry.where[1],
                intro=self.text(entry, "intro", section_id, required=False),
                items=tuple(item for item in built if item is not None),
            ))
        return tuple(result)


def _terms(raw: LocatedDict, builder_problems: list[Problem]) -> dict[str, str]:
    value = raw.get("terms", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        where = raw.loc("terms")
        builder_problems.append(Problem(where[0], where[1], None, "'terms' must map names to text"))
        return {}
    return {str(key): value for key, value in value.items()}


def _apply_variant(variant: LocatedDict, base: LocatedDict, problems: list[Problem]) -> LocatedDict:
    """Lay a variant's own keys and wording overrides over its base (ids stay the base's)."""
    for key in variant:
        if key not in VARIANT_KEYS:
            where = variant.loc(key)
            known = ", ".join(sorted(VARIANT_KEYS))
            problems.append(Problem(*where, None, f"unknown key '{key}' in a variant (known keys: {known})"))
        elif key not in ("base", "overrides"):
            base[key] = variant[key]
            base.locations[key] = variant.loc(key)
            if key in variant.raw:
                base.raw[key] = variant.raw[key]
    overrides = variant.get("overrides") or {}
    if not isinstance(overrides, LocatedDict):
        where = variant.loc("overrides")
        problems.append(Problem(where[0], where[1], None, "'overrides' must map item ids to changes"))
        return base
    items = {entry.get("id"): entry for entry in _raw_items(base)}
    for item_id, change in overrides.items():
        where = overrides.loc(item_id)
        target = items.get(item_id)
        if target is None:
            problems.append(Problem(where[0], where[1], item_id, f"override of unknown item '{item_id}'"))
            continue
        if not isinstance(change, LocatedDict):
            problems.append(Problem(where[0], where[1], item_id, "an override must be a mapping"))
            continue
        _override_item(target, change, problems, item_id)
    return base


def _override_item(target: LocatedDict, change: LocatedDict, problems: list[Problem], item_id: str) -> None:
    def complain(message: str) -> None:
        where = change.loc("inferred")
        problems.append(Problem(where[0], where[1], item_id, message))

    inferred = marks.inferred_set(change.get("inferred"), INFERRABLE, complain)
    for key, value in change.items():
        where = change.loc(key)
        if key not in OVERRIDE_KEYS:
            allowed = ", ".join(sorted(OVERRIDE_KEYS))
            problems.append(Problem(where[0], where[1], item_id, f"an override may change only {allowed}, not '{key}'"))
        elif key in ("rows", "options"):
            _expand_choice_marks(target, key)
            entries = {str(entry.raw.get("code", entry.get("code"))): entry
                       for entry in target.get(key) or [] if isinstance(entry, LocatedDict)}
            for code, label in (value or {}).items():
                entry = entries.get(str(code))
                if entry is None:
                    problems.append(Problem(where[0], where[1], item_id, f"override of unknown {key[:-1]} '{code}'"))
                    continue
                entry["label"] = label
                entry["inferred"] = key in inferred  # the mark goes with the wording
                entry.locations["label"] = value.loc(code) if isinstance(value, LocatedDict) else where
        elif key != "inferred":
            target[key] = value
            target.locations[key] = where
            _set_item_mark(target, key, key in inferred)


def _item_marks(target: LocatedDict) -> list[str]:
    value = target.get("inferred")
    if value is True:
        return list(INFERRABLE)
    return [str(v) for v in value] if isinstance(value, list) else []


def _set_item_mark(target: LocatedDict, key: str, inferred: bool) -> None:
    """An override's text replaces the base's, and so does its ``inferred`` mark."""
    names = [name for name in _item_marks(target) if name != key] + ([key] if inferred else [])
    target["inferred"] = names or False


def _expand_choice_marks(target: LocatedDict, key: str) -> None:
    """``inferred: [rows]`` on the base becomes a mark on each row, so one row can change."""
    names = _item_marks(target)
    if key not in names:
        return
    for entry in target.get(key) or []:
        if isinstance(entry, LocatedDict):
            entry["inferred"] = True
    _set_item_mark(target, key, False)


def _raw_items(raw: LocatedDict) -> list[LocatedDict]:
    found: list[LocatedDict] = []

    def visit(items: Any) -> None:
        for entry in items or []:
            if isinstance(entry, LocatedDict):
                found.append(entry)
                visit(entry.get("followups"))

    for section in raw.get("sections") or []:
        if isinstance(section, LocatedDict):
            visit(section.get("items"))
    return found


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_definition(path: Path, problems: list[Problem], depth: int = 0) -> LocatedDict | None:
    raw, found = read_yaml(path, _display(path))
    problems.extend(found)
    if raw is None:
        return None
    if not isinstance(raw, LocatedDict):
        problems.append(Problem(_display(path), 1, None, "a questionnaire file must be a mapping at the top"))
        return None
    if "base" in raw:
        if depth > 0:
            problems.append(Problem(*raw.loc("base"), None, "a base file cannot itself have a base"))
            return None
        base = _read_definition(path.parent / str(raw["base"]), problems, depth + 1)
        if base is None:
            problems.append(Problem(*raw.loc("base"), None, f"base '{raw['base']}' could not be loaded"))
            return None
        return _apply_variant(raw, base, problems)
    if "overrides" in raw:
        problems.append(Problem(*raw.loc("overrides"), None, "'overrides' needs a 'base'"))
    return raw


def _top_level(raw: LocatedDict, builder: _Builder) -> dict[str, Any]:
    builder.check_keys(raw, TOP_KEYS, None, "the questionnaire")
    for key in TOP_REQUIRED:
        if key not in raw:
            builder.problem(raw.where, None, f"'{key}' is missing")
    qid = raw.get("id")
    if qid is not None and (not isinstance(qid, str) or not QUESTIONNAIRE_ID.match(qid)):
        builder.problem(raw.loc("id"), None, f"questionnaire id {qid!r} must be lowercase letters, digits and -")
    kind = raw.get("respondent_kind")
    if kind is not None and kind not in RESPONDENT_KINDS:
        builder.problem(raw.loc("respondent_kind"), None,
                        f"respondent_kind must be one of {', '.join(RESPONDENT_KINDS)}, not {kind!r}")
    year = raw.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        builder.problem(raw.loc("year"), None, "'year' must be a year such as 2025")
    return {
        "id": str(qid or ""), "title": builder.text(raw, "title", None) or "",
        "family": str(raw.get("family") or ""), "year": year if isinstance(year, int) else 0,
        "respondent_kind": str(kind or ""), "intro": builder.text(raw, "intro", None, required=False),
        "inferred": marks.inferred_set(raw.get("inferred"), marks.TOP_INFERRABLE, builder.at(raw, "inferred", None)),
    }


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load, validate and normalise one definition; raise ``QuestionnaireError`` if broken.

    A YAML file, or an XLSForm workbook (``.xlsx``: ``survey.questionnaire.xlsform``).
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return load_xlsform(path.read_bytes(), _display(path))
    problems: list[Problem] = []
    raw = _read_definition(path, problems)
    if raw is None:
        raise QuestionnaireError(problems)
    return build_questionnaire(raw, _display(path), problems)


def load_xlsform(data: bytes, display: str) -> Questionnaire:
    """Read and validate an XLSForm workbook; raise ``QuestionnaireError`` naming sheet and row."""
    return build_questionnaire(read_xlsform(data, display), display, [])


def build_questionnaire(raw: LocatedDict, source: str, problems: list[Problem]) -> Questionnaire:
    """Validate a read definition (from YAML or XLSForm) into a ``Questionnaire``."""
    from survey.questionnaire.serialize import content_hash

    builder = _Builder(_terms(raw, problems))
    top = _top_level(raw, builder)
    sections = builder.sections(raw)
    fields = build_fields(sections, builder.problems, {i.id: i for s in sections for i in s.walk()},
                          raw.loc("sections")[0])
    problems.extend(builder.problems)
    if problems:
        raise QuestionnaireError(sorted(problems, key=lambda p: (p.file, p.line)))
    questionnaire = Questionnaire(sections=sections, fields=fields, terms=builder.terms,
                                  source_path=source, **top)
    return replace(questionnaire, content_hash=content_hash(questionnaire))


def check_paths(paths: list[Path]) -> list[Problem]:
    """Every problem in every file (empty when all are valid)."""
    problems: list[Problem] = []
    for path in paths:
        try:
            load_questionnaire(path)
        except QuestionnaireError as error:
            problems.extend(error.problems)
    return problems


def questionnaire_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def load_folder(folder: Path) -> dict[str, Questionnaire]:
    """Every definition in a folder by id; raise on the first broken file or duplicate id."""
    result: dict[str, Questionnaire] = {}
    for path in questionnaire_files(folder):
        questionnaire = load_questionnaire(path)
        if questionnaire.id in result:
            other = result[questionnaire.id].source_path
            raise QuestionnaireError([Problem(_display(path), 1, None,
                                              f"questionnaire id '{questionnaire.id}' is also used by {other}")])
        result[questionnaire.id] = questionnaire
    return result
