"""A section's form, compiled once per questionnaire version and rendered per request.

Compiling walks the section's items through the widget registries and keeps the result as
static strings and slots (``survey.forms.widgets``). Rendering fills the slots from a
``FormState``; no template engine and no form library run per field, which is what keeps
the largest section page within a small factor of serving bytes from memory.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from survey.questionnaire import conditions as cond
from survey.questionnaire.model import Field, Questionnaire, Section
from survey.questionnaire.routing import Answers, applicable_ids
from survey.questionnaire.serialize import routing_entry
from survey.web.forms.widgets import Context, Emitter, FormState, Part, anchor, layout_item


@dataclass(frozen=True)
class CompiledSection:
    section: Section
    fields: tuple[Field, ...]
    parts: tuple[Part, ...]
    routing_json: str  # for data-routing: this section's fields, in order (Jinja escapes it)
    external_refs: tuple[str, ...]  # answer ids of other sections the conditions read
    end: int  # index after this section's last field in q.fields

    def render(self, state: FormState) -> Markup:
        return Markup("".join([p if isinstance(p, str) else p(state) for p in self.parts]))

    def applicable(self, q: Questionnaire, values: Answers) -> set[str]:
        """``applicable_ids`` up to this section's last field: later fields cannot matter,
        because conditions only look backwards (same evaluator, fewer fields)."""
        return applicable_ids(q, values, self.end)

    def external_attr(self, q: Questionnaire, values: Answers,
                      applicable: set[str] | None = None) -> str:
        """The effective values of the other sections' answers this page's routing reads."""
        if not self.external_refs:
            return "{}"
        if applicable is None:
            applicable = applicable_ids(q, values)
        known = {ref: values[ref] for ref in self.external_refs
                 if ref in applicable and not cond.is_blank(values.get(ref))}
        return json.dumps(known, ensure_ascii=False, separators=(",", ":"))


_COMPILED: dict[tuple[str, str], CompiledSection] = {}


def compiled_section(q: Questionnaire, section_id: str) -> CompiledSection:
    key = (q.content_hash or str(id(q)), section_id)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = compile_section(q, next(s for s in q.sections if s.id == section_id))
    return found


def compile_section(q: Questionnaire, section: Section) -> CompiledSection:
    fields = tuple(f for f in q.fields if f.section_id == section.id)
    ctx = Context(q, {f.id: f for f in fields})
    out = Emitter()
    for item in section.items:
        layout_item(out, ctx, item)
    entries = [{key: routing_entry(f)[key] for key in ("id", "type", "gate", "when")} for f in fields]
    own = {f.id for f in fields}
    external = sorted({ref for f in fields if f.condition is not None
                       for ref in cond.references(f.condition) if ref not in own})
    routing = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    end = max(index for index, f in enumerate(q.fields) if f.section_id == section.id) + 1
    return CompiledSection(section, fields, tuple(out.parts), routing, tuple(external), end)


def error_links(section: CompiledSection, errors: Mapping[str, str]) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary: problems with the post first, then page order."""
    own = {f.id for f in section.fields}
    general = [("main", message) for key, message in errors.items() if key not in own]
    return general + [(anchor(f), errors[f.id]) for f in section.fields if f.id in errors]
