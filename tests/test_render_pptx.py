"""The decks render in LibreOffice with no text outside its box and nothing off the slide.

LibreOffice turns the deck into a PDF (one page per slide) and PNGs. Every word the PDF
draws must lie inside a shape on that slide whose own text contains the word (a title that
overflowed into the chart below would be drawn outside its box), and the PNG's margin below
the slide body must stay empty. Skipped with a reason when LibreOffice is absent locally;
under CI that is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from exports.pptx_common import BODY_BOTTOM, SLIDE_H
from exports.pptx_deck import build_national_deck
from tests.pptx_helpers import (
    deck_input,
    invented,
    open_deck,
    overflowing,
    render_pdf,
    render_pngs,
    require_soffice,
)


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
    assert overflowing(prs, pdf) == []
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
    assert overflowing(open_deck(blob), render_pdf(blob, tmp_path))
