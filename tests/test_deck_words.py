"""Every generated word of the decks read back: Swedish that an editor would publish, file
properties of the agency, Swedish as the language of every run.

The national decks (regions, municipalities) and a region's reflection deck are opened with
python-pptx; every text run of every slide and of its speaker notes is checked for «de 1 …»,
a number that disagrees with its noun («1 regioner», «Tre region»), a headline or sentence
that trails off in «…», and «…» quotation marks where Swedish uses ”…”.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from lxml import etree

from exports.pptx_deck import build_national_deck
from survey.reports import headlines as hl
from tests.pptx_helpers import charts, deck_input, invented, open_deck, questionnaire, reflection_blob

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WORD_NUMBERS = "[Tt]vå|[Tt]re|[Ff]yra|[Ff]em|[Ss]ex|[Ss]ju|[Åå]tta|[Nn]io|[Tt]io|[Ee]lva|[Tt]olv"
DISAGREEMENTS = [
    re.compile(r"\b[Dd]e 1\b"),
    re.compile(r"\b1 (?:regioner|kommuner)\b"),
    re.compile(r"(?<![\d,.–-])\b(?:[02-9]|\d{2,}) (?:region|kommun)(?![a-zåäö])"),
    re.compile(rf"\b(?:{WORD_NUMBERS}) (?:region|kommun)(?![a-zåäö])"),
    re.compile(r"\b(?:[Ee]n|[Ii]ngen) (?:regioner|kommuner)\b"),
]


@cache
def blobs() -> dict[str, bytes]:
    return {
        "regioner": build_national_deck(deck_input(invented())),
        "kommuner": build_national_deck(deck_input(invented("kommuner-2025", missing=11))),
        "reflektion": reflection_blob(),
    }


def _shape_texts(shape: Any) -> list[str]:
    if shape.has_text_frame:
        return [p.text for p in shape.text_frame.paragraphs]
    if shape.has_table:
        return [cell.text for row in shape.table.rows for cell in row.cells]
    return []


def generated(prs: Any) -> list[tuple[int, str, str]]:
    """(slide, where, text) of every paragraph the builder wrote: titles, body, notes under
    charts, footnotes, tables and the speaker notes (question texts above charts are the
    questionnaire's own words and are read only for agreement)."""
    found = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            kind = "question" if shape.name.startswith(("question:", "intro")) else shape.name
            found += [(number, kind, text) for text in _shape_texts(shape) if text.strip()]
        if slide.has_notes_slide:
            found += [(number, "notes", p.text) for p in slide.notes_slide.notes_text_frame.paragraphs if p.text]
    return found


@pytest.mark.parametrize("name", ["regioner", "kommuner", "reflektion"])
def test_numbers_agree_with_their_nouns(name: str) -> None:
    problems = [f"slide {n}: «{pattern.search(text).group()}» in «{text}»"  # type: ignore[union-attr]
                for n, _, text in generated(open_deck(blobs()[name])) for pattern in DISAGREEMENTS
                if pattern.search(text)]
    assert problems == []


@pytest.mark.parametrize("name", ["regioner", "kommuner", "reflektion"])
def test_no_generated_text_trails_off_or_uses_guillemets(name: str) -> None:
    problems = []
    for n, where, text in generated(open_deck(blobs()[name])):
        if where == "question" or where in ("notes", "body") and text.startswith("Fråga "):
            continue  # the questionnaire's own wording («Fråga 17: Har regionen … rutiner som anger...»)
        if re.search(r"(…|\.\.\.)\s*$", text):
            problems.append(f"slide {n} ({where}): trails off: «{text}»")
        if "«" in text or "»" in text:
            problems.append(f"slide {n} ({where}): «» instead of ”…”: «{text}»")
    assert problems == []


def test_headlines_are_of_one_size_and_summary_slides_even() -> None:
    prs = open_deck(blobs()["regioner"])
    sizes = {run.font.size.pt for slide in list(prs.slides)[1:] if slide.shapes.title is not None
             and slide.slide_layout.name == "Title Only" for p in slide.shapes.title.text_frame.paragraphs
             for run in p.runs}
    assert sizes == {22.0}
    summary = [slide for slide in prs.slides if slide.shapes.title is not None
               and slide.shapes.title.text.startswith("Sammanfattning av enkätens resultat")]
    counts = [len(next(s for s in slide.shapes if s.name == "body").text_frame.paragraphs) for slide in summary]
    assert len(counts) >= 2 and max(counts) - min(counts) <= 2, counts


def test_generated_numbers_start_sentences_as_words() -> None:
    titles = [slide.shapes.title.text for slide in open_deck(blobs()["regioner"]).slides
              if slide.shapes.title is not None]
    assert not [t for t in titles if re.match(r"^(?:[0-9]|1[0-2]) ", t)]
    assert any(re.match(rf"^(?:{WORD_NUMBERS}|En|Ingen) (?:region|regioner) ", t) for t in titles)


@pytest.mark.parametrize("name", ["regioner", "kommuner", "reflektion"])
def test_core_properties_are_the_agencys(name: str) -> None:
    prs = open_deck(blobs()[name])
    core = prs.core_properties
    assert core.author == core.last_modified_by == "Socialstyrelsen"
    assert core.title.startswith("Uppföljning av") and core.title.endswith("2025")
    assert "Resultatredovisning" in core.subject or "reflektion" in core.subject
    assert "patientsäkerhet" in core.keywords and core.language == "sv-SE"
    assert "python-pptx" not in (core.comments or "") and "Steve" not in core.last_modified_by
    now = datetime.now(UTC).replace(tzinfo=None)
    assert now - timedelta(minutes=10) < core.created <= now + timedelta(minutes=1)
    assert core.modified == core.created


@pytest.mark.parametrize("name", ["regioner", "kommuner", "reflektion"])
def test_app_xml_counts_the_slides(name: str) -> None:
    blob = blobs()[name]
    app = etree.fromstring(zipfile.ZipFile(io.BytesIO(blob)).read("docProps/app.xml"))
    ns = {"e": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"}
    assert app.findtext("e:Slides", namespaces=ns) == str(len(open_deck(blob).slides))
    assert app.findtext("e:PresentationFormat", namespaces=ns) == "Bredbild"
    assert app.findtext("e:Company", namespaces=ns) == "Socialstyrelsen"


@pytest.mark.parametrize("name", ["regioner", "kommuner", "reflektion"])
def test_every_run_and_every_default_is_swedish(name: str) -> None:
    package = zipfile.ZipFile(io.BytesIO(blobs()[name]))
    problems, runs = [], 0
    for part in package.namelist():
        if not part.endswith(".xml") or not part.startswith("ppt/"):
            continue
        root = etree.fromstring(package.read(part))
        for element in root.iter(f"{A}rPr", f"{A}defRPr", f"{A}endParaRPr"):
            runs += element.tag == f"{A}rPr"
            if element.get("lang") not in (None, "sv-SE") or (element.tag == f"{A}rPr" and element.get("lang") is None):
                problems.append(f"{part}: {element.tag.split('}')[1]} lang={element.get('lang')}")
        if b"en-US" in package.read(part):
            problems.append(f"{part}: en-US")
    assert runs > 300 and problems == []


def test_charts_share_one_scale_and_carry_alt_text_with_their_numbers() -> None:
    prs = open_deck(blobs()["regioner"])
    frames = [shape for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    maxima = {frame.chart.value_axis.maximum_scale for frame in frames}
    assert len(maxima) == 1 and maxima.pop() == pytest.approx(21 * 1.15)
    for frame in frames:
        descr = frame._element.nvGraphicFramePr.cNvPr.get("descr")
        values = [f"{v:g}" for s in frame.chart.plots[0].series for v in s.values]
        assert descr and all(f": {value}" in descr for value in values) and "n = " in descr, frame.name


def test_slides_are_numbered_and_links_are_real() -> None:
    prs = open_deck(blobs()["regioner"])
    for number, slide in enumerate(prs.slides, start=1):
        fields = slide._element.findall(f".//{A}fld[@type='slidenum']")
        assert len(fields) == (0 if number == 1 else 1), number
        if fields:
            assert fields[0].findtext(f"{A}t") == str(number)
    links = {rel.target_ref for slide in prs.slides for rel in slide.part.rels.values() if rel.is_external}
    assert "mailto:patientsakerhet@socialstyrelsen.se" in links
    assert sum(link.startswith("https://") for link in links) >= 3


def test_speaker_notes_give_the_question_n_and_the_routing() -> None:
    prs = open_deck(blobs()["regioner"])
    data = invented()
    notes = {slide.shapes.title.text: slide.notes_slide.notes_text_frame.text for slide in prs.slides
             if slide.has_notes_slide}
    q07 = next(text for text in notes.values() if "Fråga 7a:" in text)
    asked = data.results["q07a"].applicable
    assert "Fråga 7: Har regionen som vårdgivare dokumenterade rutiner" in q07
    assert f"Frågan ställdes till de {asked} regioner som svarade Ja på fråga 7." in q07
    assert f"n = {data.results['q07a'].answered} region" in q07
    assert any("Frågan ställdes till samtliga 21 regioner." in text for text in notes.values())


def test_reflection_says_why_a_follow_up_was_not_asked() -> None:
    prs = open_deck(blobs()["reflektion"])
    notes = {shape.name: shape.text_frame.text for slide in prs.slides for shape in slide.shapes
             if shape.has_text_frame and shape.name.startswith("note:")}
    assert notes["note:q07a"] == "Frågan ställdes inte, eftersom ni svarade Nej på fråga 7."
    assert not [name for name, text in notes.items() if text == "Ni besvarade inte frågan."]


def test_row_labels_lose_their_examples_also_when_these_hold_parentheses() -> None:
    # The municipal rows read «Patientsäkerhetsfunktioner (t.ex. medicinskt ansvarig
    # sjuksköterska (MAS), medicinskt ansvarig för rehabilitering (MAR))».
    prs = open_deck(blobs()["kommuner"])
    titles = [slide.shapes.title.text for slide in prs.slides if slide.shapes.title is not None]
    categories = {label for _, _, frame in charts(prs) for label in frame.chart.plots[0].categories}
    assert "Patientsäkerhetsfunktioner" in categories
    assert not [text for text in [*titles, *categories] if "t.ex." in text or "(MAR)" in text]


def test_a_range_over_sub_questions_is_not_said_to_be_ja_to_both() -> None:
    q = questionnaire("regioner-2025")
    options = hl.matrix_headlines(q, q.item("q21"), [("...identifiering", 16), ("...uppföljning", 15)])
    assert options[-1] == "I fråga 21 svarade 16 respektive 15 regioner ja på de två delfrågorna"
    assert not [option for option in options if "båda" in option]
    same = hl.matrix_headlines(q, q.item("q21"), [("...identifiering", 16), ("...uppföljning", 16)])
    assert same[-1] == "16 regioner svarade ja på båda delfrågorna i fråga 21"


def test_not_asked_is_explained_only_where_a_cell_says_it() -> None:
    explained = []
    for slide in open_deck(blobs()["regioner"]).slides:
        cells = [cell.text for shape in slide.shapes if shape.has_table
                 for row in shape.table.rows for cell in row.cells]
        if not cells:
            continue
        footnote = " ".join(shape.text_frame.text for shape in slide.shapes if shape.name == "footnote")
        says = "Fråga ställdes inte" in cells
        assert ("\u201dFråga ställdes inte\u201d betyder" in footnote) == says, footnote
        explained.append(says)
    assert True in explained and False in explained  # both kinds of table are in the deck


def test_a_theme_grid_is_of_one_type_size() -> None:
    grids = 0
    for slide in open_deck(blobs()["regioner"]).slides:
        boxes = [shape for shape in slide.shapes if shape.name.startswith("theme:")]
        if not boxes:
            continue
        grids += 1
        quotes = {run.font.size.pt for box in boxes for p in box.text_frame.paragraphs[1:] for run in p.runs}
        assert len(quotes) == 1, quotes
    assert grids
