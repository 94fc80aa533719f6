"""Swedish formatting (Babel's sv_SE data) and the one UTC-aware timestamp column type."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from survey.db import ThrottleState
from survey.formatting import (
    as_utc,
    format_percent,
    format_share,
    format_swedish_number,
    local_date,
    local_naive,
    local_time,
    long_date,
    today,
)
from survey.web.extensions import db

NBSP = "\u00a0"


def test_swedish_dates_and_months() -> None:
    months = [long_date(date(2025, month, 1), with_year=False).split(" ", 1)[1] for month in range(1, 13)]
    assert months == ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                      "september", "oktober", "november", "december"]
    assert long_date(date(2025, 10, 19)) == "19 oktober 2025"
    assert long_date(date(2025, 9, 3), with_year=False) == "3 september"


def test_swedish_clock_summer_and_winter() -> None:
    summer, winter = datetime(2025, 10, 1, 12, 15, tzinfo=UTC), datetime(2025, 12, 1, 12, 15, tzinfo=UTC)
    assert (local_time(summer), local_time(winter), local_time(None)) == ("2025-10-01 14:15", "2025-12-01 13:15", "–")
    assert local_naive(summer) == datetime(2025, 10, 1, 14, 15)
    assert local_date(datetime(2025, 10, 19, 22, 30, tzinfo=UTC)) == date(2025, 10, 20)  # 00.30 in Stockholm
    assert today(datetime(2025, 10, 19, 21, 59, tzinfo=UTC)) == date(2025, 10, 19)
    assert as_utc(datetime(2025, 1, 1, 1, 0, tzinfo=ZoneInfo("Europe/Stockholm"))) == datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value,shown", [
    ("0", "0"), ("-0", "0"), ("12", "12"), ("1234", f"1{NBSP}234"), ("1234.5", f"1{NBSP}234,5"),
    ("1.50", "1,50"), ("-1234567.25", f"-1{NBSP}234{NBSP}567,25"), ("0.001", "0,001"), ("1E+3", f"1{NBSP}000"),
])
def test_numbers_keep_their_decimals_with_a_comma_and_no_break_grouping(value: str, shown: str) -> None:
    assert format_swedish_number(value) == format_swedish_number(Decimal(value)) == shown


def test_percentages() -> None:
    assert [format_percent(Decimal(v)) for v in ("87.5", "80.0", "0", "100.0")] == [
        f"87,5{NBSP}%", f"80{NBSP}%", f"0{NBSP}%", f"100{NBSP}%"]
    assert format_percent(Decimal("33.333"), decimals=0) == f"33{NBSP}%"
    assert [format_share(share) for share in (19 / 21, 1.0, None)] == [f"90{NBSP}%", f"100{NBSP}%", "–"]


def test_timestamps_come_back_aware_in_utc_on_every_backend(app: Flask) -> None:
    """SQLite keeps no offset: the column type writes UTC and reads UTC, as PostgreSQL does."""
    stockholm = datetime(2025, 10, 19, 23, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    plus_five = datetime(2025, 10, 19, 12, 0, tzinfo=timezone(timedelta(hours=5)))
    db.session.add_all([ThrottleState(key="stockholm", last_at=stockholm),
                        ThrottleState(key="plus-five", last_at=plus_five),
                        ThrottleState(key="naive", last_at=datetime(2025, 10, 19, 7, 0))])
    db.session.commit()
    db.session.expire_all()
    read = {row.key: row.last_at for row in db.session.scalars(select(ThrottleState))}
    assert all(moment.utcoffset() == timedelta(0) for moment in read.values())
    assert read == {"stockholm": datetime(2025, 10, 19, 21, 30, tzinfo=UTC),
                    "plus-five": datetime(2025, 10, 19, 7, 0, tzinfo=UTC),
                    "naive": datetime(2025, 10, 19, 7, 0, tzinfo=UTC)}
    latest = db.session.scalar(select(ThrottleState.last_at).order_by(ThrottleState.last_at.desc()).limit(1))
    assert latest == datetime(2025, 10, 19, 21, 30, tzinfo=UTC) and latest.tzinfo is not None
