"""Chart panels: a question text, a native chart and its «n = …» line, side by side on a slide.

Shared by the national deck and the reflection deck. Every chart frame is named
``chart:<answer id>`` and its n line ``n:<answer id>``, so a test (or a macro) can find the
chart of a question without guessing from positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR
from pptx.slide import Slide
from pptx.util import Cm, Emu

from exports.pptx_common import (
    BODY_BOTTOM,
    BODY_TOP,
    MARGIN,
    SLIDE_W,
    Bars,
    Para,
    bar_chart,
    fitting_size,
    text_box,
)

GAP = Cm(0.8)
FOOTNOTE_H = Cm(1.6)


@dataclass(frozen=True)
class Panel:
    """One chart with the question above it and the base below it."""

    key: str  # the answer id (or another stable key) the chart shows
    question: str
    bars: Bars
    n_text: str
    note: str | None = None  # a line under the chart, e.g. «Ni svarade Ja. 19 av 21 …»


def panel_boxes(count: int, top: int = BODY_TOP, bottom: int = BODY_BOTTOM) -> list[tuple[int, int, int, int]]:
    """``count`` columns across the slide body (one panel is kept to a readable width)."""
    usable = SLIDE_W - 2 * MARGIN
    if count == 1:
        width = int(usable * 0.72)
        return [(MARGIN, top, width, bottom - top)]
    width = int((usable - (count - 1) * GAP) / count)
    return [(MARGIN + i * (width + GAP), top, width, bottom - top) for i in range(count)]


def place_panels(slide: Slide, panels: Sequence[Panel], footnote: str | None = None,
                 top: int = BODY_TOP) -> None:
    bottom = BODY_BOTTOM - (FOOTNOTE_H if footnote else 0)
    boxes = panel_boxes(len(panels), top, bottom)
    lines = max(panel.question.count("\n") + 1 for panel in panels)
    question_h = Cm(2.6 if len(panels) > 1 or lines > 1 else 1.9)
    # One size for every question on the slide, so the panels read as a set.
    size = min(fitting_size([Para(p.question)], Emu(box[2]), question_h, 16, 10)
               for p, box in zip(panels, boxes, strict=True))
    font = 14 if len(panels) == 1 else 12
    for panel, (left, ptop, width, height) in zip(panels, boxes, strict=True):
        text_box(slide, (left, ptop, width, question_h), [Para(panel.question)], size, 10,
                 name=f"question:{panel.key}")
        note_h = Cm(1.5) if panel.note else 0
        categories = len(panel.bars.categories) * max(1, len(panel.bars.series))
        chart_h = min(height - question_h - Cm(1.0) - note_h, Cm(2.0) * categories + Cm(2.0))
        bar_chart(slide, (left, ptop + question_h, width, chart_h), panel.bars, font, name=f"chart:{panel.key}")
        y = ptop + question_h + chart_h
        text_box(slide, (left, y, width, Cm(0.9)), [Para(panel.n_text, italic=True)], 12, 9,
                 name=f"n:{panel.key}", colour=MSO_THEME_COLOR.TEXT_1)
        if panel.note:
            text_box(slide, (left, y + Cm(0.9), width, note_h), [Para(panel.note, bold=True)], 14, 9,
                     name=f"note:{panel.key}")
    if footnote:
        text_box(slide, (MARGIN, BODY_BOTTOM - FOOTNOTE_H, SLIDE_W - 2 * MARGIN, FOOTNOTE_H),
                 [Para(footnote, italic=True)], 12, 9, name="footnote", anchor=MSO_ANCHOR.BOTTOM)


def chunks(panels: Sequence[Panel], size: int = 3) -> list[list[Panel]]:
    return [list(panels[i:i + size]) for i in range(0, len(panels), size)]


def full_width_box(top: int = BODY_TOP, bottom: int = BODY_BOTTOM) -> tuple[int, int, int, int]:
    return (MARGIN, top, SLIDE_W - 2 * MARGIN, Emu(bottom - top))
