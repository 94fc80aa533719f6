"""XLSForm in and out: our exports convert in pyxform (the reference converter), read back to
the same definition, and hand-written forms import and route as their ``relevant`` says."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from exports.xlsform import xlsform_bytes
from survey.cli import cli
from survey.questionnaire import QuestionnaireError, applicable_ids, load_questionnaire
from survey.questionnaire.loader import load_xlsform
from tests.helpers import QUESTIONNAIRES

HEADER = ("type", "name", "label", "hint", "required", "relevant", "constraint")


def _workbook(survey: list[tuple[str, ...]], choices: list[tuple[str, str, str]] = (),
              settings: tuple[str, str] = ("Hälsoenkät", "halsa-2026"), version: str = "2026") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(HEADER)
    for row in survey:
        sheet.append(row)
    choice_sheet = book.create_sheet("choices")
    choice_sheet.append(("list_name", "name", "label"))
    for row in choices:
        choice_sheet.append(row)
    settings_sheet = book.create_sheet("settings")
    settings_sheet.append(("form_title", "form_id", "version"))
    settings_sheet.append((*settings, version))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["regioner-2025", "kommuner-2025"])
def test_our_export_reads_back_to_the_same_definition(name: str) -> None:
    q = load_questionnaire(QUESTIONNAIRES / f"{name}.yaml")
    back = load_xlsform(xlsform_bytes(q), f"{name}.xlsx")
    assert back.content_hash == q.content_hash
    assert [f.id for f in back.fields] == [f.id for f in q.fields]
    assert (back.main_question_count, back.followup_count) == (q.main_question_count, q.followup_count)


@pytest.mark.parametrize("name", ["regioner-2025", "kommuner-2025"])
def test_pyxform_converts_our_export(name: str, tmp_path: Path) -> None:
    from pyxform.xls2xform import convert

    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(xlsform_bytes(load_questionnaire(QUESTIONNAIRES / f"{name}.yaml")))
    # ODK Validate (Java) checks the XForm too where Java is installed.
    result = convert(xlsform=str(path), validate=shutil.which("java") is not None)
    assert result.warnings == []
    assert "<h:title>" in result.xform and 'relevant="' in result.xform


def test_export_routes_in_xlsform_syntax() -> None:
    book = load_workbook(io.BytesIO(xlsform_bytes(load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml"))))
    rows = {row[1]: row for row in book["survey"].iter_rows(values_only=True)}
    columns = [cell.value for cell in book["survey"][1]]
    relevant = columns.index("relevant")
    assert rows["q01a"][relevant] == "(${q01} = 'ja' or ${q01} = 'nej_beslut')"
    assert rows["q03a_leg"][relevant] == "${q03_leg} = 'ja'"
    assert rows["q15b_6_text"][relevant] == "${q15b_6} = 'ja'"


HANDWRITTEN = [
    ("begin group", "bakgrund", "Bakgrund", "", "", "", ""),
    ("select_one janej", "har_plan", "Finns en plan?", "Välj ett svar", "yes", "", ""),
    ("text", "plan_namn", "Vad heter planen?", "", "yes", "${har_plan} = 'ja'", "string-length(.) <= 200"),
    ("integer", "antal", "Hur många anställda?", "", "", "", ". >= 0 and . <= 100000"),
    ("decimal", "andel", "Andel i procent", "", "", "${antal} > 10", ""),
    ("date", "beslut", "När beslutades planen?", "", "", "${har_plan} = 'ja' and ${antal} > 0", ""),
    ("end group", "", "", "", "", "", ""),
    ("begin group", "stod", "Stöd", "", "", "", ""),
    ("select_multiple insatser", "insats", "Vilka insatser?", "", "", "", ""),
    ("text", "insats_annat", "Beskriv den andra insatsen", "", "", "selected(${insats}, 'annat')", ""),
    ("end group", "", "", "", "", "", ""),
]
HANDWRITTEN_CHOICES = [("janej", "ja", "Ja"), ("janej", "nej", "Nej"),
                       ("insatser", "samtal", "Samtal"), ("insatser", "annat", "Annat")]


def test_a_handwritten_xlsform_imports_and_routes_as_its_relevant_says() -> None:
    q = load_xlsform(_workbook(HANDWRITTEN, HANDWRITTEN_CHOICES), "halsa.xlsx")
    assert [s.id for s in q.sections] == ["bakgrund", "stod"]
    assert q.item("har_plan").required and not q.item("antal").required
    assert q.item("plan_namn").max_length == 200 and q.item("antal").maximum == "100000"
    assert q.item("antal").decimals == 0 and q.item("beslut").type.value == "date"
    always = {"har_plan", "antal", "insats"}
    assert applicable_ids(q, {}) == always
    assert applicable_ids(q, {"har_plan": "ja", "antal": "20"}) == always | {"plan_namn", "andel", "beslut"}
    assert applicable_ids(q, {"har_plan": "nej", "antal": "5"}) == always
    assert applicable_ids(q, {"insats": ["annat"]}) == always | {"insats_annat"}


def _problems(data: bytes, name: str = "bad.xlsx") -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_xlsform(data, name)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(("rows", "expected"), [
    ([("text", "a", "A"), ("text", "a", "Igen")], "bad.xlsx:survey:4: a: duplicate id 'a'"),
    ([("geopoint", "plats", "Var?")], "bad.xlsx:survey:3: plats: type 'geopoint' cannot be expressed"),
    ([("text", "a", "A", "", "", "${okand} = 'ja'")], "bad.xlsx:survey:3: a: condition refers to unknown item 'okand'"),
    ([("text", "a", "A", "", "", "${b} != ''"), ("text", "b", "B")],
     "bad.xlsx:survey:3: a: condition refers to 'b', which comes later"),
    ([("text", "a", "A", "", "", "${a} = 'x'")], "bad.xlsx:survey:3: a: condition refers to"),
    ([("select_one saknas", "a", "A")], "bad.xlsx:survey:3: a: choice list 'saknas' does not exist"),
    ([("text", "a", "")], "bad.xlsx:survey:3: a:"),
    ([("text", "a", "A", "", "", "${a} + 1 > 2")], "bad.xlsx:survey:3: a: relevant '${a} + 1 > 2': unexpected '+'"),
    ([("text", "a", "A", "", "", "", "regex(., '[0-9]')")], "bad.xlsx:survey:3: a: constraint"),
])
def test_bad_rows_are_named_by_sheet_and_row(rows: list[tuple[str, ...]], expected: str) -> None:
    survey = [("begin group", "s", "Avsnitt"), *rows, ("end group", "s", "")]
    problems = _problems(_workbook(survey))
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize("version", ["²", "١٢", "20 26"])
def test_a_year_that_is_not_ascii_digits_is_named_not_a_crash(version: str) -> None:
    problems = _problems(_workbook([("begin group", "s", "Avsnitt"), ("text", "a", "A"), ("end group", "s", "")],
                                   version=version))
    assert any("year" in problem and problem.startswith("bad.xlsx:settings") for problem in problems), problems


def test_a_formula_cell_is_refused() -> None:
    book = load_workbook(io.BytesIO(_workbook([("begin group", "s", "Avsnitt"), ("text", "a", "A"),
                                               ("end group", "s", "")])))
    book["survey"]["C3"] = "=HYPERLINK(\"http://x\")"
    buffer = io.BytesIO()
    book.save(buffer)
    assert any("bad.xlsx:survey:3" in p and "formula" in p for p in _problems(buffer.getvalue()))


def test_not_a_workbook_and_a_zip_bomb_are_refused() -> None:
    assert _problems(b"type,name,label\ntext,a,A\n") == [
        "bad.xlsx:1: -: not an Excel workbook (.xlsx): the file is not a zip archive"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 2**20))
    assert "unpacks to 30 MB" in _problems(bomb.getvalue())[0]


def test_cli_exports_and_checks_an_xlsform(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "regioner.xlsx"
    result = runner.invoke(cli, ["questionnaire", "export", "regioner-2025", "--xlsform", "-o", str(target)])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(cli, ["questionnaire", "check", str(target), "--json"])
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)[0]
    yaml = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    assert report["id"] == "regioner-2025" and report["content_hash"] == yaml.content_hash
    assert report["counts"] == {"main_questions": 22, "followups": 31, "answer_ids": len(yaml.fields)}
