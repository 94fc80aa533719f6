"""Rebuild a ``Questionnaire`` from its normalised JSON (as stored with every round).

A round answers the definition it was opened with, even after the YAML file changes; the
content hash is recomputed and must match, so a damaged stored definition is refused.
Versions stored before the hash left out source positions carry the hash of the stored form
itself (line numbers included, source path not): that is checked too, and such a version
keeps its hash, which its responses and files record.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from survey.questionnaire import conditions as cond
from survey.questionnaire.model import (
    Choice,
    Comment,
    Field,
    Item,
    ItemType,
    Questionnaire,
    Role,
    Section,
    Specify,
)
from survey.questionnaire.serialize import canonical_hash, content_hash


def _choice(data: dict[str, Any]) -> Choice:
    spec = data.get("specify")
    specify = Specify(spec["id"], spec["label"], spec["max_length"], spec.get("inferred", False)) if spec else None
    return Choice(str(data["code"]), data["label"], specify, data.get("value"), data.get("inferred", False))


def _item(data: dict[str, Any], parent_id: str | None) -> Item:
    item_type = ItemType(data["type"])
    own_options = item_type in (ItemType.SINGLE, ItemType.MULTIPLE) or data.get("scale") == "options"
    comment = data.get("comment")
    number = data.get("number_format") or {}
    return Item(
        id=data["id"], type=item_type, text=data["text"], line=data["line"],
        role=Role(data["role"]), number=data.get("number"), help=data.get("help"),
        required=data["required"], condition_source=data.get("when"),
        options=tuple(_choice(o) for o in data["options"]) if own_options else (),
        rows=tuple(_choice(r) for r in data["rows"]) if not data["per_row"] else (),
        per_row=tuple(data["per_row"]),
        comment=(Comment(comment["id"], comment["label"], comment["max_length"], comment.get("inferred", False))
                 if comment else None),
        max_length=data.get("max_length"), minimum=number.get("min"), maximum=number.get("max"),
        decimals=number.get("decimals"), unit=number.get("unit"),
        followups=tuple(_item(child, data["id"]) for child in data["children"]
                        if child["role"] in ("main", "followup")),
        parent_id=parent_id, inferred=frozenset(data.get("inferred", ())),
    )


def _field(data: dict[str, Any]) -> Field:
    return Field(
        id=data["id"], item_id=data["item"], section_id=data["section"], role=Role(data["role"]),
        type=ItemType(data["type"]), label=data["label"], required=data["required"],
        row=data.get("row"),
        codes=tuple(Choice(c, label) for c, label in zip(data["codes"], data["labels"], strict=True)),
        condition=cond.from_json(data["when"]) if data.get("when") else None,
        gate=data.get("gate"), max_length=data.get("max_length"),
    )


def from_normalised(data: dict[str, Any], expected_hash: str | None = None) -> Questionnaire:
    sections = tuple(
        Section(id=s["id"], title=s["title"], intro=s.get("intro"), line=s.get("line", 0),
                items=tuple(_item(item, None) for item in s["items"]))
        for s in data["sections"]
    )
    q = Questionnaire(
        id=data["id"], title=data["title"], family=data["family"], year=data["year"],
        respondent_kind=data["respondent_kind"], sections=sections,
        fields=tuple(_field(f) for f in data["answer_ids"]), terms=dict(data["terms"]),
        intro=data.get("intro"), source_path=data.get("source_path", ""),
        inferred=frozenset(data.get("inferred", ())),
    )
    digest = content_hash(q)
    if expected_hash is not None and expected_hash not in (digest, _hash_with_positions(data)):
        raise ValueError(f"stored definition of {q.id} does not match its hash {expected_hash[:12]}…")
    return replace(q, content_hash=expected_hash or digest)


def _hash_with_positions(data: dict[str, Any]) -> str:
    """The content hash as it was computed until positions were left out of it."""
    return canonical_hash({key: value for key, value in data.items() if key != "source_path"})
