"""The decks render in LibreOffice with no text outside its box and nothing off the slide.

LibreOffice turns the deck into a PDF (one page per slide) and PNGs. Every word the PDF
draws must lie inside a shape on that slide whose own text contains the word (a title that
overflowed into the chart below would be drawn outside its box), and the PNG's margin below
the slide body must stay empty. Skipped with a reason when LibreOffice is absent locally;
under CI that is a failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from exports.pptx_common import BODY_BOTTOM, SLIDE_H
from exports.pptx_deck import build_national_deck
from tests.test_pptx_support import (
    EMU_PER_PT,
    deck_input,
    invented,
    open_deck,
    pdf_words,
    render_pdf,
    render_pngs,
    require_soffice,
)

TOLERANCE = 3.0  # points: glyph boxes and text insets differ a little between renderers


def _tokens(text: str) -> set[str]:
    return {token for token in re.split(r"[\s«»()\-–,.:;?!/*…•]+", text.lower()) if token}


def _shape_text(shape: Any) -> str:
    if shape.has_text_frame:
        return shape.text_frame.text
    if shape.has_table:
        return " ".join(cell.text for row in shape.table.rows for cell in row.cells)
    if shape.has_chart:
        chart = shape.chart
        plot = chart.plots[0]
        values = [f"{v:g}" for s in plot.series for v in s.values]
        names = [s.name for s in plot.series]
        return " ".join([*plot.categories, *values, *names, "%"])
    return ""


def _boxes(slide: Any) -> list[tuple[set[str], tuple[float, float, float, float]]]:
    boxes = []
    for shape in slide.shapes:
        text = _shape_text(shape)
        if text and shape.width:
            x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
            boxes.append((_tokens(text), (x, y, x + shape.width / EMU_PER_PT, y + shape.height / EMU_PER_PT)))
    return boxes


def _overflowing(prs: Any, pdf: Path) -> list[str]:
    problems = []
    pages = pdf_words(pdf)
    assert len(pages) == len(prs.slides)
    for number, (slide, (width, _, words)) in enumerate(zip(prs.slides, pages, strict=True), start=1):
        scale = width / (prs.slide_width / EMU_PER_PT)
        boxes = _boxes(slide)
        for word in words:
            tokens = _tokens(word.text)
            if not tokens:
                continue
            inside = any(tokens & own and x0 * scale - TOLERANCE <= word.x0 and word.x1 <= x1 * scale + TOLERANCE
                         and y0 * scale - TOLERANCE <= word.y0 and word.y1 <= y1 * scale + TOLERANCE
                         for own, (x0, y0, x1, y1) in boxes)
            if not inside:
                problems.append(f"slide {number}: «{word.text}» at ({word.x0:.0f}, {word.y0:.0f}) is outside its box")
    return problems


def _ink_below_body(png: Path) -> bool:
    """Any dark pixel in the strip between the slide body and the bottom edge."""
    image = Image.open(png).convert("L")
    top = int(image.height * (BODY_BOTTOM + 12700 * 4) / SLIDE_H)
    strip = image.crop((0, top, image.width, image.height))
    return strip.getextrema()[0] < 128


@pytest.fixture(scope="module")
def soffice() -> str:
    return require_soffice()


@pytest.mark.parametrize("qid,missing", [("regioner-2025", 0), ("kommuner-2025", 11)])
def test_national_deck_renders_without_overflow(soffice: str, tmp_path: Path, qid: str, missing: int) -> None:
    blob = build_national_deck(deck_input(invented(qid, missing=missing)))
    prs = open_deck(blob)
    pdf = render_pdf(blob, tmp_path)
    assert _overflowing(prs, pdf) == []
    pngs = render_pngs(pdf, tmp_path)
    assert len(pngs) == len(prs.slides)
    assert [png.name for png in pngs if _ink_below_body(png)] == []


def test_the_check_finds_text_that_overflows(soffice: str, tmp_path: Path) -> None:
    """The overflow check itself: a box with far too much text at a fixed size is reported."""
    from pptx.util import Cm

    from exports.pptx_common import Deck, Para, fill_text

    deck = Deck()
    slide = deck.content_slide("En rubrik")
    box = slide.shapes.add_textbox(Cm(2), Cm(5), Cm(10), Cm(2))
    fill_text(box.text_frame, [Para("ord " * 120)], 28)
    blob = deck.to_bytes()
    assert _overflowing(open_deck(blob), render_pdf(blob, tmp_path))
