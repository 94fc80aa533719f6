"""Progress counting (pure): states, on time in Swedish days, rates, Swedish order, Excel."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook

from exports.xlsx_progress import status_workbook
from survey.formatting import format_percent
from survey.reports.progress import (
    OrgProgress,
    by_group,
    deadline_of,
    effective_state,
    filter_rows,
    sort_rows,
    summarise,
)

DEADLINE = date(2025, 10, 19)


def row(name: str, state: str = "not_started", submitted: datetime | None = None, code: str = "0000",
        county: str = "01", county_name: str = "Stockholms län", deadline: date = DEADLINE,
        kind: str = "kommun", activity: datetime | None = None) -> OrgProgress:
    return OrgProgress(code, name, kind, county, county_name, state, deadline, deadline != DEADLINE,
                       submitted, activity)


def test_on_time_is_judged_on_the_swedish_calendar_day() -> None:
    # 23:30 on 19 October in Stockholm is 21:30 UTC: on time. 00:30 on the 20th is late.
    assert row("A", "submitted", datetime(2025, 10, 19, 21, 30, tzinfo=UTC)).on_time
    assert not row("B", "submitted", datetime(2025, 10, 19, 22, 30, tzinfo=UTC)).on_time
    # A naive value (SQLite) is UTC.
    assert row("C", "submitted", datetime(2025, 10, 19, 21, 30)).on_time
    assert row("D", "submitted", datetime(2025, 10, 25, 10, 0, tzinfo=UTC), deadline=date(2025, 10, 26)).on_time


def test_summary_counts_and_rate() -> None:
    rows = [row("A"), row("B", "started"), row("C", "reopened"),
            row("D", "submitted", datetime(2025, 10, 1, tzinfo=UTC)),
            row("E", "submitted", datetime(2025, 10, 21, tzinfo=UTC)), row("F")]
    s = summarise(rows)
    assert (s.expected, s.not_started, s.started, s.submitted, s.on_time) == (6, 2, 2, 2, 1)
    assert s.rate == Decimal("33.3") and s.rate_text == "33,3\u00a0%"
    assert summarise([]).rate == 0
    assert format_percent(Decimal("100.0")) == "100\u00a0%"


def test_groups_and_order_are_swedish() -> None:
    rows = [row("Örebro", county_name="Örebro län"), row("Ale", county_name="Västra Götalands län"),
            row("Åre", county_name="Jämtlands län"), row("Upplands Väsby"), row("Upplands-Bro")]
    assert [r.name for r in sort_rows(rows)] == ["Ale", "Upplands Väsby", "Upplands-Bro", "Åre", "Örebro"]
    assert [r.name for r in sort_rows(rows, descending=True)][0] == "Örebro"
    assert [label for label, _ in by_group(rows, lambda r: r.county_name)] == [
        "Jämtlands län", "Stockholms län", "Västra Götalands län", "Örebro län"]
    assert [r.name for r in sort_rows(rows, "county")][:2] == ["Åre", "Upplands Väsby"]


def test_filters() -> None:
    rows = [row("Ale", "started", code="1440", county="14"), row("Alingsås", "reopened", code="1489", county="14"),
            row("Botkyrka", "submitted", datetime(2025, 10, 1, tzinfo=UTC), code="0127")]
    assert [r.name for r in filter_rows(rows, state="started")] == ["Ale", "Alingsås"]
    assert [r.name for r in filter_rows(rows, county="14", query="alin")] == ["Alingsås"]
    assert [r.name for r in filter_rows(rows, query="0127")] == ["Botkyrka"]


def test_deadlines_and_effective_state() -> None:
    assert deadline_of(DEADLINE, None) == DEADLINE
    assert deadline_of(DEADLINE, date(2025, 10, 26)) == date(2025, 10, 26)
    assert deadline_of(date(2025, 10, 26), DEADLINE) == date(2025, 10, 26)  # a round extension overtook it
    opens, closes = date(2025, 9, 23), DEADLINE
    assert effective_state("planned", opens, closes, date(2025, 9, 23)) == "open"
    assert effective_state("planned", opens, closes, date(2025, 9, 22)) == "planned"
    assert effective_state("closed", opens, closes, date(2025, 10, 1)) == "closed"
    assert effective_state("archived", opens, closes, date(2025, 10, 1)) == "archived"
    # after the last day a round is closed without anyone recording it, but not for an
    # organisation whose extension is still running
    day_after = closes + timedelta(days=1)
    assert effective_state("open", opens, closes, day_after) == "closed"
    assert effective_state("planned", opens, closes, day_after) == "closed"
    assert effective_state("open", opens, closes, day_after, date(2025, 10, 26)) == "open"
    assert effective_state("open", opens, closes, closes) == "open"


def test_status_workbook_keeps_text_as_text() -> None:
    rows = [row("=HYPERLINK(\"http://evil\")", "started", code="+46"),
            row("Ale", "submitted", datetime(2025, 10, 1, 8, tzinfo=UTC))]
    book = load_workbook(io.BytesIO(status_workbook(rows, "@Runda")))
    sheet = book["Status"]
    assert sheet["A1"].value == "@Runda" and sheet["A1"].data_type == "s"
    assert sheet["B3"].value == "=HYPERLINK(\"http://evil\")" and sheet["B3"].data_type == "s"
    assert sheet["A3"].value == "+46" and sheet["A3"].data_type == "s"
    assert sheet["H4"].value == datetime(2025, 10, 1) and sheet["I4"].value == "ja"
    assert sheet["I3"].value in ("", None)
