"""The files for statistics software, opened by real clients: PSPP reads the .sav, pyreadstat
the .dta, the csv module the CSV files; every count must be the aggregation's."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook

from exports.codebook import build_codebook_csv, build_codebook_json
from exports.csv_files import build_csv
from exports.stats import build_dta, build_sav
from exports.xlsx import build_answer_file
from survey.aggregation.aggregate import AnswerState, OrgInfo, ResponseData, RoundData, RoundResults
from survey.demo.data_2025 import fictional_2025
from survey.questionnaire import conditions as cond
from survey.questionnaire import load_questionnaire
from tests.helpers import QUESTIONNAIRES

Q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
MADE = datetime(2025, 10, 27, 9, 0, tzinfo=UTC)
EXTRA = (OrgInfo("98", "Region Prov", "region", "98", "Provlän"),
         OrgInfo("99", "Region Utkast", "region", "99", "Utkastlän"))
CHECKED = ["q01", "q01a", "q14", "q03b_leg", "q04b_ickeleg", "q19a", "q22"]


@pytest.fixture(scope="module")
def data() -> RoundData:
    """The fictional 2025 answers, plus one organisation that never answered and one draft."""
    base = fictional_2025(Q)
    draft = ResponseData(EXTRA[1], "draft", {"q01": "nej"})
    return replace(base, population=base.population + EXTRA, responses=base.responses + (draft,))


@pytest.fixture(scope="module")
def results(data: RoundData) -> RoundResults:
    return data.results()


def pspp_frequencies(sav: Path, names: list[str], folder: Path) -> dict[str, dict[tuple[str, str], int]]:
    """FREQUENCIES in PSPP, read from its CSV output: variable label → (Valid/Missing, value label) → n."""
    syntax = folder / "frequencies.sps"
    syntax.write_text(f"GET FILE='{sav}'.\nFREQUENCIES VARIABLES={' '.join(names)} /STATISTICS=NONE.\n",
                      encoding="utf-8")
    output = folder / "frequencies.csv"
    run = subprocess.run(["pspp", str(syntax), "-o", str(output), "-O", "format=csv"], capture_output=True,
                         text=True, timeout=120, check=True)
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    tables: dict[str, dict[tuple[str, str], int]] = {}
    current: dict[tuple[str, str], int] | None = None
    kind = ""
    for row in csv.reader(output.read_text(encoding="utf-8").splitlines()):
        if row and row[0].startswith("Table: "):
            current = tables.setdefault(row[0].removeprefix("Table: "), {})
        elif current is not None and len(row) > 2 and row[1] and row[2].isdigit():
            kind = row[0] or kind
            current[(kind, row[1].strip())] = int(row[2])
    return tables


@pytest.mark.skipif(shutil.which("pspp") is None, reason="needs Debian's pspp (installed by .ci/run)")
def test_pspp_reads_the_sav_with_the_aggregations_counts(data: RoundData, results: RoundResults,
                                                         tmp_path: Path) -> None:
    sav = tmp_path / "svar.sav"
    sav.write_bytes(build_sav(data, MADE))
    coded = [aid for aid in CHECKED if Q.field(aid).codes]
    _, meta = pyreadstat.read_sav(str(sav), metadataonly=True)
    tables = pspp_frequencies(sav, coded, tmp_path)
    for aid in coded:
        f, item = Q.field(aid), results[aid]
        table = tables[meta.column_names_to_labels[aid]]
        valid = {label: n for (kind, label), n in table.items() if kind == "Valid"}
        assert valid == {c.label: item.counts[c.code] for c in f.codes if item.counts[c.code]}, aid
        missing = {label: n for (kind, label), n in table.items() if kind == "Missing"}
        expected = {"Ej aktuell (ställdes inte)": item.not_applicable, "Obesvarad (bortfall)": item.not_answered,
                    "Lämnad tom (frivillig)": item.left_blank, ".": item.population - item.submitted}
        assert missing == {label: n for label, n in expected.items() if n}, aid


def test_the_dta_reads_back_with_labels_and_tagged_missing_values(data: RoundData, results: RoundResults,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "svar.dta"
    path.write_bytes(build_dta(data, MADE))
    frame, meta = pyreadstat.read_dta(str(path), user_missing=True)
    assert len(frame) == results.population and list(frame.columns[:7]) == [
        "organisation", "name", "kind", "county", "county_name", "status", "submitted_at"]
    assert Counter(frame["status"]) == {"submitted": 21, "not_submitted": 2}
    assert meta.variable_value_labels["q01"] == {1: "Ja", 2: Q.field("q01").label_of("nej_beslut"),
                                                 3: "Nej", "a": "Ej aktuell (ställdes inte)",
                                                 "b": "Obesvarad (bortfall)", "c": "Lämnad tom (frivillig)"}
    assert meta.column_names_to_labels["q03_leg"].startswith("3. Har regionen")
    for f in Q.fields:
        if not f.codes:
            continue
        item, values = results[f.id], Counter(frame[f.id].dropna())
        numbers = {label: code for code, label in meta.variable_value_labels[f.id].items()}
        assert {c.code: values[numbers[c.label]] for c in f.codes} == item.counts, f.id
        assert (values["a"], values["b"], values["c"]) == (item.not_applicable, item.not_answered, item.left_blank)
    texts = dict(zip(frame["organisation"], frame["q22"], strict=True))
    assert {code: texts[code] for code, _ in results["q22"].texts} == dict(results["q22"].texts)


def read_csv(payload: bytes) -> list[dict[str, str]]:
    assert payload.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


def test_the_long_csv_reproduces_every_count(data: RoundData, results: RoundResults) -> None:
    rows = read_csv(build_csv(data, MADE, long=True))
    assert len(rows) == results.population * len(Q.fields)
    by_id: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_id.setdefault(row["answer_id"], []).append(row)
    for f in Q.fields:
        item, states = results[f.id], Counter(row["state"] for row in by_id[f.id])
        assert states[AnswerState.ANSWERED] == item.answered, f.id
        assert states[AnswerState.NOT_ASKED] == item.not_applicable, f.id
        blank = (states[AnswerState.NOT_ANSWERED], states[AnswerState.LEFT_BLANK])
        assert blank == (item.not_answered, item.left_blank), f.id
        assert states["not_submitted"] == item.population - item.submitted
        codes = Counter(code for row in by_id[f.id] for code in row["code"].split(";") if code)
        assert {c.code: codes[c.code] for c in f.codes} == item.counts, f.id
    texts = {row["organisation"]: row["label"] for row in by_id["q22"] if row["state"] == "answered"}
    assert texts == dict(results["q22"].texts)


def test_the_wide_csv_is_the_koder_sheet(data: RoundData) -> None:
    rows = list(csv.reader(io.StringIO(build_csv(data, MADE).decode("utf-8-sig"), newline="")))
    koder = load_workbook(io.BytesIO(build_answer_file(data, MADE)), read_only=True)["Koder"]
    sheet = [["" if value is None else str(value) for value in row] for row in koder.iter_rows(values_only=True)]
    assert rows == sheet


def test_the_code_book_marks_inferred_wording_and_gives_codes_and_routing() -> None:
    book = json.loads(build_codebook_json(Q))
    entries = {e["answer_id"]: e for e in book["answer_ids"]}
    assert list(entries) == [f.id for f in Q.fields]
    assert entries["q03_leg"]["inferred"] == ["frågetext", "hjälptext"] and entries["q02"]["inferred"] == []
    assert [(c["code"], c["numeric_code"], c["inferred"]) for c in entries["q01"]["codes"]] == [
        ("ja", 1, True), ("nej_beslut", 2, True), ("nej", 3, True)]
    assert entries["q03b_leg"]["asked_when"] == "q03_leg = ja and q03a_leg = ja"
    for e in entries.values():
        if e["asked_when"]:
            cond.parse(e["asked_when"])  # the rule language, as the format documents it
    assert sum(bool(e["inferred"]) for e in entries.values()) == 50
    rows = read_csv(build_codebook_csv(Q))
    q01a = [r["code"] for r in rows if r["answer_id"] == "q01a"]
    assert q01a == ["politisk", "hogsta_tjansteman", "annan_tjansteman"]
    assert {r["answer_id"] for r in rows} == set(entries)
    assert next(r for r in rows if r["answer_id"] == "q15b_6_text")["inferred"] == "frågetext"


def test_declared_values_are_the_numeric_codes(tmp_path: Path) -> None:
    text = (QUESTIONNAIRES / "regioner-2025.yaml").read_text(encoding="utf-8")
    text = text.replace('''              - code: politisk
                label: "Politisk nivå"''', '''              - code: politisk
                label: "Politisk nivå"
                value: 7''').replace('''              - code: hogsta_tjansteman
                label: "Högsta tjänstemannanivå"''', '''              - code: hogsta_tjansteman
                label: "Högsta tjänstemannanivå"
                value: 8''').replace('''              - code: annan_tjansteman
                label: "Annan tjänstemannanivå"''', '''              - code: annan_tjansteman
                label: "Annan tjänstemannanivå"
                value: 9''')
    path = tmp_path / "regioner-2025.yaml"
    path.write_text(text, encoding="utf-8")
    q = load_questionnaire(path)
    data = replace(fictional_2025(Q), questionnaire=q)
    sav = tmp_path / "svar.sav"
    sav.write_bytes(build_sav(data, MADE))
    frame, meta = pyreadstat.read_sav(str(sav))
    assert {k: v for k, v in meta.variable_value_labels["q01a"].items() if k > 0} == {
        7.0: "Politisk nivå", 8.0: "Högsta tjänstemannanivå", 9.0: "Annan tjänstemannanivå"}
    assert Counter(frame["q01a"].dropna())[7.0] == data.results()["q01a"].counts["politisk"]


def test_a_round_without_answers_still_writes(data: RoundData, tmp_path: Path) -> None:
    empty = replace(data, responses=())
    for build, read in ((build_sav, pyreadstat.read_sav), (build_dta, pyreadstat.read_dta)):
        path = tmp_path / "tom"
        path.write_bytes(build(empty, MADE))
        frame, _ = read(str(path))
        assert len(frame) == len(data.population) and frame["q01"].isna().all()
