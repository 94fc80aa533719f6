"""What the answer file's sheets share: its input, cell formats and text helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter

from survey.aggregation.aggregate import OrgInfo, ResponseData, RoundInfo, RoundResults
from survey.questionnaire.model import Field, Questionnaire, Role

ORG_HEADERS = ("Organisationskod", "Organisation", "Typ", "Län", "Status", "Inskickad (svensk tid)")
KIND_LABELS = {"region": "Region", "kommun": "Kommun"}
STATUS_LABELS = {"submitted": "Inskickad", "draft": "Utkast", "reopened": "Öppnad igen"}
NOT_SUBMITTED = "Ej inskickad"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False,
                    "strings_to_urls": False, "strings_to_numbers": False}


@dataclass(frozen=True)
class AnswerFile:
    """Everything the file shows; ``rows`` is iterated once, in order."""

    info: RoundInfo
    questionnaire: Questionnaire
    results: RoundResults
    rows: Iterable[tuple[OrgInfo, ResponseData | None]]
    made_at: datetime
    include_drafts: bool = False


class Formats:
    """The workbook's cell formats, made once (Swedish number formats via the locale)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        add = workbook.add_format
        header = {"bold": True, "bg_color": "#DCE6F1", "border": 1, "valign": "top"}
        self.header = add(header)
        self.header_text = add({**header, "bold": False, "text_wrap": True, "font_size": 9})
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True})
        self.text = add({"valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.not_asked = add({"font_color": "#595959", "bg_color": "#D9D9D9", "align": "center",
                              "valign": "top"})
        self.unanswered = add({"bg_color": "#FFF2CC", "valign": "top"})
        self.moment = add({"num_format": "yyyy-mm-dd hh:mm", "align": "left", "valign": "top"})
        self.day = add({"num_format": "yyyy-mm-dd", "align": "left"})
        self.integer = add({"num_format": "#,##0", "valign": "top"})
        self.decimal = add({"num_format": "#,##0.0##", "valign": "top"})
        self.percent = add({"num_format": "0.0 %", "valign": "top"})


def safe_text(value: str) -> str:
    """Text as Excel can hold it (no XML-illegal control characters, at most 32,767 chars)."""
    return _ILLEGAL_XML.sub("", value)[:32767]


def header_text(q: Questionnaire, f: Field) -> str:
    """The question a column answers, as a person reads it: number, text, row label."""
    item = q.item(f.item_id)
    number = f"{item.number}. " if item.number else ""
    if f.role is Role.COMMENT:
        return f"{number}{f.label} (till fråga {item.number or item.id})"
    if f.role is Role.SPECIFY:
        return f"{number}{f.label}"
    if f.row is not None:
        return f"{number}{item.text} – {f.label}"
    return f"{number}{item.text}"


