"""The report definition: the words of the national deck that are not results. Pure.

Staff keep one YAML file per questionnaire family and year beside the questionnaires
(``survey/questionnaires/rapporter/<family>-<year>.yaml``, format in docs/report-format.md):
the background and purpose, the links of the published deck, the reflection questions, the
contact address, the agency named as the file's author, and optional headline overrides per
item. It is read with the questionnaire's YAML reader, so every error names ``file:line``,
and checked against the questionnaires it serves (an override for an unknown item, or a
placeholder that is neither a term nor a code of the item, is an error).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from survey.questionnaire.model import Questionnaire, Role
from survey.questionnaire.yamlsource import LocatedDict, LocatedList, Location, Problem, read_yaml

REPORT_DIR = Path(__file__).resolve().parent.parent / "questionnaires" / "rapporter"
TERM_NAMES = frozenset({"organisation", "organisationen", "organisationens", "organisationer",
                        "organisationerna", "organisationernas", "övergripande", "ansvarig"})
LINK_KEYS = frozenset({"results", "action_plan", "questions"})
TOP_KEYS = frozenset({"family", "year", "agency", "keywords", "contact", "background", "purpose", "links",
                      "read_more", "reflection_questions", "headlines"})
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
HEADLINE_NUMBERS = frozenset({"n", "mellan"})  # besides the codes of the item's answer field


class ReportDefinitionError(ValueError):
    """Every problem of a report definition, one ``file:line: id: message`` per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    lead: str = ""  # the words before the link: «Läs mer och ta del av tidigare uppföljningar»


@dataclass(frozen=True)
class Question:
    """A reflection question: a stem and, optionally, the points it continues with."""

    stem: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportDefinition:
    family: str
    year: int
    agency: str = "Socialstyrelsen"
    keywords: tuple[str, ...] = ()
    contact: str = ""
    background: str = ""
    purpose: tuple[str, ...] = ()
    links: Mapping[str, Link] = field(default_factory=lambda: MappingProxyType({}))
    read_more: tuple[Link, ...] = ()
    reflection_questions: tuple[Question, ...] = ()
    headlines: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    headline_lines: Mapping[str, Location] = field(default_factory=lambda: MappingProxyType({}))
    source_path: str = ""


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, where: Location, item_id: str | None, message: str) -> None:
        self.problems.append(Problem(where[0], where[1], item_id, message))

    def text(self, raw: LocatedDict, key: str, required: bool = False) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(raw.where, None, f"'{key}' is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(raw.loc(key), None, f"'{key}' must be a text")
            return ""
        self.placeholders(value, raw.loc(key), None, TERM_NAMES)
        return " ".join(value.split())

    def texts(self, raw: LocatedDict, key: str) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, LocatedList) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(raw.loc(key), None, f"'{key}' must be a list of texts")
            return ()
        for text, where in zip(value, value.item_locations, strict=True):
            self.placeholders(text, where, None, TERM_NAMES)
        return tuple(" ".join(v.split()) for v in value)

    def placeholders(self, text: str, where: Location, item_id: str | None, allowed: Iterable[str]) -> None:
        known = set(allowed)
        for name in PLACEHOLDER.findall(text):
            if name not in known:
                self.problem(where, item_id, f"unknown placeholder '{{{name}}}' (known: {', '.join(sorted(known))})")

    def link(self, raw: Any, where: Location, what: str, lead: bool = False) -> Link | None:
        if not isinstance(raw, LocatedDict):
            self.problem(where, None, f"{what} must be a mapping with 'text' and 'url'")
            return None
        allowed = {"text", "url", "lead"} if lead else {"text", "url"}
        for key in raw:
            if key not in allowed:
                self.problem(raw.loc(key), None,
                             f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})")
        text, url = self.text(raw, "text", True), self.text(raw, "url", True)
        if url and not re.match(r"^(https://|mailto:)\S+$", url):
            self.problem(raw.loc("url"), None, f"{what}: url must start with https:// or mailto:, not {url!r}")
        return Link(text, url, self.text(raw, "lead", lead)) if text and url else None

    def links(self, raw: LocatedDict) -> dict[str, Link]:
        value = raw.get("links")
        if value is None:
            return {}
        if not isinstance(value, LocatedDict):
            self.problem(raw.loc("links"), None, "'links' must be a mapping")
            return {}
        found = {}
        for key, entry in value.items():
            if key not in LINK_KEYS:
                self.problem(value.loc(key), None, f"unknown link '{key}' (allowed: {', '.join(sorted(LINK_KEYS))})")
                continue
            link = self.link(entry, value.loc(key), f"link '{key}'")
            if link:
                found[key] = link
        return found

    def read_more(self, raw: LocatedDict) -> tuple[Link, ...]:
        value = raw.get("read_more")
        if value is None:
            return ()
        if not isinstance(value, LocatedList):
            self.problem(raw.loc("read_more"), None, "'read_more' must be a list of links")
            return ()
        links = [self.link(entry, where, "a read_more entry", lead=True)
                 for entry, where in zip(value, value.item_locations, strict=True)]
        return tuple(link for link in links if link)

    def questions(self, raw: LocatedDict) -> tuple[Question, ...]:
        value = raw.get("reflection_questions")
        if value is None:
            return ()
        if not isinstance(value, LocatedList):
            self.problem(raw.loc("reflection_questions"), None, "'reflection_questions' must be a list")
            return ()
        found = []
        for entry, where in zip(value, value.item_locations, strict=True):
            if not isinstance(entry, LocatedDict):
                self.problem(where, None, "a reflection question must be a mapping with 'stem' (and 'items')")
                continue
            for key in entry:
                if key not in ("stem", "items"):
                    self.problem(entry.loc(key), None, f"unknown key '{key}' in a reflection question")
            stem = self.text(entry, "stem", True)
            if stem:
                found.append(Question(stem, self.texts(entry, "items")))
        return tuple(found)

    def headlines(self, raw: LocatedDict) -> tuple[dict[str, str], dict[str, Location]]:
        value = raw.get("headlines")
        if value is None:
            return {}, {}
        if not isinstance(value, LocatedDict):
            self.problem(raw.loc("headlines"), None, "'headlines' must map item ids to headline texts")
            return {}, {}
        texts, lines = {}, {}
        for item_id, text in value.items():
            if not isinstance(text, str) or not text.strip():
                self.problem(value.loc(item_id), item_id, "a headline must be a text")
                continue
            if text.rstrip().endswith((".", "…", "...")):
                self.problem(value.loc(item_id), item_id, "a headline is a title: no full stop or «…» at the end")
            texts[item_id], lines[item_id] = " ".join(text.split()), value.loc(item_id)
        return texts, lines


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_report(path: str | Path, questionnaires: Iterable[Questionnaire] = ()) -> ReportDefinition:
    """Read and validate one report definition (against ``questionnaires``, if given)."""
    path = Path(path)
    display = _display(path)
    raw, problems = read_yaml(path, display)
    if raw is not None and not isinstance(raw, LocatedDict):
        problems.append(Problem(display, 1, None, "a report definition must be a mapping at the top"))
    if problems:
        raise ReportDefinitionError(problems)
    reader = _Reader()
    definition = _definition(raw, reader, display)
    for q in questionnaires:
        check_headlines(definition, q, reader)
    if reader.problems:
        raise ReportDefinitionError(sorted(reader.problems, key=lambda p: (p.file, p.line)))
    return definition


