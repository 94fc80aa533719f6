"""«Sammanfattning av enkätens resultat»: one full sentence group per main question, on slides
of even length.

The sentences are the slides' own headlines (the report definition's where it has one), the
longest full form of each, since the summary has the room; the follow-ups' sentences follow
their question's. The slides are balanced: as few as the text needs at the smallest body
size, split where the longest slide is shortest, all at one type size.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from pptx.util import Emu

from exports.pptx_common import BODY_BOTTOM, BODY_MIN, BODY_SIZE, BODY_TOP, MARGIN, SLIDE_W, Deck, Para, text_box
from exports.pptx_plan import Plan
from exports.pptx_text import INSET_X, INSET_Y, fitting_size, paragraphs_height
from survey.aggregation.aggregate import RoundResults
from survey.questionnaire.model import Item, ItemType, Questionnaire, Role
from survey.reports import headlines as hl
from survey.reports.definition import ReportDefinition


def _sentence(text: str) -> str:
    return text.rstrip(" .") + "."


def _item_sentences(plan: Plan, item: Item) -> list[str]:
    q, results, kind = plan.q, plan.results, plan.kind
    if item.has_rows:
        rows = [f for f in q.fields_of_item(item.id) if f.role is Role.MAIN]
        counts = [(f.label, results[f.id].counts.get(hl.YES, 0)) for f in rows]
        return [plan.headline(item, hl.matrix_headlines(q, item, counts))[0]]
    parts = [plan.headline(item, [hl.question_headline(q, item, results[item.id])])[0]]
    for follow in item.followups:
        if follow.per_row or follow.has_rows or not q.has_field(follow.id):
            continue
        f = q.field(follow.id)
        if hl.YES in f.code_set:
            generated = hl.yes_sentence(follow.text, kind, results[f.id])
        elif f.codes:
            generated = hl.choice_sentence(f, kind, results[f.id], main=False)
        else:
            continue
        parts.append(plan.headline(follow, [generated])[0])
    return parts


def summary_sentences(q: Questionnaire, results: RoundResults, report: ReportDefinition | None = None) -> list[str]:
    """One sentence group per main question with answer options."""
    plan = Plan(q, results, report=report)
    groups = []
    for item in (item for section in q.sections for item in section.items):
        if item.type in (ItemType.TEXT, ItemType.NUMBER, ItemType.DATE):
            continue
        groups.append(" ".join(_sentence(part) for part in _item_sentences(plan, item)))
    return groups


def balanced_pages(heights: Sequence[float], capacity: float) -> list[int]:
    """Where to start each page: the fewest pages that hold the paragraphs, split so the fullest
    page is as short as it can be (a paragraph taller than a page gets a page of its own)."""
    count = len(heights)

    @cache
    def best(start: int, pages: int) -> tuple[float, tuple[int, ...]]:
        if pages == 1:
            total = sum(heights[start:])
            return (total if total <= capacity else float("inf")), (start,)
        found: tuple[float, tuple[int, ...]] = (float("inf"), ())
        for end in range(start + 1, count - pages + 2):
            first = sum(heights[start:end])
            if first > capacity and end > start + 1:
                break
            rest, starts = best(end, pages - 1)
            found = min(found, (max(first, rest), (start, *starts)))
        return found

    for pages in range(1, count + 1):
        height, starts = best(0, pages)
        if height != float("inf"):
            return list(starts)
    return list(range(count))


def summary_slides(deck: Deck, q: Questionnaire, results: RoundResults, report: ReportDefinition) -> None:
    box = (MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    paras = [Para(sentence, 1) for sentence in summary_sentences(q, results, report)]
    if not paras:
        return
    width, height = Emu(box[2] - 2 * INSET_X).pt, Emu(box[3] - 2 * INSET_Y).pt
    starts = balanced_pages([paragraphs_height([p], width, BODY_MIN) for p in paras], height)
    pages = [paras[a:b] for a, b in zip(starts, [*starts[1:], len(paras)], strict=True)]
    size = min(fitting_size(page, Emu(box[2]), Emu(box[3]), BODY_SIZE, BODY_MIN) for page in pages)
    for index, page in enumerate(pages, start=1):
        slide = deck.content_slide(f"Sammanfattning av enkätens resultat {index} ({len(pages)})")
        text_box(slide, box, page, size, size, name="body")
