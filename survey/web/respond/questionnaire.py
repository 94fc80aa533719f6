"""The whole questionnaire on one page, before answering: every question, its options and
its follow-ups with their conditions in words, laid out to print (directors collect answers
from colleagues first). Open to anyone with the link, in every state of the round."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from survey.questionnaire.describe import describe_item
from survey.questionnaire.model import Item, ItemType, Questionnaire, Role
from survey.web.respond import bp
from survey.web.respond.visit import load_visit

KIND_WORDS = {
    ItemType.YESNO: "Välj ja eller nej.", ItemType.SINGLE: "Välj ett svar.",
    ItemType.MULTIPLE: "Välj ett eller flera svar.", ItemType.MATRIX: "Välj ett svar för varje rad.",
    ItemType.YESNO_LIST: "Svara ja eller nej för varje rad.", ItemType.TEXT: "Svara med egen text.",
    ItemType.NUMBER: "Svara med ett tal.", ItemType.DATE: "Svara med ett datum (ÅÅÅÅ-MM-DD).",
}


@dataclass(frozen=True)
class Question:
    item: Item
    kind: str
    condition: str | None
    options: tuple[str, ...]  # the choices, or the scale of a matrix
    rows: tuple[str, ...]


def questions(q: Questionnaire, items: tuple[Item, ...]) -> list[Question]:
    found = []
    for item in items:
        if item.role not in (Role.MAIN, Role.FOLLOWUP):
            continue
        cells = q.fields_of_item(item.id)
        scale = next((f.codes for f in cells if f.row), ()) if item.has_rows else ()
        options = tuple(c.label + (" (ange vad)" if c.specify else "") for c in (item.options or scale))
        if item.type is ItemType.YESNO and not options:
            options = ("Ja", "Nej")
        rows = item.rows or tuple(c for c in _parent_rows(q, item) if c.code in item.per_row)
        found.append(Question(item, KIND_WORDS[item.type], describe_item(q, item), options,
                              tuple(row.label for row in rows)))
    return found


def _parent_rows(q: Questionnaire, item: Item) -> tuple:  # type: ignore[type-arg]
    parent = q.item(item.parent_id) if item.parent_id else None
    while parent is not None and not parent.rows:
        parent = q.item(parent.parent_id) if parent.parent_id else None
    return parent.rows if parent is not None else ()


@bp.get("/<token>/hela-enkaten")
def whole_questionnaire(token: str) -> str:
    visit = load_visit(token)
    sections = [(section, questions(visit.q, section.walk())) for section in visit.q.sections]
    return render_template("respond/questionnaire.html", visit=visit, inv=visit.inv, sections=sections)
