"""The decks render in LibreOffice as a publisher would read them.

LibreOffice turns each deck (the national deck of the regions and of the municipalities, and
a region's reflection deck) into a PDF (one page per slide) and PNGs. Every word the PDF
draws must lie inside a shape on that slide whose own text contains the word (a title that
overflowed into the chart below would be drawn outside its box); the PNG's margin below the
slide body stays empty but for the slide number; every chart shows every category label and
every value (a renderer silently drops labels it has no room for); and no sentence ends in a
word that cannot end a Swedish sentence («… rutiner för.», «… som anger.»). Skipped with a
reason when LibreOffice is absent locally; under CI that is a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from exports.pptx_common import BODY_BOTTOM, NUMBER_BOX, SLIDE_H, SLIDE_W
from exports.pptx_deck import build_national_deck
from tests.pptx_helpers import (
    EMU_PER_PT,
    TOLERANCE,
    Word,
    _tokens,
    deck_input,
    invented,
    open_deck,
    overflowing,
    pdf_words,
    reflection_blob,
    render_pdf,
    render_pngs,
    require_soffice,
)


def _ink_below_body(png: Path) -> bool:
    """Any dark pixel in the strip between the slide body and the bottom edge, left of the
    slide number."""
    image = Image.open(png).convert("L")
    top = int(image.height * (BODY_BOTTOM + 12700 * 4) / SLIDE_H)
    right = int(image.width * NUMBER_BOX[0] / SLIDE_W)
    strip = image.crop((0, top, right, image.height))
    return strip.getextrema()[0] < 128


def _inside(word: Word, box: tuple[float, float, float, float], scale: float) -> bool:
    x0, y0, x1, y1 = box
    return (x0 * scale - TOLERANCE <= word.x0 and word.x1 <= x1 * scale + TOLERANCE
            and y0 * scale - TOLERANCE <= word.y0 and word.y1 <= y1 * scale + TOLERANCE)


def hidden_labels(prs: Any, pdf: Path) -> list[str]:
    """Category labels and values a chart has but the rendered page does not show in it."""
    problems = []
    for number, (slide, (width, _, words)) in enumerate(zip(prs.slides, pdf_words(pdf), strict=True), start=1):
        scale = width / (prs.slide_width / EMU_PER_PT)
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
            box = (x, y, x + shape.width / EMU_PER_PT, y + shape.height / EMU_PER_PT)
            shown: set[str] = set()
            for word in words:
                if _inside(word, box, scale):
                    shown |= _tokens(word.text)
            plot = shape.chart.plots[0]
            for label in plot.categories:
                if not _tokens(label) <= shown:
                    problems.append(f"slide {number}: {shape.name}: label «{label}» is not shown")
            for value in {f"{v:g}" for series in plot.series for v in series.values}:
                if value not in shown:
                    problems.append(f"slide {number}: {shape.name}: value {value} is not shown")
    return problems


# Words that cannot end a Swedish sentence: prepositions, conjunctions, a subjunction, and
# the verbs the 2025 questions leave hanging («… som anger.», «… genomföra.»).
NOT_LAST = frozenset({"för", "som", "och", "att", "av", "i", "på", "till", "med", "om", "eller", "samt",
                      "kring", "från", "vid", "mot", "genom", "hos", "inför", "utan", "än", "anger",
                      "beskriver", "fastställer", "genomföra"})


def broken_sentences(pdf: Path) -> list[str]:
    """Sentences (a word ending in one full stop) whose last word cannot end a sentence."""
    problems = []
    for number, (_, _, words) in enumerate(pdf_words(pdf), start=1):
        for word in words:
            text = word.text
            if text.endswith(".") and not text.endswith("..") and text.rstrip(".").lower() in NOT_LAST:
                problems.append(f"slide {number}: a sentence ends in «{text}»")
    return problems


@pytest.fixture(scope="module")
def soffice() -> str:
    return require_soffice()


DECKS = ["regioner-2025", "kommuner-2025", "reflektion"]


@pytest.fixture(scope="module", params=DECKS)
def rendered(request: pytest.FixtureRequest, soffice: str, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Any, Path, list[Path]]:
    """A deck (python-pptx), its PDF and its PNGs: each rendered once for the tests below."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "reflektion":
        blob = reflection_blob()
    else:
        blob = build_national_deck(deck_input(invented(request.param, missing=11 if "kommun" in request.param else 0)))
    pdf = render_pdf(blob, folder)
    return open_deck(blob), pdf, render_pngs(pdf, folder)


def test_no_text_outside_its_box(rendered: tuple[Any, Path, list[Path]]) -> None:
    prs, pdf, pngs = rendered
    assert overflowing(prs, pdf) == []
    assert len(pngs) == len(prs.slides)
    assert [png.name for png in pngs if _ink_below_body(png)] == []


def test_every_chart_label_and_value_shows(rendered: tuple[Any, Path, list[Path]]) -> None:
    prs, pdf, _ = rendered
    assert hidden_labels(prs, pdf) == []


def test_no_sentence_ends_in_a_word_that_cannot_end_it(rendered: tuple[Any, Path, list[Path]]) -> None:
    _, pdf, _ = rendered
    assert broken_sentences(pdf) == []


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


def test_the_checks_find_hidden_labels_and_cut_sentences(soffice: str, tmp_path: Path) -> None:
    """A chart squeezed to a sliver loses its labels, and a cut sentence is found."""
    from pptx.util import Cm

    from exports.pptx_common import Bars, Deck, Para, bar_chart, text_box

    deck = Deck()
    slide = deck.content_slide("Rubrik")
    labels = tuple(f"Alternativ nummer {i} med en lång etikett" for i in range(12))
    bar_chart(slide, (Cm(2), Cm(5), Cm(12), Cm(2.5)), Bars(labels, (("Antal", tuple(range(12))),), maximum=21))
    text_box(slide, (Cm(16), Cm(5), Cm(15), Cm(3)), [Para("Tre regioner har dokumenterade rutiner för.")], 18)
    blob = deck.to_bytes()
    pdf = render_pdf(blob, tmp_path)
    assert hidden_labels(open_deck(blob), pdf)
    assert broken_sentences(pdf) == ["slide 1: a sentence ends in «för.»"]
