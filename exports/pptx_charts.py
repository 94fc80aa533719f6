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
    QUESTION_SIZE,
    SLIDE_W,
    SMALL_SIZE,
    Bars,
    Para,
    bar_chart,
    paragraphs_height,
    text_box,
)
from exports.pptx_text import INSET_X, INSET_Y, line_count

GAP = Cm(0.8)
FOOTNOTE_H = Cm(1.6)


@dataclass(frozen=True)
class Panel:
    """One chart with the question above it and the base below it."""

    key: str  # the answer id (or another stable key) the chart shows
    question: str
    bars: Bars
    n_text: str
    note: str | None = None  # a line under the chart, e.g. «Ni svarade Ja. Det gjorde 19 av 21 …»


LONG_LABEL = 45  # characters: a category label this long wraps in a chart of 72 % of the body


def panel_boxes(count: int, top: int = BODY_TOP, bottom: int = BODY_BOTTOM,
                long_labels: bool = False) -> list[tuple[int, int, int, int]]:
    """``count`` columns across the slide body. One panel is kept to a readable width, or
    takes the whole body when its labels are long (else they wrap into small print beside
    bars that end halfway across the slide)."""
    usable = SLIDE_W - 2 * MARGIN
    if count == 1:
        width = usable if long_labels else int(usable * 0.72)
        return [(MARGIN, top, width, bottom - top)]
    width = int((usable - (count - 1) * GAP) / count)
    return [(MARGIN + i * (width + GAP), top, width, bottom - top) for i in range(count)]


def alt_text(panel: Panel) -> str:
    """What the chart shows, with its numbers, for a screen reader."""
    values = "; ".join(f"{category}: {_number(value)}" for series_name, series in panel.bars.series
                       for category, value in zip(panel.bars.categories, series, strict=True))
    text = f"Stapeldiagram. {panel.question.replace(chr(10), ' ')} {values}. {panel.n_text}."
    return f"{text} {panel.note}" if panel.note else text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def question_height(panels: Sequence[Panel], width: int) -> int:
    """The height the tallest question needs at the deck's question size."""
    usable = Emu(width - 2 * INSET_X).pt
    tallest = max(paragraphs_height([Para(p.question)], usable, QUESTION_SIZE) for p in panels)
    return int(Emu(int((tallest + 4) * 12700)) + 2 * INSET_Y)


def label_font(bars: Bars, width: int, height: int) -> float:
    """Category labels at 12 pt, smaller (to 10) when wrapped labels would not all fit beside
    their bars: a renderer drops the labels it has no room for."""
    label_w = Emu(int(width * 0.42)).pt
    bars_n = max(1, len(bars.series))
    for size in (12.0, 11.0, 10.0):
        lines = sum(max(bars_n, line_count(c, label_w, size)) for c in bars.categories)
        if lines * size * 1.25 + len(bars.categories) * size * 0.6 <= Emu(height).pt * 0.82:
            return size
    return 10.0


def place_panels(slide: Slide, panels: Sequence[Panel], footnote: str | None = None,
                 top: int = BODY_TOP) -> None:
    bottom = BODY_BOTTOM - (FOOTNOTE_H if footnote else 0)
    long_labels = any(len(label) > LONG_LABEL for panel in panels for label in panel.bars.categories)
    boxes = panel_boxes(len(panels), top, bottom, long_labels)
    question_h = question_height(panels, boxes[0][2])
    for panel, (left, ptop, width, height) in zip(panels, boxes, strict=True):
        text_box(slide, (left, ptop, width, question_h), [Para(panel.question)], QUESTION_SIZE, QUESTION_SIZE,
                 name=f"question:{panel.key}")
        note_h = Cm(1.5) if panel.note else 0
        categories = len(panel.bars.categories) * max(1, len(panel.bars.series))
        chart_h = min(height - question_h - Cm(1.0) - note_h, Cm(2.0) * categories + Cm(2.0))
        font = label_font(panel.bars, width, chart_h)
        bar_chart(slide, (left, ptop + question_h, width, chart_h), panel.bars, font, name=f"chart:{panel.key}",
                  alt=alt_text(panel))
        y = ptop + question_h + chart_h
        text_box(slide, (left, y, width, Cm(0.9)), [Para(panel.n_text, italic=True)], SMALL_SIZE, SMALL_SIZE,
                 name=f"n:{panel.key}", colour=MSO_THEME_COLOR.TEXT_1)
        if panel.note:
            text_box(slide, (left, y + Cm(0.9), width, note_h), [Para(panel.note, bold=True)], QUESTION_SIZE,
                     SMALL_SIZE, name=f"note:{panel.key}")
    if footnote:
        text_box(slide, (MARGIN, BODY_BOTTOM - FOOTNOTE_H, SLIDE_W - 2 * MARGIN, FOOTNOTE_H),
                 [Para(footnote, italic=True)], SMALL_SIZE, 10, name="footnote", anchor=MSO_ANCHOR.BOTTOM)


def chunks(panels: Sequence[Panel], size: int = 3) -> list[list[Panel]]:
    return [list(panels[i:i + size]) for i in range(0, len(panels), size)]


def full_width_box(top: int = BODY_TOP, bottom: int = BODY_BOTTOM) -> tuple[int, int, int, int]:
    return (MARGIN, top, SLIDE_W - 2 * MARGIN, Emu(bottom - top))
