"""The HTML of each question type, emitted once per questionnaire as static text and slots.

A section page is compiled into a list of parts: plain strings (everything that follows
from the definition: texts, labels, ids, structure) and *slots*, small functions of the
request's ``FormState`` (a value, ``checked``, a version, an error, ``hidden``). Rendering a
request is then one ``"".join`` (see ``survey.forms.page``).

Two registries, checked against ``ItemType`` by a test: ``ITEM_LAYOUTS`` (how an item is laid
out: one field, or one fieldset per row) and ``CELL_WIDGETS`` (the input of one answer id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from markupsafe import escape

from survey.questionnaire.model import Field, Item, ItemType, Questionnaire, Role

Slot = Callable[["FormState"], str]
Part = str | Slot


@dataclass(frozen=True)
class ConflictView:
    """A change someone else saved since the page was loaded, as the page shows it."""

    theirs: str
    yours: str
    changed_by: str
    changed_at: str


@dataclass
class FormState:
    """Everything about one request that the compiled page needs."""

    values: Mapping[str, object]
    versions: Mapping[str, int]
    applicable: set[str]
    errors: Mapping[str, str] = field(default_factory=dict)
    conflicts: Mapping[str, ConflictView] = field(default_factory=dict)


class Emitter:
    """Collects parts, merging adjacent strings."""

    def __init__(self) -> None:
        self.parts: list[Part] = []

    def text(self, html: str) -> None:
        if self.parts and isinstance(self.parts[-1], str):
            self.parts[-1] += html
        else:
            self.parts.append(html)

    def slot(self, fn: Slot) -> None:
        self.parts.append(fn)


# -- slots ------------------------------------------------------------------------------
def _value_text(state: FormState, fid: str) -> str:
    value = state.values.get(fid)
    return value if isinstance(value, str) else ""


def value_slot(fid: str) -> Slot:
    return lambda state: str(escape(_value_text(state, fid)))


def count_slot(fid: str) -> Slot:
    return lambda state: str(len(_value_text(state, fid)))


def checked_slot(fid: str, code: str) -> Slot:
    def checked(state: FormState) -> str:
        value = state.values.get(fid)
        hit = code in value if isinstance(value, list) else value == code
        return " checked" if hit else ""
    return checked


def version_slot(fid: str) -> Slot:
    return lambda state: str(state.versions.get(fid, 0))


def hidden_slot(fid: str) -> Slot:
    return lambda state: "" if fid in state.applicable else " hidden"


def error_class_slot(fid: str) -> Slot:
    return lambda state: " has-error" if fid in state.errors else ""


def described_slot(fid: str, base: tuple[str, ...]) -> Slot:
    """``aria-describedby`` (hint, counter, and the error when there is one)."""
    static = " ".join(base)

    def described(state: FormState) -> str:
        ids = f"err-{fid} {static}".strip() if fid in state.errors or fid in state.conflicts else static
        invalid = ' aria-invalid="true"' if fid in state.errors else ""
        return f' aria-describedby="{ids}"{invalid}' if ids else invalid
    return described


def error_slot(fid: str) -> Slot:
    def error(state: FormState) -> str:
        message = state.errors.get(fid)
        if message is None:
            return _conflict_html(fid, state.conflicts[fid]) if fid in state.conflicts else ""
        return (f'<p class="error-message" id="err-{fid}"><span class="visually-hidden">Fel:</span> '
                f"{escape(message)}</p>")
    return error


def _conflict_html(fid: str, conflict: ConflictView) -> str:
    return (
        f'<div class="conflict" id="err-{fid}"><p class="conflict-title">Någon annan har ändrat '
        f"svaret sedan du öppnade sidan ({escape(conflict.changed_by)}, {escape(conflict.changed_at)}).</p>"
        f'<fieldset class="conflict-choice"><legend>Vilket svar ska gälla?</legend>'
        f'<div class="choice"><input type="radio" id="c__{fid}-mine" name="c__{fid}" value="mine" checked>'
        f'<label for="c__{fid}-mine">Mitt svar: «{escape(conflict.yours)}»</label></div>'
        f'<div class="choice"><input type="radio" id="c__{fid}-theirs" name="c__{fid}" value="theirs">'
        f'<label for="c__{fid}-theirs">Det sparade svaret: «{escape(conflict.theirs)}»</label></div>'
        f"</fieldset></div>"
    )


# -- cell widgets -----------------------------------------------------------------------
def anchor(f: Field) -> str:
    """The id the error summary links to: the first input of the field."""
    return f"{f.id}-{f.codes[0].code}" if f.type in CHOICE_CELLS else f.id


def _version(out: Emitter, f: Field) -> None:
    out.text(f'<input type="hidden" name="v__{f.id}" value="')
    out.slot(version_slot(f.id))
    out.text('">')


def _choices(out: Emitter, f: Field, kind: str, inline: bool) -> None:
    out.text(f'<div class="choices{" choices-inline" if inline else ""}">')
    for choice in f.codes:
        input_id = f"{f.id}-{choice.code}"
        out.text(f'<div class="choice"><input type="{kind}" id="{input_id}" name="{f.id}" '
                 f'value="{escape(choice.code)}"')
        out.slot(checked_slot(f.id, choice.code))
        out.text(f'><label for="{input_id}">{escape(choice.label)}</label></div>')
    out.text("</div>")
    _version(out, f)


def radios(out: Emitter, f: Field, *, inline: bool = False, described: tuple[str, ...] = (),
           unit: str | None = None) -> None:
    _choices(out, f, "radio", inline)


def checkboxes(out: Emitter, f: Field, *, inline: bool = False, described: tuple[str, ...] = (),
               unit: str | None = None) -> None:
    _choices(out, f, "checkbox", inline)


def _counter(out: Emitter, f: Field, limit: int) -> None:
    out.text(f'<p class="char-count hint" id="count-{f.id}">Högst {limit} tecken. '
             '<span data-count-visible>Du har skrivit ')
    out.slot(count_slot(f.id))
    out.text(' tecken.</span><span class="visually-hidden" aria-live="polite" data-count-live>'
             "</span></p>")


def textarea(out: Emitter, f: Field, *, inline: bool = False, described: tuple[str, ...] = (),
             unit: str | None = None) -> None:
    limit = f.max_length or 4000
    rows = 3 if limit <= 2000 else 6
    out.text(f'<textarea id="{f.id}" name="{f.id}" rows="{rows}" data-max="{limit}"')
    out.slot(described_slot(f.id, (*described, f"count-{f.id}")))
    out.text(">")
    out.slot(value_slot(f.id))
    out.text("</textarea>")
    _counter(out, f, limit)
    _version(out, f)


def _text_input(out: Emitter, f: Field, described: tuple[str, ...], extra: str, suffix: str = "") -> None:
    out.text(f'<input type="text" id="{f.id}" name="{f.id}" value="')
    out.slot(value_slot(f.id))
    out.text(f'"{extra}')
    out.slot(described_slot(f.id, described))
    out.text(f">{suffix}")
    _version(out, f)


def number_input(out: Emitter, f: Field, *, inline: bool = False, described: tuple[str, ...] = (),
                 unit: str | None = None) -> None:
    out.text(f'<p class="hint" id="format-{f.id}">Skriv ett tal, till exempel 12 eller 1 234,5.</p>')
    _text_input(out, f, (*described, f"format-{f.id}"),
                ' inputmode="decimal" class="input-number" autocomplete="off"',
                f' <span class="unit">{escape(unit)}</span>' if unit else "")


def date_input(out: Emitter, f: Field, *, inline: bool = False, described: tuple[str, ...] = (),
               unit: str | None = None) -> None:
    out.text(f'<p class="hint" id="format-{f.id}">Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-10-19.</p>')
    _text_input(out, f, (*described, f"format-{f.id}"), ' inputmode="numeric" class="input-date" autocomplete="off"')


CHOICE_CELLS = (ItemType.YESNO, ItemType.SINGLE, ItemType.MULTIPLE)
CELL_WIDGETS: dict[ItemType, Callable[..., None]] = {
    ItemType.YESNO: radios,
    ItemType.SINGLE: radios,
    ItemType.MULTIPLE: checkboxes,
    ItemType.TEXT: textarea,
    ItemType.NUMBER: number_input,
    ItemType.DATE: date_input,
}


# -- item layouts -----------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    q: Questionnaire
    by_id: Mapping[str, Field]


def _optional(required: bool) -> str:
    return "" if required else ' <span class="optional">(frivilligt)</span>'


def _heading(item: Item, required: bool) -> str:
    number = f'<span class="q-number">{escape(item.number)}</span> ' if item.number else ""
    return f"{number}{escape(item.text)}{_optional(required)}"


def _help(out: Emitter, item: Item, key: str) -> tuple[str, ...]:
    if not item.help:
        return ()
    out.text(f'<p class="hint" id="help-{key}">{escape(item.help)}</p>')
    return (f"help-{key}",)


def _open_container(out: Emitter, f: Field, css: str) -> None:
    """A block shown only while ``f`` applies (its condition and its gate)."""
    conditional = f.condition is not None or f.gate is not None
    out.text(f'<div class="{css}" id="block-{f.id}"')
    if conditional:
        out.text(f' data-show-if="{f.id}"')
        out.slot(hidden_slot(f.id))
    out.text(">")


def single_layout(out: Emitter, ctx: Context, item: Item, row: str | None = None) -> None:
    """A question with one answer id (or one row's cell of a per-row follow-up)."""
    f = ctx.by_id[f"{item.id}_{row}" if row else item.id]
    css = "question followup" if item.role is Role.FOLLOWUP else "question"
    _open_container(out, f, css)
    context = f' <span class="row-context">Gäller: {escape(f.label)}</span>' if row else ""
    if f.type in CHOICE_CELLS:
        out.text('<fieldset class="q-group"')
        help_ids = (f"help-{f.id}",) if item.help else ()
        out.slot(described_slot(f.id, help_ids))
        out.text(f'><legend class="q-legend">{_heading(item, f.required)}{context}</legend>')
        _help(out, item, f.id)
        out.slot(error_slot(f.id))
        CELL_WIDGETS[f.type](out, f)
        out.text("</fieldset>")
    else:
        out.text(f'<div class="q-group"><label class="q-legend" for="{f.id}">'
                 f"{_heading(item, f.required)}{context}</label>")
        described = _help(out, item, f.id)
        out.slot(error_slot(f.id))
        CELL_WIDGETS[f.type](out, f, described=described, unit=item.unit)
        out.text("</div>")
    _extras(out, ctx, item, f)
    for child in item.followups:
        if row is None and not child.per_row:
            layout_item(out, ctx, child)
        elif row is not None and row in child.per_row:
            single_layout(out, ctx, child, row)
    out.text("</div>")


def rows_layout(out: Emitter, ctx: Context, item: Item, row: str | None = None) -> None:
    """A matrix or yes/no list: one fieldset per row, per-row follow-ups right under their row."""
    first = ctx.by_id[f"{item.id}_{item.rows[0].code}"]
    css = "question matrix followup" if item.role is Role.FOLLOWUP else "question matrix"
    _open_container(out, first, css)
    out.text('<fieldset class="q-group"')
    help_ids = (f"help-{item.id}",) if item.help else ()
    if help_ids:
        out.text(f' aria-describedby="{help_ids[0]}"')
    out.text(f'><legend class="q-legend">{_heading(item, item.required)}</legend>')
    _help(out, item, item.id)
    out.text('<div class="matrix-rows">')
    for choice in item.rows:
        f = ctx.by_id[f"{item.id}_{choice.code}"]
        out.text(f'<div class="matrix-row" id="row-{f.id}"><fieldset class="row-group"')
        out.slot(described_slot(f.id, ()))
        out.text(f'><legend class="row-label">{escape(choice.label)}</legend>')
        out.slot(error_slot(f.id))
        CELL_WIDGETS[f.type](out, f, inline=len(f.codes) <= 3)
        out.text("</fieldset>")
        if choice.specify:
            _specify(out, ctx.by_id[choice.specify.id])
        for child in item.followups:
            if choice.code in child.per_row:
                single_layout(out, ctx, child, choice.code)
        out.text("</div>")
    out.text("</div></fieldset>")
    _comment(out, ctx, item)
    for child in item.followups:
        if not child.per_row:
            layout_item(out, ctx, child)
        for loose in _loose_followups(child):
            layout_item(out, ctx, loose)
    out.text("</div>")


def _loose_followups(item: Item) -> list[Item]:
    """Follow-ups without rows below a per-row chain: shown once, after the matrix."""
    if not item.per_row:
        return []
    return [inner for child in item.followups
            for inner in ([child] if not child.per_row else _loose_followups(child))]


def _extras(out: Emitter, ctx: Context, item: Item, f: Field) -> None:
    """Specify fields of the chosen options, then the comment."""
    for option in item.options:
        if option.specify and item.type is not ItemType.MATRIX:
            _specify(out, ctx.by_id[option.specify.id])
    _comment(out, ctx, item)


def _specify(out: Emitter, f: Field) -> None:
    _open_container(out, f, "specify")
    out.text(f'<label class="field-label" for="{f.id}">{escape(f.label)}{_optional(False)}</label>')
    out.slot(error_slot(f.id))
    textarea(out, f)
    out.text("</div>")


def _comment(out: Emitter, ctx: Context, item: Item) -> None:
    if item.comment is None:
        return
    f = ctx.by_id[item.comment.id]
    out.text(f'<div class="comment"><label class="field-label" for="{f.id}">{escape(f.label)}'
             f"{_optional(False)}</label>")
    out.slot(error_slot(f.id))
    textarea(out, f)
    out.text("</div>")


ITEM_LAYOUTS: dict[ItemType, Callable[..., None]] = {
    ItemType.YESNO: single_layout,
    ItemType.SINGLE: single_layout,
    ItemType.MULTIPLE: single_layout,
    ItemType.TEXT: single_layout,
    ItemType.NUMBER: single_layout,
    ItemType.DATE: single_layout,
    ItemType.MATRIX: rows_layout,
    ItemType.YESNO_LIST: rows_layout,
}


def layout_item(out: Emitter, ctx: Context, item: Item) -> None:
    """Lay out an item and its follow-ups (a per-row follow-up goes inside its parent's rows)."""
    ITEM_LAYOUTS[item.type](out, ctx, item)
