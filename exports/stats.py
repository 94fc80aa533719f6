"""SPSS ``.sav`` and Stata ``.dta`` files of a round, written with pyreadstat (ReadStat).

One row per organisation of the population, the variables of ``exports.analysis``: variable
labels (question number and wording), value labels, the numeric codes of the definition, and
the three states of a missing answer as user-missing values (SPSS: −1, −2, −3 declared as
missing values; Stata: ``.a``, ``.b``, ``.c``). A free-text variable is empty when there is no
answer: string missing values of long strings are not read reliably (PSPP rejects ReadStat's
record for them), so the state of a text answer is in the long CSV. Plain data in, bytes out.

SPSS holds labels of at most 256 bytes (variable) and 120 bytes (value), Stata 80 characters
(variable): longer wording is cut there with «…», and is whole in the code book.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import pyreadstat

from exports.analysis import MISSING_CODES, MISSING_LABELS, ORG_VARIABLES, STATA_MISSING, Table, Variable, variables
from exports.analysis import org_label as _org_label
from survey.aggregation.aggregate import AnswerState, OrgInfo, ResponseData, RoundData, RoundInfo
from survey.formatting import STOCKHOLM
from survey.questionnaire.model import Questionnaire

SAV_LABEL_BYTES, SAV_VALUE_LABEL_BYTES, SAV_FILE_LABEL_BYTES = 256, 120, 64
DTA_LABEL_CHARS, DTA_FILE_LABEL_CHARS = 80, 80
STATA_MISSING_LABELS = {STATA_MISSING[state]: MISSING_LABELS[code] for state, code in MISSING_CODES.items()}
TEXT_MISSING = {state: "" for state in AnswerState}


@dataclass(frozen=True)
class StatsFile:
    info: RoundInfo
    questionnaire: Questionnaire
    rows: Iterable[tuple[OrgInfo, ResponseData | None]]
    made_at: datetime
    include_drafts: bool = False


def _cut_bytes(text: str, limit: int) -> str:
    if len(text.encode("utf-8")) <= limit:
        return text
    while len((text + "…").encode("utf-8")) > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def _cut_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def data_frame(content: StatsFile, stata: bool = False, for_file: bool = False) -> tuple[pd.DataFrame, list[Variable]]:
    """The table of the file: organisation variables, then one column per variable.

    Numeric SPSS variables are made as floats; every other column is given to pandas as the
    values themselves, so it infers the same column types as from a table of rows. A text
    variable is ``None`` where the response is not shown, or, ``for_file``, ``""`` (as the files
    hold it: a text column that is all missing would be read as numbers).
    """
    plan = variables(content.questionnaire)
    columns = _columns(content, plan, stata, "" if for_file else None)  # the answers by answer id are freed by now
    frame = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(len(columns[0])))
    frame.columns = pd.Index([*ORG_VARIABLES, *(v.name for v in plan)])
    frame["submitted_at"] = swedish_clock(frame["submitted_at"])
    for v in plan:  # numeric SPSS variables are floats already, even when nobody answered
        if v.kind == "text" or (stata and v.numeric):
            frame[v.name] = frame[v.name].astype(object)
    return frame, plan


def _columns(content: StatsFile, plan: list[Variable], stata: bool, text_hidden: str | None) -> list[Any]:
    table = Table(content.questionnaire, content.rows, content.include_drafts)
    columns: list[Any] = list(table.organisation_columns())
    for v in plan:
        if v.numeric and not stata:
            columns.append(table.numbers(v, MISSING_CODES))
        elif v.numeric:
            columns.append(table.objects(v, STATA_MISSING))
        else:
            columns.append(table.objects(v, TEXT_MISSING, hidden=text_hidden if v.kind == "text" else None))
    return columns


def swedish_clock(moments: pd.Series) -> pd.Series:
    """``formatting.local_naive`` of each stored moment (naive ones are UTC), all at once."""
    utc = pd.to_datetime(moments, utc=True)
    return utc.dt.tz_convert(STOCKHOLM).dt.tz_localize(None)


def _value_labels(plan: list[Variable], stata: bool) -> dict[str, dict[Any, str]]:
    labels: dict[str, dict[Any, str]] = {}
    for v in plan:
        if not v.numeric:
            continue
        own: dict[Any, str] = {code: text for code, text in v.labels.items()}
        if stata:
            labels[v.name] = {**own, **STATA_MISSING_LABELS}
        else:
            labels[v.name] = {float(code): _cut_bytes(text, SAV_VALUE_LABEL_BYTES)
                              for code, text in {**own, **MISSING_LABELS}.items()}
    return labels


def write_sav(target: str | Path, content: StatsFile) -> None:
    frame, plan = data_frame(content, for_file=True)
    labels: dict[str, str | None] = {name: _org_label(name) for name in ORG_VARIABLES}
    labels.update({v.name: _cut_bytes(v.label, SAV_LABEL_BYTES) for v in plan})
    missing: dict[str, list[Any]] = {v.name: sorted(MISSING_CODES.values()) for v in plan if v.numeric}
    pyreadstat.write_sav(
        frame, str(target), file_label=_cut_bytes(content.info.name, SAV_FILE_LABEL_BYTES),
        column_labels=labels, variable_value_labels=_value_labels(plan, stata=False),
        missing_ranges=missing, note=_note(content),
        variable_measure={v.name: "scale" if v.kind == "number" else "nominal" for v in plan},
    )


def write_dta(target: str | Path, content: StatsFile) -> None:
    frame, plan = data_frame(content, stata=True, for_file=True)
    labels: dict[str, str | None] = {name: _org_label(name) for name in ORG_VARIABLES}
    labels.update({v.name: _cut_chars(v.label, DTA_LABEL_CHARS) for v in plan})
    pyreadstat.write_dta(
        frame, str(target), file_label=_cut_chars(content.info.name, DTA_FILE_LABEL_CHARS),
        column_labels=labels, variable_value_labels=_value_labels(plan, stata=True),
        missing_user_values={v.name: sorted(STATA_MISSING.values()) for v in plan if v.numeric},
    )


def _note(content: StatsFile) -> list[str]:
    """The file's document lines (SPSS holds 80 bytes a line)."""
    q = content.questionnaire
    text = (f"{content.info.name}. Enkät {q.id}, version (SHA-256) {q.content_hash}. Skapad "
            f"{content.made_at.isoformat(timespec='seconds')}. Saknade svar: -1 ej aktuell (ställdes inte), "
            "-2 obesvarad (bortfall), -3 lämnad tom (frivillig).")
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(f"{lines[-1]} {word}".encode()) <= 80:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(_cut_bytes(word, 80))
    return lines


def _as_bytes(write: Any, content: StatsFile, suffix: str) -> bytes:
    """pyreadstat writes to a path: a temporary file, read back and removed."""
    handle, name = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        write(name, content)
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def stats_content(data: RoundData, made_at: datetime, include_drafts: bool = False) -> StatsFile:
    return StatsFile(data.info, data.questionnaire, data.rows(), made_at, include_drafts)


def build_sav(data: RoundData, made_at: datetime, include_drafts: bool = False) -> bytes:
    return _as_bytes(write_sav, stats_content(data, made_at, include_drafts), ".sav")


def build_dta(data: RoundData, made_at: datetime, include_drafts: bool = False) -> bytes:
    return _as_bytes(write_dta, stats_content(data, made_at, include_drafts), ".dta")
