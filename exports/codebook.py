"""The machine-readable code book of a round's questionnaire, as JSON or CSV.

Per answer id: question number, section, role, type, whether an answer is required, the
wording and the row's label, which texts are reconstructions (``inferred``), the codes with
their labels and numeric codes (as in the SPSS and Stata files), the condition under which it
is asked in the rule language of docs/questionnaire-format.md, and the variable names in the
statistics files. The CSV has one row per answer id and code (an answer id without codes has
one row with the code columns empty).
"""

from __future__ import annotations

import json
from typing import Any

from exports.analysis import MISSING_CODES, STATA_MISSING, variables
from exports.csv_files import csv_bytes
from survey.aggregation.aggregate import STATE_LABELS
from survey.questionnaire.codes import asked_when, choices_of, numeric_codes, wording
from survey.questionnaire.model import Field, Questionnaire

CSV_COLUMNS = ("answer_id", "section", "number", "role", "type", "required", "question", "row_label",
               "inferred", "asked_when", "variables", "code", "numeric_code", "code_label", "code_inferred")


def entry(q: Questionnaire, f: Field, names: dict[str, list[str]]) -> dict[str, Any]:
    item, words = q.item(f.item_id), wording(q, f)
    numbers = numeric_codes(q, f)
    return {
        "answer_id": f.id, "section": f.section_id, "number": item.number or "", "role": f.role.value,
        "type": f.type.value, "required": f.required, "question": words.text, "row_label": words.row,
        "inferred": list(words.inferred), "asked_when": asked_when(q, f), "variables": names.get(f.id, []),
        "codes": [{"code": c.code, "numeric_code": numbers[c.code], "label": c.label, "inferred": c.inferred}
                  for c in choices_of(q, f)],
    }


def codebook(q: Questionnaire) -> dict[str, Any]:
    names: dict[str, list[str]] = {}
    for v in variables(q):
        names.setdefault(v.field.id, []).append(v.name)
    return {
        "questionnaire": q.id, "title": q.title, "content_hash": q.content_hash,
        "missing_codes": [{"state": state.value, "label": STATE_LABELS[state], "spss": code,
                           "stata": f".{STATA_MISSING[state]}"} for state, code in MISSING_CODES.items()],
        "sections": [{"id": s.id, "title": s.title} for s in q.sections],
        "answer_ids": [entry(q, f, names) for f in q.fields],
    }


def build_codebook_json(q: Questionnaire) -> bytes:
    return (json.dumps(codebook(q), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_codebook_csv(q: Questionnaire) -> bytes:
    rows: list[list[str]] = [list(CSV_COLUMNS)]
    for e in codebook(q)["answer_ids"]:
        head = [e["answer_id"], e["section"], e["number"], e["role"], e["type"], "ja" if e["required"] else "nej",
                e["question"], e["row_label"], ";".join(e["inferred"]), e["asked_when"], ";".join(e["variables"])]
        for c in e["codes"] or [None]:
            rows.append(head + (["", "", "", ""] if c is None else
                                [c["code"], str(c["numeric_code"]), c["label"], "ja" if c["inferred"] else ""]))
    return csv_bytes(rows)
