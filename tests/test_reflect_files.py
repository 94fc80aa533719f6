"""An organisation's reflection: the view, its PowerPoint (own answer marked) and its Excel file."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from pptx.enum.dml import MSO_THEME_COLOR

from exports.pptx_reflection import ReflectionDeckInput, build_reflection_deck
from exports.xlsx_reflection import build_reflection_xlsx
from survey.aggregation.aggregate import aggregate_by
from survey.aggregation.compare import compare
from survey.questionnaire.routing import applicable_ids
from survey.reports.reflection import build_reflection, question_keys
from tests.pptx_helpers import charts, invented, open_deck, shape_named


def _reflection(qid: str = "regioner-2025", index: int = 3, **extra: Any) -> tuple[Any, Any]:
    data = invented(qid)
    response = data.responses[index]
    own = dict(response.answers)
    return build_reflection(data.q, data.results, response.organisation, own, applicable_ids(data.q, own),
                            **extra), own


def test_the_view_says_own_answer_beside_the_others() -> None:
    data = invented()
    reflection, own = _reflection()
    q02 = next(f for s in reflection.sections for f in s.fields if f.answer_id == "q02")
    label = "Ja" if own["q02"] == "ja" else "Nej"
    same = data.results["q02"].counts[own["q02"]]
    assert q02.summary == f"Ni svarade {label}. Det gjorde {same} av 21 regioner."
    assert [o.own for o in q02.groups[0].options] == [own["q02"] == "ja", own["q02"] == "nej"]
    assert q02.differs == (same * 2 < 21)


def test_a_municipality_is_compared_with_its_county_and_the_country() -> None:
    data = invented("kommuner-2025")
    response = data.responses[0]
    county = aggregate_by(data.q, list(data.responses), list(data.orgs), key=lambda o: o.county)
    org = response.organisation
    own = dict(response.answers)
    reflection = build_reflection(data.q, data.results, org, own, applicable_ids(data.q, own),
                                  county=(f"Kommunerna i {org.county_name}", county[org.county]))
    first = reflection.sections[0].fields[0]
    assert [g.name for g in first.groups] == [f"Kommunerna i {org.county_name}", "Alla kommuner"]
    assert first.groups[0].n == county[org.county]["q01"].answered


def test_last_year_is_shown_or_flagged_as_not_comparable() -> None:
    before_q = invented("regioner-2025").q
    data = invented()
    comparison = compare(before_q, data.results, data.q, data.results)
    reflection, own = _reflection(comparison=comparison, before=dict(data.responses[3].answers))
    q02 = next(f for s in reflection.sections for f in s.fields if f.answer_id == "q02")
    assert q02.last_year == f"År 2025 svarade ni {'Ja' if own['q02'] == 'ja' else 'Nej'}."


@pytest.fixture(scope="module")
def deck() -> Any:
    data = invented()
    reflection, own = _reflection()
    notes = {question_keys(reflection.questions)[0]: "Vi behöver se över handlingsplanen."}
    return open_deck(build_reflection_deck(ReflectionDeckInput(reflection, data.results, own, notes))), own


def test_the_deck_marks_the_organisations_answer(deck: Any) -> None:
    prs, own = deck
    data = invented()
    marked = 0
    for _, slide, frame in charts(prs):
        key = frame.name.removeprefix("chart:")
        if not data.q.has_field(key) or key not in own:
            continue
        f = data.q.field(key)
        series = frame.chart.plots[0].series[0]
        index = [c.code for c in f.codes].index(own[key])
        assert series.points[index].format.fill.fore_color.theme_color == MSO_THEME_COLOR.ACCENT_2
        note = shape_named(slide, f"note:{key}").text_frame.text
        same = data.results[key].counts[own[key]]
        label = f.label_of(own[key])
        said = label if label in ("Ja", "Nej") else f"\u201d{label}\u201d"  # other options are quoted
        assert note.startswith(f"Ni svarade {said}. Det gjorde {same} av ")
        marked += 1
    assert marked > 30


def test_the_deck_carries_the_notes(deck: Any) -> None:
    prs, _ = deck
    text = "\n".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
    assert "Vi behöver se över handlingsplanen." in text and "(inga anteckningar ännu)" in text


def test_the_excel_file_marks_the_answer_and_keeps_text_as_text() -> None:
    reflection, own = _reflection()
    blob = build_reflection_xlsx(reflection, {"fraga1": "=SUM(A1:A3)", "allmant": "@intern anteckning"})
    workbook = openpyxl.load_workbook(io.BytesIO(blob))
    answers = workbook["Era svar"]
    rows = [[cell.value for cell in row] for row in answers.iter_rows(min_row=4)]
    q02 = [row for row in rows if row[1] == "q02"]
    assert [row[3] for row in q02 if row[4] == "Ert svar"] == ["Ja" if own["q02"] == "ja" else "Nej"]
    notes = workbook["Reflektion"]
    assert notes["B4"].value == "=SUM(A1:A3)" and notes["B4"].data_type == "s"
    assert notes.cell(row=3 + len(reflection.questions) + 1, column=2).value == "@intern anteckning"


def test_the_excel_file_says_why_a_follow_up_was_not_asked_and_has_the_free_text() -> None:
    reflection, own = _reflection()
    blob = build_reflection_xlsx(reflection, {}, own)
    workbook = openpyxl.load_workbook(io.BytesIO(blob))
    rows = [[cell.value for cell in row] for row in workbook["Era svar"].iter_rows(min_row=4)]
    not_asked = [view for s in reflection.sections for view in s.fields if not view.asked]
    assert not_asked  # the invented region answered Nej somewhere
    for view in not_asked:
        first = next(row for row in rows if row[1] == view.answer_id)
        assert first[4].startswith("Frågan ställdes inte"), view.answer_id
    q = reflection.questionnaire
    for view in not_asked:
        gate = q.field(view.answer_id).gate
        if gate and own.get(gate) == "nej":
            number = q.item(q.field(gate).item_id).number
            first = next(row for row in rows if row[1] == view.answer_id)
            assert first[4].startswith(f"Frågan ställdes inte, eftersom ni svarade Nej på fråga {number}")
    texts = [tuple(row) for row in workbook["Era fritextsvar"].iter_rows(min_row=4, values_only=True)]
    own_texts = [(f.id, value) for f in q.fields if f.type.value == "text" and isinstance(value := own.get(f.id), str)
                 and value.strip()]
    assert [text for _, text in texts] == [value for _, value in own_texts] or (
        not own_texts and texts[0][0].startswith("Ni lämnade inga"))
