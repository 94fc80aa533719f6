"""Large answer files: refused in bounded time and memory, with at most 100 problems listed
and the rest counted («och N till»), from the web (a job) and from the CLI."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from flask.testing import FlaskClient, FlaskCliRunner

from survey.cli import cli
from survey.db import Round
from survey.reports.answer_file import ORG_COLUMNS
from survey.responses.transfer import LISTED_PROBLEMS, ImportRejected, import_answers
from survey.responses.xlsx_read import MAX_ROWS
from survey.web.extensions import db
from tests.staff_helpers import csrf_token

ROWS = 200_000


def _workbook(rows: int) -> bytes:
    """``rows`` rows of organisations that do not exist, as XlsxWriter writes it."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    workbook.set_custom_property("survey.questionnaire", "kommuner-2025")
    sheet = workbook.add_worksheet("Koder")
    sheet.write_row(0, 0, ORG_COLUMNS)
    for n in range(1, rows + 1):
        sheet.write_row(n, 0, [f"X{n:07d}", "", "kommun", "", "submitted", ""])
    workbook.close()
    return out.getvalue()


def _without_dimension(raw: bytes) -> bytes:
    """The same file with the sheet's declared size removed (as a hand-made file may have it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data, count=1)
            target.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def large() -> bytes:
    return _workbook(ROWS)


def _refused(round_: Round, raw: bytes) -> tuple[ImportRejected, int, float]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImportRejected) as caught:
            import_answers(db.session, round_, raw, "test@example.se", "stor.xlsx")
        return caught.value, tracemalloc.get_traced_memory()[1], time.monotonic() - started
    finally:
        tracemalloc.stop()


def test_a_sheet_that_says_it_is_huge_is_refused_at_once(kommun_round: Round, large: bytes) -> None:
    rejected, peak, seconds = _refused(kommun_round, large)
    assert [str(p) for p in rejected.problems] == [
        "filen: bladet «Koder» har 200\u00a0000 rader; en svarsfil har en rad per organisation "
        "(högst 10\u00a0000 rader läses)"]
    assert peak < 20 * 2**20 and seconds < 30, (peak, seconds)


def test_a_huge_sheet_without_its_size_is_read_as_a_stream_and_cut_short(
        kommun_round: Round, large: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 3000  # fewer rows than the real limit, only to keep the test quick under tracemalloc
    monkeypatch.setattr("survey.responses.xlsx_read.MAX_ROWS", limit)
    rejected, peak, _ = _refused(kommun_round, _without_dimension(large))
    assert len(rejected.problems) == LISTED_PROBLEMS
    assert rejected.total == limit + 1  # one per row read, and the cut
    assert str(rejected.problems[0]) == "X0000001: okänd organisationskod (Koder rad 2)"
    assert rejected.summary()[-1] == f"och {limit + 1 - LISTED_PROBLEMS} till"
    assert peak < 40 * 2**20, peak  # the file's 200,000 rows are never all held


def test_the_web_import_runs_as_a_job_and_shows_the_refusal(admin_client: FlaskClient, kommun_round: Round,
                                                            large: bytes) -> None:
    path = f"/admin/resultat/{kommun_round.id}"
    page = admin_client.post(f"{path}/import", data={"csrf_token": csrf_token(admin_client, path),
                                                     "file": (io.BytesIO(large), "stor.xlsx")},
                             content_type="multipart/form-data", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Inget importerades: 1 fel i stor.xlsx" in text
    assert "har 200\u00a0000 rader" in text


def test_the_cli_lists_100_problems_and_counts_the_rest(runner: FlaskCliRunner, kommun_round: Round,
                                                         large: bytes, tmp_path: Path) -> None:
    source = tmp_path / "stor.xlsx"
    source.write_bytes(_without_dimension(large))
    result = runner.invoke(cli, ["import", str(kommun_round.id), str(source)])
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and len(lines) == LISTED_PROBLEMS + 2
    assert lines[-2:] == [f"och {MAX_ROWS + 1 - LISTED_PROBLEMS} till",
                          f"Error: {MAX_ROWS + 1} fel i stor.xlsx; inget importerades"]
