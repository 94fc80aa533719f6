"""The national deck, opened again with python-pptx: charts, numbers, n and headlines."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pptx.enum.chart import XL_CHART_TYPE

from exports.pptx_deck import build_national_deck
from survey.aggregation.aggregate import ItemResult
from survey.questionnaire.model import ItemType, Role
from survey.reports.headlines import Kind, yes_sentence
from tests.pptx_helpers import charts, deck_input, invented, open_deck, shape_named


@pytest.fixture(scope="module")
def deck() -> Any:
    return open_deck(build_national_deck(deck_input(invented())))


def _chart_names(prs: Any) -> dict[str, tuple[Any, Any]]:
    return {frame.name.removeprefix("chart:"): (slide, frame) for _, slide, frame in charts(prs)}


def test_every_main_question_with_answer_options_has_a_native_chart(deck: Any) -> None:
    q = invented().q
    names = _chart_names(deck)
    for section in q.sections:
        for item in section.items:
            if item.type in (ItemType.TEXT, ItemType.NUMBER, ItemType.DATE):
                continue
            fields = [f.id for f in q.fields_of_item(item.id) if f.role is Role.MAIN]
            assert item.id in names or all(f in names for f in fields), item.id
    assert all(frame.chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED for _, frame in names.values())


def test_chart_values_are_the_aggregation(deck: Any) -> None:
    data = invented()
    checked = 0
    for key, (_, frame) in _chart_names(deck).items():
        if not data.q.has_field(key):
            continue
        f, result = data.q.field(key), data.results[key]
        plot = frame.chart.plots[0]
        assert list(plot.categories) == [c.label for c in f.codes]
        assert list(plot.series[0].values) == [result.counts[c.code] for c in f.codes]
        checked += 1
    assert checked > 40


def test_rows_chart_counts_ja_per_row(deck: Any) -> None:
    data = invented()
    _, frame = _chart_names(deck)["q03"]
    plot = frame.chart.plots[0]
    by_label = dict(zip(plot.categories, plot.series[0].values, strict=True))
    for f in data.q.fields_of_item("q03"):
        if f.role is Role.MAIN:
            assert by_label[re.sub(r"\s*\(.*\)$", "", f.label)] == data.results[f.id].counts["ja"]


def test_every_chart_slide_states_n(deck: Any) -> None:
    data = invented()
    for _, slide, frame in charts(deck):
        key = frame.name.removeprefix("chart:")
        n = shape_named(slide, f"n:{key}").text_frame.text
        assert re.fullmatch(r"n = \d+(–\d+)? regioner?", n), n
        if data.q.has_field(key):
            assert n == Kind.of(data.q).n(data.results[key].answered)


def test_titles_carry_the_numbers(deck: Any) -> None:
    data = invented()
    names = _chart_names(deck)
    for key in ("q02", "q05", "q12", "q20"):
        slide, _ = names[key]
        yes = data.results[key].counts["ja"]
        assert slide.shapes.title.text.startswith(Kind.of(data.q).count(yes) + " har ")
    slide, _ = names["q19"]
    assert slide.shapes.title.text.startswith(f"{data.results['q19'].counts['ja']} regioner mäter ")


def test_headlines_for_none_one_and_inverted_questions() -> None:
    kind = Kind("region", "regioner", "regionerna", "regionen", "regionens")
    text = "Har regionen som vårdgivare dokumenterade rutiner för X?"
    none = ItemResult("q", 21, 21, 21, 21, 0, {"ja": 0, "nej": 21})
    one = ItemResult("q", 21, 21, 21, 21, 0, {"ja": 1, "nej": 20})
    assert yes_sentence(text, kind, none) == "Ingen region har dokumenterade rutiner för X"
    assert yes_sentence(text, kind, one) == "1 region har dokumenterade rutiner för X"
    follow = ItemResult("q", 21, 21, 20, 20, 0, {"ja": 15, "nej": 5})
    assert (yes_sentence("Är de dokumenterade rutinerna en del av ledningssystemet?", kind, follow)
            == "I 15 av de 20 regionerna är de dokumenterade rutinerna en del av ledningssystemet")


def test_per_staff_group_table_says_when_a_follow_up_was_not_asked(deck: Any) -> None:
    data = invented()
    table = next(shape for slide in deck.slides for shape in slide.shapes if shape.name == "table:q03-q03a-q03b")
    rows = [[cell.text for cell in row.cells] for row in table.table.rows]
    assert rows[0][1:] == ["Antal regioner med rutin", "Antal regioner med dokumenterad rutin",
                           "Antal regioner med dokumenterad rutin i sitt ledningssystem"]
    ickeleg = next(row for row in rows if row[0].startswith("Icke legitimerad"))
    assert ickeleg[1:] == [str(data.results["q03_ickeleg"].counts["ja"]),
                           str(data.results["q03a_ickeleg"].counts["ja"]), "Fråga ställdes inte"]


def _all_text(prs: Any) -> str:
    return "\n".join(shape.text_frame.text for slide in prs.slides for shape in slide.shapes
                     if shape.has_text_frame)


def test_themes_reflection_questions_and_conduct(deck: Any) -> None:
    text = _all_text(deck)
    assert "Enkäten består av 22 huvudfrågor samt 31 följdfrågor" in text
    assert "100 procent (21 st) regioner har besvarat enkäten." in text
    assert "23 september till 19 oktober 2025 med en förlängning av 7 dagar" in text
    assert "«Samverkan kring avvikelshantering kan stärkas»" in text
    assert "Hur arbetar vår region" in text
    assert "Kommentar från en region: «Regionen planerar" in text
    theme_chart = _chart_names(deck)["themes:q22"][1].chart.plots[0]
    assert list(theme_chart.categories)[0] == "Samverkan" and list(theme_chart.series[0].values)[0] == 7


def test_municipal_deck_speaks_of_kommuner_and_reports_non_response() -> None:
    data = invented("kommuner-2025", missing=11)
    prs = open_deck(build_national_deck(deck_input(data)))
    text = _all_text(prs)
    assert "Uppföljning av kommunernas patientsäkerhetsarbete" in text
    assert "279 av 290 kommuner (96 procent) har svarat på enkäten" in text
    assert "n = 279 kommuner" in text and not re.search(r"n = \d+ region|\d+ regioner har", text)
