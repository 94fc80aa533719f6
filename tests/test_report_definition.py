"""The report definition (the deck's words as YAML), headline overrides, Swedish tidying and
the routing said in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.aggregation.aggregate import ItemResult
from survey.reports.definition import REPORT_DIR, ReportDefinitionError, fill, load_report, report_for
from survey.reports.headlines import Kind, override, tidy
from survey.reports.routing_words import asked_to, not_asked_reason
from tests.pptx_helpers import invented, questionnaire

SHIPPED = REPORT_DIR / "patientsakerhet-2025.yaml"
REGIONS = Kind("region", "regioner", "regionerna", "regionen", "regionens")


def test_the_shipped_definition_loads_against_both_questionnaires() -> None:
    report = load_report(SHIPPED, [questionnaire("regioner-2025"), questionnaire("kommuner-2025")])
    assert report.agency == "Socialstyrelsen" and report.contact == "patientsakerhet@socialstyrelsen.se"
    assert set(report.links) == {"results", "action_plan", "questions"}
    assert all(link.url.startswith("https://") for link in [*report.links.values(), *report.read_more])
    assert [q.stem for q in report.reflection_questions][0] == "Hur arbetar vår {organisation}"
    assert report_for(questionnaire("kommuner-2025")) == report_for(questionnaire("regioner-2025"))


def test_texts_take_the_questionnaires_words() -> None:
    report = report_for(questionnaire("kommuner-2025"))
    assert fill(report.reflection_questions[0].stem, questionnaire("kommuner-2025")) == "Hur arbetar vår kommun"
    assert "kommuner" in [fill(word, questionnaire("kommuner-2025")) for word in report.keywords]


BROKEN = """\
family: patientsakerhet
year: "2026"
agency: Socialstyrelsen
colour: blå
background: Om {organisationerns} arbete.
links:
  results: {text: Resultat, url: "http://example.se"}
  elsewhere: {text: X, url: "https://example.se"}
headlines:
  q99: Något om {organisationer}
  q01a: "{politisk} av {n} {organisationer} beslutade {okänt}"
  q02: Slutar med punkt.
"""


def test_every_problem_is_named_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rapport.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ReportDefinitionError) as caught:
        load_report(path, [questionnaire("regioner-2025")])
    lines = str(caught.value).splitlines()
    where = {line.split(": ", 2)[0].rsplit(":", 1)[1]: line for line in lines}
    assert "'year' must be a year" in where["2"]
    assert "unknown key 'colour'" in where["4"]
    assert "unknown placeholder '{organisationerns}'" in where["5"]
    assert "url must start with https://" in where["7"]
    assert "unknown link 'elsewhere'" in where["8"]
    assert "q99: no item 'q99' in questionnaire regioner-2025" in where["10"]
    assert "q01a: unknown placeholder '{okänt}'" in where["11"]
    assert "q02: a headline is a title" in where["12"]
    assert all(line.startswith(str(path)) for line in lines) and len(lines) == 8


def test_the_newest_definition_up_to_the_year_is_used(tmp_path: Path) -> None:
    for year in (2024, 2026):
        (tmp_path / f"patientsakerhet-{year}.yaml").write_text(
            f"family: patientsakerhet\nyear: {year}\nagency: Socialstyrelsen\ncontact: a{year}@b.se\n", "utf-8")
    assert report_for(questionnaire("regioner-2025"), tmp_path).contact == "a2024@b.se"
    assert report_for(questionnaire("regioner-2025"), tmp_path / "none").agency == "Socialstyrelsen"


def test_an_override_counts_with_the_rounds_numbers() -> None:
    q, data = questionnaire("regioner-2025"), invented()
    results = data.results.items
    text = override(q, q.item("q01a"), "I {politisk} av de {n} {organisationer} fattades beslutet politiskt", results)
    assert text == tidy(f"I {results['q01a'].counts['politisk']} av de {results['q01a'].answered} regioner "
                        "fattades beslutet politiskt", REGIONS)
    one = {"q06": ItemResult("q06", 21, 21, 21, 21, 0, {"ja": 1, "nej": 20})}
    none = {"q06": ItemResult("q06", 21, 21, 21, 21, 0, {"ja": 0, "nej": 21})}
    assert override(q, q.item("q06"), "{ja} {organisationer} har rutiner", one) == "En region har rutiner"
    assert override(q, q.item("q06"), "{ja} {organisationer} har rutiner", none) == "Ingen region har rutiner"


@pytest.mark.parametrize(("raw", "tidied"), [
    ("3 regioner har rutiner", "Tre regioner har rutiner"),
    ("1 regioner har rutiner", "En region har rutiner"),
    ("19 regioner har rutiner", "19 regioner har rutiner"),
    ("De 1 regioner som har rutiner erbjuder stöd", "Den enda region som har rutiner erbjuder stöd"),
    ("I 0 av de 20 regionerna är det så", "I ingen av de 20 regionerna är det så"),
    ("I 15 av de 1 regionerna", "I 15 av den enda regionen"),
])
def test_tidy_makes_numbers_and_nouns_agree(raw: str, tidied: str) -> None:
    assert tidy(raw, REGIONS) == tidied


def test_routing_in_words() -> None:
    q, data = questionnaire("regioner-2025"), invented()
    asked = data.results["q07a"].applicable
    assert asked_to(q, q.field("q07a"), data.results) == \
        f"Frågan ställdes till de {asked} regioner som svarade Ja på fråga 7."
    assert asked_to(q, q.field("q07"), data.results) == "Frågan ställdes till samtliga 21 regioner."
    assert "som svarade Ja eller Nej, men beslut har fattats" in asked_to(q, q.field("q01a"), data.results)
    assert not_asked_reason(q, q.field("q07a"), {"q07": "nej"}) == \
        "Frågan ställdes inte, eftersom ni svarade Nej på fråga 7."
    assert not_asked_reason(q, q.field("q03b_leg"), {"q03_leg": "nej"}) == \
        "Frågan ställdes inte, eftersom ni svarade Nej för Legitimerad hälso- och sjukvårdspersonal på fråga 3."
