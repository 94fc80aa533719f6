"""Shared helpers for the deck tests (invented results, reading decks back, LibreOffice
rendering), imported by the test_pptx*, test_reflect*, test_render* and test_compare modules."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from survey.aggregation.aggregate import OrgInfo, ResponseData, RoundResults, aggregate
from survey.demo.data_2024 import plausible_answers
from survey.questionnaire import Questionnaire, load_questionnaire
from survey.registry import load_registry
from survey.reports.deck import Conduct, DeckInput, FreeText, ThemeSummary
from tests.helpers import QUESTIONNAIRES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
EMU_PER_PT = 12700


@cache
def questionnaire(qid: str) -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRES / f"{qid}.yaml")


@dataclass(frozen=True)
class Invented:
    q: Questionnaire
    orgs: tuple[OrgInfo, ...]
    responses: tuple[ResponseData, ...]
    results: RoundResults


@cache
def invented(qid: str = "regioner-2025", seed: int = 7, missing: int = 0) -> Invented:
    """Every organisation of the kind answers (``missing`` of them do not) with invented data."""
    q = questionnaire(qid)
    orgs = tuple(OrgInfo(o.code, o.name, o.kind, o.county, o.county_name)
                 for o in load_registry() if o.kind == q.respondent_kind)
    answers = plausible_answers(q, [o.code for o in orgs], seed=seed)
    responses = tuple(ResponseData(o, "submitted", answers[o.code]) for o in orgs[missing:])
    return Invented(q, orgs, responses, aggregate(q, responses, orgs))


THEMES = (
    ThemeSummary("Ledning och styrning", 5, (
        "Ett förtydligande av regionens roll som huvudman och vårdgivare skulle möjliggöra bättre "
        "uppföljningar och sammanställningar för det fortsatta förbättringsarbetet",
        "Ledningsstrukturernas fokus på frågorna")),
    ThemeSummary("Samverkan", 7, (
        "Samverkan med kommunerna kan stärkas ytterligare i gemensamma riskområden så som t ex vårdens "
        "övergångar, vårdrelaterade infektioner och trycksårsprevention",
        "Samverkan kring avvikelshantering kan stärkas")),
    ThemeSummary("Patienten som medskapare", 3, (
        "Involvera patient/närstående i högre utsträckning i patientsäkerhetsarbete", "Patientdelaktighet")),
    ThemeSummary("Uppföljning", 4, (
        "Nationella indikatorer som går att följa upp på regionalnivå samt på förvaltningsnivå",
        "Stöd från nationell nivå inom uppföljningsområdet inkl indikatorer och MJG är önskvärt")),
    ThemeSummary("Adekvat kunskap och kompetens", 4, (
        "Utbildningsprogram för chefer och medarbetare i sakområdet patientsäkerhet",
        "Tillgång till utbildningar i patientsäkerhet till högre tjänstemän")),
    ThemeSummary("Metoder och arbetssätt", 2, (
        "Implementering av antibiotikasmarta arbetssätt i regionen",
        "Framtagande av automatiserad journalgranskning att använda vid MJG")),
)


def deck_input(data: Invented, themes: tuple[ThemeSummary, ...] = THEMES) -> DeckInput:
    return DeckInput(
        data.q, data.results, Conduct(date(2025, 9, 23), date(2025, 10, 19), 7),
        {"q22": FreeText("q22", data.results["q22"].answered, themes)},
        {"q01": ("Regionen planerar och genomför systematiskt patientsäkerhetsarbete i enlighet med "
                 "den nationella handlingsplanen.",)})


def open_deck(blob: bytes) -> Any:
    return Presentation(io.BytesIO(blob))


def charts(prs: Any) -> Iterator[tuple[int, Any, Any]]:
    """(slide number, slide, graphic frame) of every chart."""
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.has_chart:
                yield number, slide, shape


def shape_named(slide: Any, name: str) -> Any:
    found = [shape for shape in slide.shapes if shape.name == name]
    assert found, f"no shape {name} on slide"
    return found[0]


def require_soffice() -> str:
    if SOFFICE is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-impress poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SOFFICE


def render_pdf(blob: bytes, folder: Path) -> Path:
    """The deck as PDF through LibreOffice (a private profile, so parallel runs do not clash)."""
    soffice = require_soffice()
    source = folder / "deck.pptx"
    source.write_bytes(blob)
    profile = folder / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    return folder / "deck.pdf"


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdf_words(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """Per page: its width, height (points) and words with their boxes (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [Word(_unescape(m.group(5)), *(float(m.group(i)) for i in range(1, 5)))
                 for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                      r'yMax="([\d.]+)">(.*?)</word>', page.group(3))]
        pages.append((float(page.group(1)), float(page.group(2)), words))
    return pages


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def render_pngs(pdf: Path, folder: Path, dpi: int = 40) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "slide")], check=True,
                   capture_output=True, timeout=180)
    return sorted(folder.glob("slide-*.png"))


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


def overflowing(prs: Any, pdf: Path) -> list[str]:
    """Every word the rendered PDF draws outside the shape on its slide whose text holds it."""
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
