"""Swedish formatting in one place: Swedish time, dates, numbers and percentages.

Month names, the decimal comma and digit grouping come from Babel's ``sv_SE`` locale data
(CLDR), not from tables of our own. Every string here is what Socialstyrelsen prints:
«19 oktober 2025», «1 234,5» (a no-break space between thousands, so a number never breaks
over two lines), «87,5 %» (a no-break space before the sign). Pure: the core, the views and
the builders in ``exports`` all use it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

LOCALE = "sv_SE"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


# -- time -----------------------------------------------------------------------------------
def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive value is taken to be UTC (what SQLite stores)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def swedish_time(moment: datetime) -> datetime:
    """A moment on the Swedish clock (summer time included)."""
    return as_utc(moment).astimezone(STOCKHOLM)


def local_date(moment: datetime) -> date:
    """The Swedish calendar date of a stored moment."""
    return swedish_time(moment).date()


def local_time(moment: datetime | None) -> str:
    """``2025-10-19 14:05`` on the Swedish clock; «–» for none."""
    if moment is None:
        return "–"
    return swedish_time(moment).strftime("%Y-%m-%d %H:%M")


def local_naive(moment: datetime) -> datetime:
    """Swedish wall-clock time without a zone (Excel has none; the header says «svensk tid»)."""
    return swedish_time(moment).replace(tzinfo=None)


def today(now: datetime | None = None) -> date:
    """The date in Sweden (``now``: a given moment instead of the clock's)."""
    return swedish_time(now or datetime.now(UTC)).date()


def long_date(day: date, with_year: bool = True) -> str:
    """``19 oktober 2025`` (``19 oktober`` without the year)."""
    return format_date(day, "d MMMM y" if with_year else "d MMMM", locale=LOCALE)


# -- numbers --------------------------------------------------------------------------------
def format_swedish_number(value: str | Decimal) -> str:
    """Decimal comma and a no-break space between thousands: ``1 234,5``. Every decimal the
    value has is kept (``1,50`` stays ``1,50``): it is the answer as given, not a rounding."""
    number = abs(Decimal(value)) if Decimal(value).is_zero() else Decimal(value)  # no «-0»
    places = max(0, -int(number.as_tuple().exponent)) if number.is_finite() else 0
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(number, pattern, locale=LOCALE, decimal_quantization=False)


def format_percent(value: Decimal | float, decimals: int = 1) -> str:
    """``87,5 %`` from 87.5: at most ``decimals`` decimals (``80 %``, not ``80,0 %``), a
    no-break space before the sign as in Babel's own ``sv_SE`` pattern (which has none)."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "") + "\u00a0%"
    return babel_percent(Decimal(str(value)) / 100, pattern, locale=LOCALE)


def format_share(share: float | None) -> str:
    """A share of 1 as a whole percentage (``0,904…`` → ``90 %``); «–» when nobody answered."""
    return "–" if share is None else format_percent(share * 100, decimals=0)


_NOT_IN_FILE_NAMES = str.maketrans({c: " " for c in '/\\:*?"<>|\t\r\n'})


def file_name(*words: object, suffix: str) -> str:
    """A download's name in words, ``Svar Region Kalmar län 2025.xlsx``: characters that no
    file system takes become spaces (send it with an RFC 6266 ``filename*``)."""
    text = " ".join(str(word) for word in words if str(word).strip())
    return " ".join(text.translate(_NOT_IN_FILE_NAMES).split()) + suffix
