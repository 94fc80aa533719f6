"""The organisations the questionnaire goes to: Sweden's 21 regions and 290 municipalities.

The list lives in two CSV files in the repository (SCB's public codes), so a municipal reform
is a reviewed data change rather than a code change. Pure Python, no Flask or SQLAlchemy: the
seeding command, the admin views and the exports all read the same objects.

Swedish users expect Swedish alphabetical order (Å, Ä, Ö after Z), which Python's default
string order and an OS without the sv_SE locale both get wrong, hence ``swedish_sort_key``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_FOLDER = Path(__file__).resolve().parent / "questionnaires" / "organisations"

REGION, KOMMUN = "region", "kommun"


class RegistryError(ValueError):
    """Bad registry data; the message names file and line so the fix is one edit away."""


@dataclass(frozen=True)
class Organisation:
    """A region or a municipality, as the registry files describe it."""

    code: str  # SCB code: two digits for a region (its county), four for a kommun
    name: str
    kind: str  # "region" | "kommun"
    county: str  # two-digit county code
    county_name: str


@dataclass(frozen=True)
class _FileSpec:
    """How one registry file maps onto ``Organisation``."""

    kind: str
    filename: str
    code_column: str
    name_column: str
    digits: int

    @property
    def columns(self) -> tuple[str, ...]:
        names = (self.code_column, self.name_column, "county_code", "county_name")
        return tuple(dict.fromkeys(names))  # regions: the code *is* the county code


_REGIONS = _FileSpec(REGION, "regioner.csv", "county_code", "region_name", 2)
_KOMMUNER = _FileSpec(KOMMUN, "kommuner.csv", "municipality_code", "municipality_name", 4)


def load_registry(folder: Path | None = None) -> list[Organisation]:
    """Read and validate both files; regions first, then municipalities, each by code.

    Every problem in both files is reported at once, so one run shows all the fixes needed.
    """
    folder = DEFAULT_FOLDER if folder is None else folder
    problems: list[str] = []
    regions = _read_file(folder / _REGIONS.filename, _REGIONS, {}, problems)
    counties = {region.county: region.county_name for region in regions}
    kommuner = _read_file(folder / _KOMMUNER.filename, _KOMMUNER, counties, problems)
    if problems:
        raise RegistryError("\n".join(problems))
    return sort_organisations(regions + kommuner, by="code")


def _read_file(
    path: Path, spec: _FileSpec, counties: Mapping[str, str], problems: list[str]
) -> list[Organisation]:
    """Parse one file, appending ``"<file>, line <n>: <problem>"`` for each bad row."""
    organisations: list[Organisation] = []
    first_seen: dict[str, int] = {}
    for line, row in _rows(path, spec):
        try:
            organisation = _organisation(row, spec, counties)
            if organisation.code in first_seen:
                raise ValueError(
                    f"duplicate code {organisation.code!r} "
                    f"(first on line {first_seen[organisation.code]})"
                )
        except ValueError as problem:
            problems.append(f"{path}, line {line}: {problem}")
            continue
        first_seen[organisation.code] = line
        organisations.append(organisation)
    return organisations


def _rows(path: Path, spec: _FileSpec) -> Iterator[tuple[int, dict[str | None, str | None]]]:
    """Yield (line number, row); a file that cannot be read at all is a ``RegistryError``."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            missing = [name for name in spec.columns if name not in (reader.fieldnames or [])]
            if missing:
                raise RegistryError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
            for row in reader:
                yield reader.line_num, row
    except FileNotFoundError as error:
        raise RegistryError(f"{path}: file not found") from error
    except UnicodeDecodeError as error:
        raise RegistryError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from error
    except csv.Error as error:
        # line_num counts the lines before the record that failed to parse.
        raise RegistryError(f"{path}, line {reader.line_num + 1}: {error}") from error


def _organisation(
    row: Mapping[str | None, str | None], spec: _FileSpec, counties: Mapping[str, str]
) -> Organisation:
    """Build one organisation from a row, raising ``ValueError`` naming what is wrong."""
    if None in row or None in row.values():
        many = "many" if None in row else "few"
        raise ValueError(f"too {many} cells (expected {len(spec.columns)} columns)")
    cells = {name: (row.get(name) or "").strip() for name in spec.columns}
    code, county = cells[spec.code_column], cells["county_code"]
    if not re.fullmatch(rf"[0-9]{{{spec.digits}}}", code):
        raise ValueError(f"{spec.code_column} {code!r} is not {spec.digits} digits")
    for column in (spec.name_column, "county_name"):
        if not cells[column]:
            raise ValueError(f"{column} is empty")
    if spec.kind == KOMMUN:
        _check_county(code, county, cells["county_name"], counties)
    return Organisation(code, cells[spec.name_column], spec.kind, county, cells["county_name"])


