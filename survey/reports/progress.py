"""Progress of a round: who has answered, counted one way for every screen and file.

Pure functions on plain data (no Flask, no database): the dashboard, the Excel status list
and ``survey round progress`` all call ``summarise`` on the same ``OrgProgress`` rows, so
their numbers cannot drift apart. Deadlines are calendar days in Swedish time: a response
submitted at 23:30 on the last day is on time, although it is already the next day in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from survey.formatting import format_percent, local_date
from survey.registry import swedish_sort_key

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

STATES = ("not_started", "started", "reopened", "submitted")
STATE_LABELS = {"not_started": "Ej påbörjad", "started": "Påbörjad", "reopened": "Öppnad igen",
                "submitted": "Inskickad"}
ROUND_STATE_LABELS = {"planned": "Planerad", "open": "Öppen", "closed": "Stängd",
                      "archived": "Arkiverad"}
KIND_LABELS = {"region": "Regioner", "kommun": "Kommuner"}
SORT_KEYS = ("name", "code", "county", "state", "deadline", "activity")


def deadline_of(closes_on: date, extended_until: date | None) -> date:
    """An organisation's last day: the round's, or its own extension when that is later."""
    return max(closes_on, extended_until) if extended_until else closes_on


def effective_state(state: str, opens_on: date, closes_on: date, on: date,
                    extended_until: date | None = None) -> str:
    """The one definition of a round's state on a day: planned, open, closed or archived.

    From the recorded state (staff may open early, close early or archive) and the dates:
    a round is open from its opening day, without anyone recording it, and any round
    is closed after its last day, which for an organisation with an extension is that
    extension (pass the latest extension of any member for the round as a whole).
    """
    if state in ("closed", "archived"):
        return state
    if on > deadline_of(closes_on, extended_until):
        return "closed"
    return "planned" if on < opens_on else "open"


@dataclass(frozen=True)
class OrgProgress:
    """One invited organisation's state in a round."""

    code: str
    name: str
    kind: str
    county: str
    county_name: str
    state: str  # one of STATES
    deadline: date
    extended: bool
    submitted_at: datetime | None = None
    last_activity: datetime | None = None
    workers: tuple[str, ...] = ()
    answered: int = 0

    @property
    def on_time(self) -> bool:
        return self.submitted_at is not None and local_date(self.submitted_at) <= self.deadline

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Summary:
    expected: int
    not_started: int
    started: int  # drafts and reopened responses
    submitted: int
    on_time: int

    @property
    def rate(self) -> Decimal:
        """Response rate in percent, one decimal (0 when nobody is expected)."""
        if not self.expected:
            return Decimal(0)
        return (Decimal(100 * self.submitted) / self.expected).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def rate_text(self) -> str:
        return format_percent(self.rate)


def summarise(rows: Iterable[OrgProgress]) -> Summary:
    rows = list(rows)
    count = {state: sum(row.state == state for row in rows) for state in STATES}
    return Summary(expected=len(rows), not_started=count["not_started"],
                   started=count["started"] + count["reopened"], submitted=count["submitted"],
                   on_time=sum(row.on_time for row in rows))


def by_group(rows: Sequence[OrgProgress], key: Callable[[OrgProgress], str]) -> list[tuple[str, Summary]]:
    """A summary per group (kind, county…), groups in Swedish order."""
    groups: dict[str, list[OrgProgress]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return [(label, summarise(groups[label])) for label in sorted(groups, key=swedish_sort_key)]


def filter_rows(rows: Iterable[OrgProgress], state: str = "", kind: str = "", county: str = "",
                query: str = "") -> list[OrgProgress]:
    """Rows matching every given filter; ``query`` matches name or code, case-insensitively."""
    needle = query.strip().casefold()
    return [row for row in rows
            if (not state or row.state == state or (state == "started" and row.state == "reopened"))
            and (not kind or row.kind == kind) and (not county or row.county == county)
            and (not needle or needle in row.name.casefold() or row.code.startswith(needle))]


def sort_rows(rows: Iterable[OrgProgress], by: str = "name", descending: bool = False) -> list[OrgProgress]:
    """Rows in the chosen order; names always break ties, in Swedish order."""
    by_name = sorted(rows, key=lambda row: swedish_sort_key(row.name))
    never = datetime.min.replace(tzinfo=UTC)
    keys: dict[str, Callable[[OrgProgress], SupportsRichComparison]] = {
        "name": lambda row: 0,
        "code": lambda row: row.code,
        "county": lambda row: swedish_sort_key(row.county_name),
        "state": lambda row: STATES.index(row.state),
        "deadline": lambda row: row.deadline,
        "activity": lambda row: row.last_activity or never,
    }
    ordered = sorted(by_name, key=keys.get(by, keys["name"]))
    if descending:
        ordered.reverse()
    return ordered

