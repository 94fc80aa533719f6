"""Which slides a question gets, planned from the questionnaire's structure and the results.

One planner for both decks: the national deck calls it with the national results; an
organisation's reflection deck calls it with the same results and the organisation's own
answers (``own``), which marks its answer in every chart and adds «Ni svarade …» under it.

Layout rules, after the 2025 deck: a question and its yes/no follow-ups share a slide (up to
three charts side by side); a matrix of up to three rows gets one chart per row, a longer one a
single chart of «ja» per row; per-row follow-up chains (q03 → q03a → q03b) become a table with
«Fråga ställdes inte» where a follow-up was not asked; a choice follow-up with more than two
options and a yes/no list get their own slide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pptx.slide import Slide
from pptx.util import Cm

from exports.pptx_charts import Panel, chunks, full_width_box, place_panels
from exports.pptx_common import BODY_TOP, MARGIN, SLIDE_W, Bars, Deck, Para, table, table_font_size, text_box
from survey.aggregation.aggregate import ItemResult, RoundResults, routing_chains, routing_table
from survey.formatting import format_swedish_number
from survey.questionnaire.model import Field, Item, ItemType, Questionnaire, Role
from survey.questionnaire.values import Value, is_blank
from survey.reports import headlines as hl

NOT_ASKED = "Fråga ställdes inte"


@dataclass(frozen=True)
class ChartSpec:
    title: str
    panels: tuple[Panel, ...]
    intro: str | None = None
    footnote: str | None = None


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    n_text: str
    footnote: str | None = None
    first_col_share: float = 0.5


Spec = ChartSpec | TableSpec


@dataclass(frozen=True)
class Plan:
    """What every question's slides are drawn from."""

    q: Questionnaire
    results: RoundResults
    footnotes: Mapping[str, Sequence[str]] = field(default_factory=dict)  # item id → chosen quotes
    own: Mapping[str, Value] | None = None  # an organisation's effective answers
    notes: Mapping[str, str] = field(default_factory=dict)  # answer id → extra line (last year)

    @property
    def kind(self) -> hl.Kind:
        return hl.Kind.of(self.q)


def _own_note(plan: Plan, f: Field, result: ItemResult) -> str | None:
    if plan.own is None:
        return plan.notes.get(f.id)
    value = plan.own.get(f.id)
    kind = plan.kind
    if value is None or is_blank(value):  # «is None» tells the type checker
        line = "Ni besvarade inte frågan."
    else:
        codes = value if isinstance(value, list) else [value]
        labels = " och ".join(f.label_of(code) for code in codes)
        same = sum(result.counts.get(code, 0) for code in codes)
        line = f"Ni svarade {labels}. {same} av {result.answered} {kind.many} svarade {labels}."
    extra = plan.notes.get(f.id)
    return f"{line} {extra}" if extra else line


def field_panel(plan: Plan, f: Field, question: str) -> Panel:
    result = plan.results[f.id]
    own = plan.own.get(f.id) if plan.own is not None else None
    chosen = own if isinstance(own, list) else [own] if own else []
    codes = [c.code for c in f.codes]
    bars = Bars(tuple(c.label for c in f.codes), (("Antal", tuple(result.counts.get(c, 0) for c in codes)),),
                maximum=max(1, result.answered),
                highlight=tuple(codes.index(c) for c in chosen if c in codes))
    return Panel(f.id, question, bars, plan.kind.n(result.answered), _own_note(plan, f, result))


def _inline(item: Item) -> bool:
    """A follow-up drawn beside its question: yes/no, or a choice of at most two options."""
    if item.per_row or item.type in (ItemType.MATRIX, ItemType.YESNO_LIST):
        return False
    return item.type is ItemType.YESNO or (item.type is ItemType.SINGLE and len(item.options) <= 2)


def _footnote(plan: Plan, item: Item) -> str | None:
    quotes = plan.footnotes.get(item.id) or ()
    if not quotes:
        return None
    said = " ".join(f"«{quote}»" for quote in quotes)
    return f"Kommentar från {plan.kind.count(1, capital=False).replace('1 ', 'en ')}: {said}"