def _check_county(code: str, county: str, county_name: str, counties: Mapping[str, str]) -> None:
    """A municipality must sit in a known county, and SCB codes begin with the county's."""
    if county not in counties:
        raise ValueError(f"county_code {county!r} is not a region in {_REGIONS.filename}")
    if not code.startswith(county):
        raise ValueError(f"municipality_code {code!r} does not start with county_code {county!r}")
    if county_name != counties[county]:
        raise ValueError(
            f"county_name {county_name!r} differs from {_REGIONS.filename}'s {counties[county]!r}"
        )


# --- Swedish collation ---------------------------------------------------------------------
# Primary level, as ICU's Swedish collation orders it: spaces, hyphens, numbers (here by value),
# a-z å ä ö, then letters of other scripts.
_SPACE, _HYPHEN, _NUMBER, _LETTER, _OTHER_LETTER = range(5)
_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö"
_LETTER_WEIGHT = {letter: weight for weight, letter in enumerate(_ALPHABET)}
# Letters Swedish files under another letter (CLDR's Swedish tailoring, as ICU applies it):
# "Müller" sorts as "Myller", "Ærø" as "Ärö". Accents not listed fold to the base letter.
_VARIANTS = {
    "ü": "y",
    "ű": "y",
    "æ": "ä",
    "ę": "ä",
    "ø": "ö",
    "ő": "ö",
    "œ": "ö",
    "ô": "ö",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ł": "l",
}
_TOKEN = re.compile(
    r"(?P<number>\d+)|(?P<space>\s+)|(?P<hyphen>[-\u2010-\u2015_]+)|(?P<char>.)", re.S
)

SortKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]


def swedish_sort_key(text: str) -> SortKey:
    """Key for Swedish alphabetical order, independent of the OS locale.

    Case-insensitive; Å, Ä, Ö come after Z; é sorts as e and ü as y (accented forms after
    the plain one when all else is equal); numbers compare by value ("Region 2" before
    "Region 10") and before letters; a space sorts before a hyphen and both before any
    letter, so "Upplands Väsby" < "Upplands-Bro" < "Upplandsbro". This matches ICU's sv
    collation (PostgreSQL's ``sv-SE-x-icu``) except for numbers and the final tie-break, the
    original string. Other punctuation is ignored.
    """
    elements = list(_collation_elements(text))
    return tuple(p for p, _ in elements), tuple(s for _, s in elements), text


def _collation_elements(text: str) -> Iterator[tuple[tuple[int, int], int]]:
    """Yield (primary weight, accent weight) per letter, number, space or hyphen run."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    for match in _TOKEN.finditer(folded):
        if match["number"] is not None:
            yield (_NUMBER, int(match["number"])), 0
        elif match["space"] is not None:
            yield (_SPACE, 0), 0
        elif match["hyphen"] is not None:
            yield (_HYPHEN, 0), 0
        else:
            yield from _letter_elements(match["char"])


def _letter_elements(char: str) -> Iterator[tuple[tuple[int, int], int]]:
    """Weights of one character; punctuation and lone combining marks are ignored."""
    if char in _LETTER_WEIGHT:
        yield (_LETTER, _LETTER_WEIGHT[char]), 0
    elif char in _VARIANTS:
        for letter in _VARIANTS[char]:
            yield (_LETTER, _LETTER_WEIGHT[letter]), ord(char)
    elif (base := unicodedata.normalize("NFD", char)[0]) in _LETTER_WEIGHT:
        yield (_LETTER, _LETTER_WEIGHT[base]), ord(char)
    elif char.isalpha():
        yield (_OTHER_LETTER, ord(char)), 0


def sort_organisations(
    organisations: Iterable[Organisation], by: Literal["name", "code"] = "name"
) -> list[Organisation]:
    """Organisations in Swedish name order (code breaks ties) or in SCB code order.

    Code order puts the two-digit region codes before the four-digit municipality codes,
    the order ``load_registry`` returns.
    """
    if by == "name":
        return sorted(organisations, key=lambda org: (swedish_sort_key(org.name), org.code))
    if by == "code":
        return sorted(organisations, key=lambda org: (len(org.code), org.code))
    raise ValueError(f"cannot sort organisations by {by!r}; use 'name' or 'code'")
