"""The normalised, JSON-ready form of a questionnaire.

This is what `survey questionnaire show ID --json` prints, what is stored with every round
(so a round keeps the definition it was answered against), and what the content hash is
computed over: a wording change gives a new hash, a reformatted YAML file does not. The
hashed form is the normalised one without source positions (``positions=False``): the line
numbers help error messages and ``questionnaire show``, but a comment added at the top of a
file moves every line and must not make a new questionnaire version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from survey.questionnaire import conditions as cond
from survey.questionnaire.fields import cell_codes
from survey.questionnaire.model import Choice, Field, Item, Questionnaire, Role


def _choices(choices: tuple[Choice, ...]) -> list[dict[str, Any]]:
    result = []
    for choice in choices:
        entry: dict[str, Any] = {"code": choice.code, "label": choice.label}
        if choice.specify:
            entry["specify"] = {"id": choice.specify.id, "label": choice.specify.label,
                                "max_length": choice.specify.max_length, **_mark(choice.specify.inferred)}
        if choice.value is not None:
            entry["value"] = choice.value
        entry.update(_mark(choice.inferred))
        result.append(entry)
    return result


def _mark(inferred: bool | frozenset[str]) -> dict[str, Any]:
    """``inferred`` only where a text is marked, so unmarked definitions keep their hash."""
    if not inferred:
        return {}
    return {"inferred": True if inferred is True else sorted(inferred)}


def _condition(q: Questionnaire, item: Item) -> list[dict[str, Any]] | None:
    """Per answer id of the item: its compiled condition (rows may differ)."""
    conditions = [
        {"answer_id": f.id, "when": cond.to_json(f.condition), "text": cond.to_text(f.condition)}
        for f in q.fields_of_item(item.id)
        if f.condition is not None and f.role in (Role.MAIN, Role.FOLLOWUP)
    ]
    return conditions or None


def item_dict(q: Questionnaire, item: Item, positions: bool = True) -> dict[str, Any]:
    fields = q.fields_of_item(item.id)
    rows = ([{"code": r.code, "label": r.label, **_choices((r,))[0]} for r in item.rows]
            if item.rows else
            [{"code": f.row, "label": f.label} for f in fields
             if f.row is not None and f.role in (Role.MAIN, Role.FOLLOWUP)])
    entry = {
        "id": item.id,
        "role": item.role.value,
        "type": item.type.value,
        "number": item.number,
        "text": item.text,
        "help": item.help,
        "required": item.required,
        "when": item.condition_source,
        "condition": _condition(q, item),
        "options": _choices(cell_codes(item)),
        "scale": ("options" if item.options else "yesno") if item.type.value == "matrix" else None,
        "rows": rows,
        "per_row": list(item.per_row),
        "comment": ({"id": item.comment.id, "label": item.comment.label,
                     "max_length": item.comment.max_length, **_mark(item.comment.inferred)}
                    if item.comment else None),
        "answer_ids": [f.id for f in fields],
        "max_length": item.max_length,
        "number_format": ({"min": item.minimum, "max": item.maximum, "decimals": item.decimals,
                           "unit": item.unit} if item.type.value == "number" else None),
        "children": [field_dict(f) for f in fields if f.role in (Role.COMMENT, Role.SPECIFY)]
        + [item_dict(q, child, positions) for child in item.followups],
        **_mark(item.inferred),
    }
    if positions:
        entry["line"] = item.line
    return entry


def field_dict(f: Field) -> dict[str, Any]:
    """A comment or specify field shown as a child item of its question."""
    return {
        "id": f.id, "role": f.role.value, "type": f.type.value, "text": f.label,
        "required": f.required, "max_length": f.max_length, "options": [], "rows": [],
        "condition": ([{"answer_id": f.id, "when": cond.to_json(f.condition),
                        "text": cond.to_text(f.condition)}] if f.condition else None),
        "answer_ids": [f.id], "children": [],
    }


def normalised(q: Questionnaire, positions: bool = True) -> dict[str, Any]:
    """The definition as data; ``positions=False`` leaves out where things stand in the file
    (the source path and line numbers): the form the content hash is computed over."""
    body = {
        "id": q.id,
        "title": q.title,
        "family": q.family,
        "year": q.year,
        "respondent_kind": q.respondent_kind,
        "intro": q.intro,
        "terms": dict(q.terms),
        "counts": {"main_questions": q.main_question_count, "followups": q.followup_count,
                   "answer_ids": len(q.fields)},
        "sections": [
            {"id": s.id, "title": s.title, "intro": s.intro, **({"line": s.line} if positions else {}),
             "items": [item_dict(q, item, positions) for item in s.items]}
            for s in q.sections
        ],
        "answer_ids": [routing_entry(f) for f in q.fields],
        **_mark(q.inferred),
    }
    if positions:
        body["source_path"] = q.source_path
    return body


def routing_entry(f: Field) -> dict[str, Any]:
    """What the browser (and any other consumer) needs to route one answer id."""
    return {
        "id": f.id, "item": f.item_id, "row": f.row, "role": f.role.value,
        "type": f.type.value, "section": f.section_id, "required": f.required,
        "label": f.label, "max_length": f.max_length,
        "codes": [c.code for c in f.codes], "labels": [c.label for c in f.codes],
        "gate": f.gate, "when": cond.to_json(f.condition) if f.condition else None,
    }


def routing_json(q: Questionnaire) -> list[dict[str, Any]]:
    """The compiled routing for static/routing.js: same order, same semantics as the server."""
    return [routing_entry(f) for f in q.fields]


def content_hash(q: Questionnaire) -> str:
    """SHA-256 of the definition's content: wordings, codes, conditions, structure; not its
    file's layout, comments or positions."""
    return canonical_hash(normalised(q, positions=False))


def canonical_hash(body: dict[str, Any]) -> str:
    """SHA-256 of ``body`` as canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