def question_slides(plan: Plan, item: Item) -> list[Spec]:
    """Every slide of one main question (and its follow-ups)."""
    if item.type is ItemType.TEXT:
        return []  # free text is shown by theme (see exports.pptx_deck)
    if item.type in (ItemType.NUMBER, ItemType.DATE):
        return [_number_table(plan, item)]
    specs = _matrix_slides(plan, item) if item.has_rows else _choice_slides(plan, item)
    for follow in item.followups:
        if not follow.per_row and (item.has_rows or not _inline(follow)):
            specs.extend(_followup_slides(plan, follow))
    return specs


def _choice_slides(plan: Plan, item: Item) -> list[Spec]:
    results = plan.results
    title = hl.question_headline(plan.q, item, results[item.id])
    panels = [field_panel(plan, plan.q.field(item.id), item.text)]
    panels += [field_panel(plan, plan.q.field(f.id), f.text) for f in item.followups if _inline(f)]
    groups = chunks(panels)
    specs: list[Spec] = []
    for index, group in enumerate(groups):
        suffix = "" if index == 0 else " (forts.)"
        note = _footnote(plan, item) if index == len(groups) - 1 else None
        specs.append(ChartSpec(title + suffix, tuple(group), footnote=note))
    return specs


def _followup_slides(plan: Plan, item: Item) -> list[Spec]:
    if item.type is ItemType.YESNO_LIST:
        return [_list_slide(plan, item)]
    if item.has_rows:
        return _matrix_slides(plan, item)
    if item.type in (ItemType.TEXT, ItemType.NUMBER, ItemType.DATE):
        return [] if item.type is ItemType.TEXT else [_number_table(plan, item)]
    return _choice_slides(plan, item)


def _row_fields(plan: Plan, item: Item) -> list[Field]:
    return [f for f in plan.q.fields_of_item(item.id) if f.role in (Role.MAIN, Role.FOLLOWUP)]


def _n_text(plan: Plan, results: Sequence[ItemResult]) -> str:
    bases = sorted({r.answered for r in results})
    if len(bases) == 1:
        return plan.kind.n(bases[0])
    return f"n = {bases[0]}–{bases[-1]} {plan.kind.many}"


def _matrix_slides(plan: Plan, item: Item) -> list[Spec]:
    rows = _row_fields(plan, item)
    yes_counts = [(f.label, plan.results[f.id].counts.get(hl.YES, 0)) for f in rows]
    title = hl.matrix_headline(plan.q, item, yes_counts)
    if len(rows) <= 3 or any(hl.YES not in f.code_set for f in rows):
        panels = [field_panel(plan, f, f.label) for f in rows]
        specs: list[Spec] = [ChartSpec(title if i == 0 else f"{title} (forts.)", tuple(group), intro=item.text,
                                       footnote=_footnote(plan, item))
                             for i, group in enumerate(chunks(panels))]
    else:
        specs = [ChartSpec(title, (_yes_per_row_panel(plan, item, rows),), footnote=_footnote(plan, item))]
    specs.extend(_per_row_slides(plan, item, rows))
    return specs


def _yes_per_row_panel(plan: Plan, item: Item, rows: list[Field]) -> Panel:
    """One chart of «ja» per row, most common first when the rows are many (as in the deck)."""
    ordered = sorted(rows, key=lambda f: -plan.results[f.id].counts.get(hl.YES, 0)) if len(rows) >= 5 else rows
    labels, values, marked = [], [], []
    for index, f in enumerate(ordered):
        own = plan.own.get(f.id) if plan.own is not None else None
        suffix = (f" (ni: {f.label_of(own)})" if isinstance(own, str) and own
                  else " (ni: –)" if plan.own is not None else "")
        labels.append(hl.short_label(f.label) + suffix)
        values.append(plan.results[f.id].counts.get(hl.YES, 0))
        if own == hl.YES:
            marked.append(index)
    results = [plan.results[f.id] for f in rows]
    bars = Bars(tuple(labels), ((f"Antal {plan.kind.many} som svarat ja", tuple(values)),),
                maximum=max([1] + [r.answered for r in results]), highlight=tuple(marked))
    question = f"{item.text}\nAntal {plan.kind.many} som svarat ja"
    note = "Orange stapel: ni svarade ja." if plan.own is not None else None
    return Panel(item.id, question, bars, _n_text(plan, results), note)


