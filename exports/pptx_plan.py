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

from exports.pptx_charts import Panel, chunks, full_width_box, place_panels, question_height
from exports.pptx_common import (
    BODY_TOP,
    MARGIN,
    QUESTION_SIZE,
    SLIDE_W,
    SMALL_SIZE,
    Bars,
    Deck,
    Para,
    table,
    table_font_size,
    text_box,
)
from survey.aggregation.aggregate import ItemResult, RoundResults, routing_chains, routing_table
from survey.formatting import format_swedish_number
from survey.questionnaire.model import Field, Item, ItemType, Questionnaire, Role
from survey.questionnaire.values import Value, is_blank
from survey.reports import headlines as hl
from survey.reports.definition import ReportDefinition, report_for
from survey.reports.routing_words import asked_to, not_asked_reason

NOT_ASKED = "Fråga ställdes inte"


Title = str | tuple[str, ...]  # a headline, or full sentences best first (the first that fits is used)


@dataclass(frozen=True)
class ChartSpec:
    title: Title
    panels: tuple[Panel, ...]
    intro: str | None = None
    footnote: str | None = None
    notes: tuple[Para, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: Title
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    n_text: str
    footnote: str | None = None
    first_col_share: float = 0.5
    notes: tuple[Para, ...] = ()


Spec = ChartSpec | TableSpec


@dataclass(frozen=True)
class Plan:
    """What every question's slides are drawn from."""

    q: Questionnaire
    results: RoundResults
    footnotes: Mapping[str, Sequence[str]] = field(default_factory=dict)  # item id → chosen quotes
    own: Mapping[str, Value] | None = None  # an organisation's effective answers
    notes: Mapping[str, str] = field(default_factory=dict)  # answer id → extra line (last year)
    asked: frozenset[str] = frozenset()  # with ``own``: the answer ids its routing asked
    report: ReportDefinition | None = None

    @property
    def kind(self) -> hl.Kind:
        return hl.Kind.of(self.q)

    @property
    def scale(self) -> int:
        """Every chart's full width: all organisations of the round, the same throughout."""
        return max(1, self.results.population)

    def headline(self, item: Item, generated: Sequence[str]) -> tuple[str, ...]:
        """The report definition's headline for the item if it has one, else ``generated``."""
        report = self.report or report_for(self.q)
        text = report.headlines.get(item.id)
        if text:
            return (hl.override(self.q, item, text, self.results.items), *generated)
        return tuple(generated)


def stem(item: Item) -> str:
    """A question as shown above its rows: a stem that its rows continue («...händelseanalyser»)
    ends in «...», not in a full stop that would make it a cut sentence."""
    text = item.text.strip()
    if item.rows and all(row.label.startswith((".", "…")) for row in item.rows) and re.search(r"[^.]\.$", text):
        return text[:-1] + "..."
    return text


def field_notes(plan: Plan, fields: Sequence[Field]) -> tuple[Para, ...]:
    """Speaker notes: each question in full, its n and who was asked, in words."""
    paras: list[Para] = []
    shown: set[str] = set()
    for f in fields:
        item = plan.q.item(f.item_id)
        if item.id not in shown:
            shown.add(item.id)
            paras.append(Para(f"Fråga {item.number or item.id}: {' '.join(stem(item).split())}", bold=True))
        row = f"{f.label}: " if f.row is not None else ""
        result = plan.results[f.id]
        paras.append(Para(f"{row}{plan.kind.n(result.answered)}. {asked_to(plan.q, f, plan.results)}"))
    return tuple(paras)


def _own_note(plan: Plan, f: Field, result: ItemResult) -> str | None:
    if plan.own is None:
        return plan.notes.get(f.id)
    value = plan.own.get(f.id)
    kind = plan.kind
    if f.id not in plan.asked:
        line = not_asked_reason(plan.q, f, plan.own)
    elif value is None or is_blank(value):  # «is None» tells the type checker
        line = "Ni besvarade inte frågan."
    else:
        codes = value if isinstance(value, list) else [value]
        labels = hl.answer_words([f.label_of(code) for code in codes])
        same = sum(result.counts.get(code, 0) for code in codes)
        line = hl.own_answer(kind, labels, same, result.answered)
    extra = plan.notes.get(f.id)
    return f"{line} {extra}" if extra else line


def field_panel(plan: Plan, f: Field, question: str) -> Panel:
    result = plan.results[f.id]
    own = plan.own.get(f.id) if plan.own is not None else None
    chosen = own if isinstance(own, list) else [own] if own else []
    codes = [c.code for c in f.codes]
    bars = Bars(tuple(c.label for c in f.codes), (("Antal", tuple(result.counts.get(c, 0) for c in codes)),),
                maximum=plan.scale,
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
    said = " ".join(hl.quoted(quote) for quote in quotes)
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
    title = plan.headline(item, [hl.question_headline(plan.q, item, results[item.id])])
    fields = [plan.q.field(item.id)] + [plan.q.field(f.id) for f in item.followups if _inline(f)]
    panels = [field_panel(plan, f, plan.q.item(f.item_id).text) for f in fields]
    groups = chunks(panels)
    specs: list[Spec] = []
    for index, group in enumerate(groups):
        note = _footnote(plan, item) if index == len(groups) - 1 else None
        shown = [f for f in fields if f.id in {p.key for p in group}]
        specs.append(ChartSpec(_continued(title, index), tuple(group), footnote=note,
                               notes=field_notes(plan, shown)))
    return specs


def _continued(title: Title, index: int) -> Title:
    """The headline of the ``index``-th slide of one question: «(forts.)» after the first."""
    if index == 0:
        return title
    options = (title,) if isinstance(title, str) else title
    return tuple(f"{option} (forts.)" for option in options)


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
    title = plan.headline(item, hl.matrix_headlines(plan.q, item, yes_counts))
    notes = field_notes(plan, rows)
    if len(rows) <= 3 or any(hl.YES not in f.code_set for f in rows):
        panels = [field_panel(plan, f, f.label) for f in rows]
        specs: list[Spec] = [ChartSpec(_continued(title, i), tuple(group), intro=stem(item),
                                       footnote=_footnote(plan, item), notes=notes)
                             for i, group in enumerate(chunks(panels))]
    else:
        specs = [ChartSpec(title, (_yes_per_row_panel(plan, item, rows),), footnote=_footnote(plan, item),
                           notes=notes)]
    specs.extend(_per_row_slides(plan, item, rows))
    return specs


def _yes_per_row_panel(plan: Plan, item: Item, rows: list[Field]) -> Panel:
    """One chart of «ja» per row, most common first when the rows are many (as in the deck)."""
    ordered = sorted(rows, key=lambda f: -plan.results[f.id].counts.get(hl.YES, 0)) if len(rows) >= 5 else rows
    labels = tuple(hl.short_label(f.label) for f in ordered)
    values = tuple(plan.results[f.id].counts.get(hl.YES, 0) for f in ordered)
    marked = tuple(i for i, f in enumerate(ordered) if plan.own is not None and plan.own.get(f.id) == hl.YES)
    results = [plan.results[f.id] for f in rows]
    bars = Bars(labels, ((f"Antal {plan.kind.many} som svarat ja", values),), maximum=plan.scale,
                highlight=marked)
    question = f"{stem(item)}\nAntal {plan.kind.many} som svarat ja"
    return Panel(item.id, question, bars, _n_text(plan, results), _rows_note(plan, item, ordered, marked))


def _rows_note(plan: Plan, item: Item, ordered: Sequence[Field], marked: Sequence[int]) -> str | None:
    """Under a chart of «ja» per row in a reflection: how the organisation answered, in words
    (the label itself stays short, so every label has room to show)."""
    if plan.own is None:
        return None
    if not any(f.id in plan.asked for f in ordered):
        return not_asked_reason(plan.q, ordered[0], plan.own)
    if not marked:
        return "Ni svarade inte ja på något av alternativen."
    count = len(marked)
    return (f"Ni svarade ja på {hl.number_word(count)} av {hl.number_word(len(ordered))} alternativ "
            f"(orange {'stapel' if count == 1 else 'staplar'}).")


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
    panels = [field_panel(plan, f, _per_row_question(f.label, follow.text)) for f in fields]
    counts = [(plan.results[f.id].counts.get(hl.YES, 0), plan.results[f.id].answered) for f in fields]
    listed = ", ".join(f"{c} av {n}" for c, n in counts[:-1]) + f" och {counts[-1][0]} av {counts[-1][1]}"
    match = re.match(r"^Är (de dokumenterade rutinerna|den dokumenterade rutinen|rutinerna|rutinen) (.+?)\??$",
                     follow.text)
    if match:
        title = f"{match.group(1).capitalize()} är {match.group(2)} i {listed} {plan.kind.many}"
    else:
        title = f"{listed} {plan.kind.many} svarade ja på fråga {follow.number or follow.id}"
    return ChartSpec(plan.headline(follow, [hl.tidy(title, plan.kind)]), tuple(panels),
                     notes=field_notes(plan, fields))


def _per_row_question(label: str, text: str) -> str:
    """A per-row follow-up as the published deck words it: the row inside the question
    («Är de dokumenterade rutinerna för att riskanalys … genomförs en del av
    ledningssystemet?»), or the row before it when the question has no such opening."""
    row = re.sub(r"^[.…\s]+", "", label).rstrip("?.… ")
    match = re.match(r"^(Är (?:de dokumenterade rutinerna|den dokumenterade rutinen|rutinerna|rutinen)) (.+)$", text)
    if match and row.startswith(("att ", "hur ", "vilka ", "vilken ", "när ")):
        return f"{match.group(1)} för {row} {match.group(2)}"
    return f"{label.rstrip('?.… ')}: {text}"


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
    questions = "en villkorad följdfråga" if asked == 1 else f"{hl.number_word(asked)} villkorade följdfrågor"
    footnote = f"I enkäten ställdes {questions} för {hl.number_word(len(table_rows))} {group}."
    if any(cell is None for row in table_rows for cell in row.cells):
        footnote += f" {hl.quoted(NOT_ASKED)} betyder att följdfrågan inte ingick för den gruppen."
    first = plan.results[f"{item.id}_{table_rows[0].row}"] if table_rows else None
    fields = [plan.q.field(f"{i}_{row.row}") for i in chain for row in table_rows
              if plan.q.has_field(f"{i}_{row.row}")]
    return TableSpec(f"table:{'-'.join(chain)}", title, tuple(header), tuple(body),
                     plan.kind.n(first.answered if first else 0), footnote, 0.34 if plan.own is None else 0.3,
                     field_notes(plan, fields))


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
    title = plan.headline(item, hl.list_headlines(
        plan.q, [(f.label, plan.results[f.id].counts.get(hl.YES, 0)) for f in rows], n))
    return ChartSpec(title, (_yes_per_row_panel(plan, item, rows),), footnote=_footnote(plan, item),
                     notes=field_notes(plan, rows))


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
                     _n_text(plan, results), notes=field_notes(plan, fields))


def render(deck: Deck, spec: Spec) -> None:
    slide = deck.content_slide(spec.title, spec.notes)
    if isinstance(spec, TableSpec):
        _render_table(slide, spec)
        return
    top: int = BODY_TOP
    if spec.intro:
        width = SLIDE_W - 2 * MARGIN
        height = question_height([Panel("intro", spec.intro, Bars((), ()), "")], width)
        text_box(slide, (MARGIN, top, width, height), [Para(spec.intro, bold=True)], QUESTION_SIZE,
                 QUESTION_SIZE, name="intro")
        top += height + Cm(0.1)
    place_panels(slide, spec.panels, spec.footnote, top)


def _render_table(slide: Slide, spec: TableSpec) -> None:
    left, top, width, height = full_width_box()
    footnote_h = Cm(1.8) if spec.footnote else 0
    rows_h = min(height - Cm(1.0) - footnote_h, Cm(1.6) * (len(spec.rows) + 1) + Cm(1.0))
    box = (left, top, width, rows_h)
    size = table_font_size(box, spec.header, spec.rows, spec.first_col_share, 16, SMALL_SIZE)
    table(slide, box, spec.header, spec.rows, size, spec.first_col_share, name=spec.key)
    y = top + rows_h + Cm(0.2)
    text_box(slide, (left, y, width, Cm(0.9)), [Para(spec.n_text, italic=True)],
             SMALL_SIZE, SMALL_SIZE, name=f"n:{spec.key}")
    if spec.footnote:
        text_box(slide, (left, y + Cm(1.0), width, footnote_h), [Para(spec.footnote, italic=True)],
                 SMALL_SIZE, 10, name="footnote")
