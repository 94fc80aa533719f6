"""The organisation registry: the shipped data, its validation and Swedish sort order."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from survey.registry import (
    DEFAULT_FOLDER,
    Organisation,
    RegistryError,
    load_registry,
    sort_organisations,
    swedish_sort_key,
)

REGIONS_HEADER = "county_code,region_name,county_name\n"
KOMMUNER_HEADER = "municipality_code,municipality_name,county_code,county_name\n"
REGIONS = REGIONS_HEADER + "01,Region Stockholm,Stockholms län\n03,Region Uppsala,Uppsala län\n"
KOMMUNER = KOMMUNER_HEADER + "0114,Upplands Väsby,01,Stockholms län\n0360,Tierp,03,Uppsala län\n"


def _write(folder: Path, regions: str = REGIONS, kommuner: str = KOMMUNER) -> Path:
    (folder / "regioner.csv").write_text(regions, encoding="utf-8")
    (folder / "kommuner.csv").write_text(kommuner, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def registry() -> list[Organisation]:
    return load_registry()


def test_twenty_one_regions_and_290_municipalities(registry: list[Organisation]) -> None:
    kinds = [org.kind for org in registry]
    assert kinds.count("region") == 21 and kinds.count("kommun") == 290
    assert kinds == sorted(kinds, key=["region", "kommun"].index)  # regions first


@pytest.mark.parametrize(
    ("code", "name", "kind", "county"),
    [
        ("01", "Region Stockholm", "region", "01"),
        ("14", "Västra Götalandsregionen", "region", "14"),
        ("25", "Region Norrbotten", "region", "25"),
        ("0114", "Upplands Väsby", "kommun", "01"),
        ("0180", "Stockholm", "kommun", "01"),
        ("0360", "Tierp", "kommun", "03"),
        ("1480", "Göteborg", "kommun", "14"),
        ("2584", "Kiruna", "kommun", "25"),
    ],
)
def test_known_organisations(
    registry: list[Organisation], code: str, name: str, kind: str, county: str
) -> None:
    by_code = {org.code: org for org in registry}
    assert (by_code[code].name, by_code[code].kind, by_code[code].county) == (name, kind, county)


def test_every_municipality_lies_in_a_region(registry: list[Organisation]) -> None:
    regions = {org.county: org for org in registry if org.kind == "region"}
    for kommun in (org for org in registry if org.kind == "kommun"):
        assert kommun.county in regions, kommun
        assert kommun.county_name == regions[kommun.county].county_name, kommun


def test_codes_are_in_order_and_unique(registry: list[Organisation]) -> None:
    for kind in ("region", "kommun"):
        codes = [org.code for org in registry if org.kind == kind]
        assert codes == sorted(set(codes))


def test_registry_module_imports_neither_flask_nor_sqlalchemy() -> None:
    code = "import sys, survey.registry; print(sorted({'flask', 'sqlalchemy'} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert output.stdout.strip() == "[]", output.stderr


def test_reads_a_copy_and_tolerates_a_byte_order_mark(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_FOLDER, tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "regioner.csv").read_text(encoding="utf-8")
    (tmp_path / "regioner.csv").write_text("\ufeff" + text, encoding="utf-8")
    assert load_registry(tmp_path) == load_registry()


# --- Swedish order --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected",
    [
        ["Ale", "Zinkgruvan", "Åre", "Älvdalen", "Örebro"],
        ["ale", "Bjuv", "zon", "åsele", "Ödeshög"],  # case does not matter
        ["Eda", "Éva", "Evy"],  # é is an e
        ["Myller", "Müller", "Mz"],  # ü is a y, after the plain y
        ["Vz", "Wa"],  # v and w are separate letters
        ["Region 2", "Region 10", "Region A"],  # numbers by value, before letters
        ["Upplands Väsby", "Upplands-Bro", "Upplandsbro"],  # space, then hyphen, then letters
        ["Angelholm", "Ängelholm"],
        ["Östra Göinge", "Överkalix", "Övertorneå"],
    ],
)
def test_swedish_order(expected: list[str]) -> None:
    shuffled = expected[:]
    random.Random(1).shuffle(shuffled)
    assert sorted(shuffled, key=swedish_sort_key) == expected


def test_ties_are_broken_by_the_original_string() -> None:
    assert sorted(["ale", "Ale"], key=swedish_sort_key) == ["Ale", "ale"]
    assert swedish_sort_key("Ale") != swedish_sort_key("ale")


def test_decomposed_letters_sort_like_composed_ones() -> None:
    decomposed = "A\u030are"  # Å written as A + combining ring
    assert swedish_sort_key(decomposed)[0] == swedish_sort_key("Åre")[0]


def test_regions_by_name(registry: list[Organisation]) -> None:
    names = [org.name for org in sort_organisations(registry) if org.kind == "region"]
    assert names.index("Region Västmanland") < names.index("Region Örebro län")
    assert names.index("Region Örebro län") < names.index("Region Östergötland")
    assert names[-1] == "Västra Götalandsregionen"


def test_municipalities_by_name_end_with_a_o_umlaut(registry: list[Organisation]) -> None:
    names = [org.name for org in sort_organisations(registry) if org.kind == "kommun"]
    assert names[:2] == ["Ale", "Alingsås"]
    assert names[-3:] == ["Östra Göinge", "Överkalix", "Övertorneå"]


def test_sort_by_code_and_unknown_field(registry: list[Organisation]) -> None:
    assert sort_organisations(registry[::-1], by="code") == registry  # regions first
    with pytest.raises(ValueError, match="county"):
        sort_organisations(registry, by="county")  # type: ignore[arg-type]


# --- malformed files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kommuner_rows", "line", "problem"),
    [
        ("114,Upplands Väsby,01,Stockholms län\n", 2, "municipality_code '114' is not 4 digits"),
        ("01A4,Upplands Väsby,01,Stockholms län\n", 2, "not 4 digits"),
        ("0114,,01,Stockholms län\n", 2, "municipality_name is empty"),
        ("0114,Upplands Väsby,01,\n", 2, "county_name is empty"),
        ("0114,Upplands Väsby,01\n", 2, "too few cells (expected 4 columns)"),
        ("0114,Upplands Väsby,01,Stockholms län,x\n", 2, "too many cells"),
        (
            "0114,A,01,Stockholms län\n0114,B,01,Stockholms län\n",
            3,
            "duplicate code '0114' (first on line 2)",
        ),
        ("0214,Upplands Väsby,02,Stockholms län\n", 2, "county_code '02' is not a region"),
        ("0314,Upplands Väsby,01,Stockholms län\n", 2, "does not start with county_code '01'"),
        ("0114,Upplands Väsby,01,Uppsala län\n", 2, "differs from regioner.csv's"),
    ],
)
def test_bad_municipality_rows(tmp_path: Path, kommuner_rows: str, line: int, problem: str) -> None:
    _write(tmp_path, kommuner=KOMMUNER_HEADER + kommuner_rows)
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path)
    assert f"{tmp_path / 'kommuner.csv'}, line {line}: " in str(caught.value)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("region_rows", "line", "problem"),
    [
        ("1,Region Stockholm,Stockholms län\n", 2, "county_code '1' is not 2 digits"),
        ("01, ,Stockholms län\n", 2, "region_name is empty"),
        ("01,Region Stockholm,Stockholms län\n\n01,Region X,X län\n", 4, "duplicate code '01'"),
    ],
)
def test_bad_region_rows(tmp_path: Path, region_rows: str, line: int, problem: str) -> None:
    _write(tmp_path, regions=REGIONS_HEADER + region_rows, kommuner=KOMMUNER_HEADER)
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path)
    assert f"{tmp_path / 'regioner.csv'}, line {line}: {problem}" in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    _write(tmp_path, kommuner=KOMMUNER_HEADER + "0114,,01,Stockholms län\n0360,Tierp,99,X\n")
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path)
    assert [message.split(": ")[0][-6:] for message in str(caught.value).splitlines()] == [
        "line 2",
        "line 3",
    ]


@pytest.mark.parametrize(
    ("regions", "problem"),
    [
        ("code,name\n01,Region Stockholm\n", "line 1: missing column(s) county_code, region_name"),
        ("", "line 1: missing column(s)"),
        (REGIONS_HEADER + '01,"Region Stockholm\n', "line 2: unexpected end of data"),
    ],
)
def test_unreadable_files(tmp_path: Path, regions: str, problem: str) -> None:
    _write(tmp_path, regions=regions)
    with pytest.raises(RegistryError, match="regioner.csv") as caught:
        load_registry(tmp_path)
    assert problem in str(caught.value)


def test_missing_file_and_wrong_encoding(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="regioner.csv: file not found"):
        load_registry(tmp_path)
    _write(tmp_path)
    (tmp_path / "kommuner.csv").write_bytes(KOMMUNER.encode("latin-1"))
    with pytest.raises(RegistryError, match="kommuner.csv: not UTF-8"):
        load_registry(tmp_path)