def _per_row_slides(plan: Plan, item: Item, rows: list[Field]) -> list[Spec]:
    specs: list[Spec] = []
    for chain in routing_chains(item):
        if len(chain) == 2 and len(rows) <= 3:
            specs.append(_per_row_panels(plan, plan.q.item(chain[1])))
        else:
            specs.append(_chain_table(plan, item, chain))
    return specs


def _per_row_panels(plan: Plan, follow: Item) -> ChartSpec:
    fields = _row_fields(plan, follow)
    panels = [field_panel(plan, f, f"{f.label.rstrip('?.… ')}: {follow.text}") for f in fields]
    counts = [(plan.results[f.id].counts.get(hl.YES, 0), plan.results[f.id].answered) for f in fields]
    listed = ", ".join(f"{c} av {n}" for c, n in counts[:-1]) + f" och {counts[-1][0]} av {counts[-1][1]}"
    match = re.match(r"^Är (de dokumenterade rutinerna|den dokumenterade rutinen|rutinerna|rutinen) (.+?)\??$",
                     follow.text)
    if match:
        title = f"{match.group(1).capitalize()} är {match.group(2)} i {listed} {plan.kind.many}"
    else:
        title = f"{follow.text.rstrip('?')}: {listed} {plan.kind.many} svarade ja"
    return ChartSpec(title, tuple(panels))


def _column_header(plan: Plan, item: Item, first: bool, documented: bool) -> str:
    many = plan.kind.many
    text = item.text.lower()
    if first:
        return f"Antal {many} med rutin" if documented else f"Antal {many} som svarat ja"
    if "ledningssystem" in text:
        return f"Antal {many} med dokumenterad rutin i sitt ledningssystem"
    if "dokumenterad" in text:
        return f"Antal {many} med dokumenterad rutin"
    return f"Antal ja, fråga {item.number or item.id}"


def _chain_table(plan: Plan, item: Item, chain: Sequence[str]) -> TableSpec:
    items = [plan.q.item(item_id) for item_id in chain]
    documented = any("dokumenterad" in i.text.lower() for i in items[1:])
    table_rows = routing_table(plan.q, plan.results, chain)
    group = _row_noun(item)
    header = [group.capitalize()] + [_column_header(plan, i, index == 0, documented)
                                     for index, i in enumerate(items)]
    body = []
    for row in table_rows:
        cells = [hl.short_label(row.label)] + [NOT_ASKED if c is None else str(c.count) for c in row.cells]
        if plan.own is not None:
            cells.append(" / ".join(_own_short(plan, f"{i}_{row.row}") for i in chain))
        body.append(tuple(cells))
    if plan.own is not None:
        header.append("Ert svar")
    last = [row.cells[-1].count for row in table_rows if row.cells[-1] is not None]
    title = _chain_title(plan, item, last)
    asked = len(chain) - 1
    footnote = (f"I enkäten ställdes {asked} villkorade följdfrågor för {len(table_rows)} {group}. "
                f"«{NOT_ASKED}» betyder att följdfrågan inte ingick för den gruppen.")
    first = plan.results[f"{item.id}_{table_rows[0].row}"] if table_rows else None
    return TableSpec(f"table:{'-'.join(chain)}", title, tuple(header), tuple(body),
                     plan.kind.n(first.answered if first else 0), footnote, 0.34 if plan.own is None else 0.3)


