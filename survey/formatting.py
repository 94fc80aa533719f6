"""Swedish formatting in one place: Swedish time, dates, numbers and percentages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local_date(moment: datetime) -> date:
    """The Swedish calendar date of a stored moment (naive values from SQLite are UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(STOCKHOLM).date()


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return "–"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def today() -> date:
    return datetime.now(STOCKHOLM).date()


_NOT_IN_FILE_NAMES = str.maketrans({c: " " for c in '/\\:*?"<>|\t\r\n'})


def file_name(*words: object, suffix: str) -> str:
    """A download's name in words, ``Svar Region Kalmar län 2025.xlsx``: characters that no
    file system takes become spaces (send it with an RFC 6266 ``filename*``)."""
    text = " ".join(str(word) for word in words if str(word).strip())
    return " ".join(text.translate(_NOT_IN_FILE_NAMES).split()) + suffix