def _definition(raw: LocatedDict, reader: _Reader, display: str) -> ReportDefinition:
    for key in raw:
        if key not in TOP_KEYS:
            reader.problem(raw.loc(key), None, f"unknown key '{key}' (allowed: {', '.join(sorted(TOP_KEYS))})")
    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        reader.problem(raw.loc("year"), None, "'year' must be a year such as 2025")
        year = 0
    headlines, lines = reader.headlines(raw)
    return ReportDefinition(
        family=reader.text(raw, "family", True), year=year, agency=reader.text(raw, "agency", True),
        keywords=reader.texts(raw, "keywords"), contact=reader.text(raw, "contact"),
        background=reader.text(raw, "background"), purpose=reader.texts(raw, "purpose"),
        links=MappingProxyType(reader.links(raw)), read_more=reader.read_more(raw),
        reflection_questions=reader.questions(raw), headlines=MappingProxyType(headlines),
        headline_lines=MappingProxyType(lines), source_path=display)


def check_headlines(definition: ReportDefinition, q: Questionnaire, reader: _Reader | None = None) -> list[Problem]:
    """Problems of the headline overrides against one questionnaire of the family."""
    reader = reader or _Reader()
    known = {item.id: item for item in q.items()}
    for item_id, text in definition.headlines.items():
        where = definition.headline_lines.get(item_id, (definition.source_path, 1))
        if item_id not in known:
            reader.problem(where, item_id, f"no item '{item_id}' in questionnaire {q.id}")
            continue
        reader.placeholders(text, where, item_id, TERM_NAMES | HEADLINE_NUMBERS | headline_codes(q, item_id))
    return reader.problems


def headline_codes(q: Questionnaire, item_id: str) -> set[str]:
    """The codes a headline of ``item_id`` may count: those of its answer field(s)."""
    return {code for f in q.fields_of_item(item_id) if f.role in (Role.MAIN, Role.FOLLOWUP)
            for code in f.code_set}


def report_files(folder: Path = REPORT_DIR) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


@cache
def _load_cached(path: Path) -> ReportDefinition:
    return load_report(path)


def report_for(q: Questionnaire, folder: Path = REPORT_DIR) -> ReportDefinition:
    """The definition of ``q``'s family for its year, else the newest earlier one; a bare
    definition (no texts, no links) when the family has none."""
    best: ReportDefinition | None = None
    for path in report_files(folder):
        found = _load_cached(path)
        if found.family == q.family and found.year <= q.year and (best is None or found.year > best.year):
            best = found
    return best or ReportDefinition(q.family, q.year)


def fill(text: str, q: Questionnaire, numbers: Mapping[str, int | str] | None = None) -> str:
    """Placeholders replaced: the questionnaire's terms, and counts for a headline."""
    base = "region" if q.respondent_kind == "region" else "kommun"
    terms = {"organisation": base, "organisationer": base + "er", "organisationerna": base + "erna",
             "organisationen": base + "en", "organisationens": base + "ens",
             "organisationernas": base + "ernas", **q.terms}
    values: dict[str, str] = {**terms, **{key: str(value) for key, value in (numbers or {}).items()}}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