def _own_short(plan: Plan, answer_id: str) -> str:
    if not plan.q.has_field(answer_id) or plan.own is None:
        return "–"
    value = plan.own.get(answer_id)
    return plan.q.field(answer_id).label_of(value) if isinstance(value, str) else "–"


def _row_noun(item: Item) -> str:
    match = re.search(r"för följande ([\wåäö]+)\?*$", item.text)
    return match.group(1) if match else "delfrågor"


def _chain_title(plan: Plan, item: Item, last: list[int]) -> str:
    kind = plan.kind
    match = re.match(rf"^Har {re.escape(kind.the_one)}(?: som vårdgivare)? (.+?) för följande", item.text)
    if not match or not last:
        return f"{item.text.rstrip('?')}: följdfrågor per rad"
    rest, n = match.group(1), plan.results[f"{item.id}_{item.rows[0].code}"].answered
    if max(last) <= n / 4:
        who = f"Få {kind.many}"
    elif min(last) >= n / 2:
        who = f"De flesta {kind.many}"
    else:
        who = f"Mellan {min(last)} och {max(last)} {kind.many}"
    rest = rest.replace("rutin ", "dokumenterad rutin ", 1)
    return f"{who} har en {rest} i sitt ledningssystem"


def _list_slide(plan: Plan, item: Item) -> ChartSpec:
    rows = _row_fields(plan, item)
    results = [plan.results[f.id] for f in rows]
    n = max([0] + [r.answered for r in results])
    title = hl.list_headline(plan.q, [(f.label, plan.results[f.id].counts.get(hl.YES, 0)) for f in rows], n)
    return ChartSpec(title, (_yes_per_row_panel(plan, item, rows),), footnote=_footnote(plan, item))


def _number_table(plan: Plan, item: Item) -> TableSpec:
    rows: list[tuple[str, ...]] = []
    fields = _row_fields(plan, item)
    for f in fields:
        summary = plan.results[f.id].numbers
        if summary is None:
            rows.append((f.label, "0", "–", "–", "–", "–"))
            continue
        rows.append((f.label, str(summary.n), *(format_swedish_number(round(v, 1)) for v in
                                                (summary.mean, summary.median, summary.minimum, summary.maximum))))
    header = ("Fråga", "n", "Medel", "Median", "Lägst", "Högst")
    results = [plan.results[f.id] for f in fields]
    return TableSpec(f"table:{item.id}", hl._cap(item.text.rstrip("?")), header, tuple(rows),
                     _n_text(plan, results))


def render(deck: Deck, spec: Spec) -> None:
    slide = deck.content_slide(spec.title)
    if isinstance(spec, TableSpec):
        _render_table(slide, spec)
        return
    top: int = BODY_TOP
    if spec.intro:
        text_box(slide, (MARGIN, top, SLIDE_W - 2 * MARGIN, Cm(1.5)), [Para(spec.intro, bold=True)], 18, 11,
                 name="intro")
        top += Cm(1.6)
    place_panels(slide, spec.panels, spec.footnote, top)


def _render_table(slide: Slide, spec: TableSpec) -> None:
    left, top, width, height = full_width_box()
    footnote_h = Cm(1.8) if spec.footnote else 0
    rows_h = min(height - Cm(1.0) - footnote_h, Cm(1.6) * (len(spec.rows) + 1) + Cm(1.0))
    box = (left, top, width, rows_h)
    size = table_font_size(box, spec.header, spec.rows, spec.first_col_share, 16, 9)
    table(slide, box, spec.header, spec.rows, size, spec.first_col_share, name=spec.key)
    y = top + rows_h + Cm(0.2)
    text_box(slide, (left, y, width, Cm(0.9)), [Para(spec.n_text, italic=True)], 12, 9,
             name=f"n:{spec.key}")
    if spec.footnote:
        text_box(slide, (left, y + Cm(1.0), width, footnote_h), [Para(spec.footnote, italic=True)],
                 12, 9, name="footnote")
