"""How long the national deck takes, against the same charts drawn with bare python-pptx.

Not a test. Builds the 2025 regional deck (the demo's answers, aggregated) with
``exports.pptx_deck`` and, interleaved in the same run, a deck with exactly the same charts
(same slides, categories and values, one title per slide) made with nothing but python-pptx:
blank 16:9 slides, default chart styling, no text fitting, no headlines, no template. Prints
the medians and the ratio; the target is at most 1.5.

    python bench/bench_pptx.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Cm, Pt

from exports.pptx_deck import build_national_deck
from survey.aggregation.aggregate import OrgInfo, ResponseData, aggregate
from survey.questionnaire import load_questionnaire
from survey.registry import load_registry
from survey.reports.deck import Conduct, DeckInput

ROOT = Path(__file__).resolve().parent.parent
ChartSpec = tuple[str, tuple[str, ...], tuple[tuple[str, tuple[float, ...]], ...]]


def deck_input() -> DeckInput:
    from datetime import date

    q = load_questionnaire(ROOT / "survey" / "questionnaires" / "regioner-2025.yaml")
    orgs = [OrgInfo(o.code, o.name, o.kind, o.county, o.county_name) for o in load_registry() if o.kind == "region"]
    by_code = {o.code: o for o in orgs}
    document = json.loads((ROOT / "survey" / "demo" / "data" / "regioner-2025-svar.json").read_text("utf-8"))
    responses = [ResponseData(by_code[r["organisation"]], r["status"], r["answers"]) for r in document["responses"]]
    return DeckInput(q, aggregate(q, responses, orgs), Conduct(date(2025, 9, 23), date(2025, 10, 19), 7))


def chart_slides(blob: bytes) -> list[tuple[str, list[ChartSpec]]]:
    """Per slide with charts: its title and each chart's data, read back from our deck."""
    found = []
    for slide in Presentation(io.BytesIO(blob)).slides:
        specs = []
        for shape in slide.shapes:
            if shape.has_chart:
                plot = shape.chart.plots[0]
                specs.append((shape.name, tuple(plot.categories),
                              tuple((s.name, tuple(s.values)) for s in plot.series)))
        if specs:
            found.append((slide.shapes.title.text if slide.shapes.title else "", specs))
    return found


def bare_deck(slides: list[tuple[str, list[ChartSpec]]]) -> bytes:
    """The same charts, plainly: what a hand-written python-pptx script would do."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Cm(33.867), Cm(19.05)
    for title, specs in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = title
        width = int(Cm(31) / len(specs))
        for index, (_, categories, series) in enumerate(specs):
            data = CategoryChartData()
            data.categories = categories
            for name, values in series:
                data.add_series(name, values)
            frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Cm(1.2) + index * width, Cm(4),
                                           width, Cm(12), data)
            plot = frame.chart.plots[0]
            plot.has_data_labels = True
            plot.data_labels.font.size = Pt(12)
            box = slide.shapes.add_textbox(Cm(1.2) + index * width, Cm(16.5), width, Cm(1))
            box.text_frame.text = "n"
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    data = deck_input()
    slides = chart_slides(build_national_deck(data))
    ours, bare = [], []
    for _ in range(args.rounds):  # interleaved, so drift in machine speed hits both alike
        start = time.perf_counter()
        build_national_deck(data)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_deck(slides)
        bare.append(time.perf_counter() - start)
    charts = sum(len(specs) for _, specs in slides)
    ours_ms, bare_ms = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    print(f"national deck, regioner-2025: {charts} charts on {len(slides)} chart slides")
    print(f"  exports.pptx_deck  median {ours_ms:7.1f} ms  (whole deck, {args.rounds} rounds)")
    print(f"  bare python-pptx   median {bare_ms:7.1f} ms  (same charts only)")
    print(f"  ratio {ours_ms / bare_ms:.2f} (target ≤ 1.5)")


if __name__ == "__main__":
    main()
