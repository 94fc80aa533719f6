"""The progress dashboard of a round and its status list as Excel (same rows, same counts)."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, url_for

from exports.xlsx_progress import status_workbook
from survey.formatting import today
from survey.registry import swedish_sort_key
from survey.reports.progress import (
    KIND_LABELS,
    SORT_KEYS,
    STATE_LABELS,
    OrgProgress,
    by_group,
    filter_rows,
    sort_rows,
    summarise,
)
from survey.rounds.progress import load_progress
from survey.web.admin import bp
from survey.web.admin.common import get_round
from survey.web.admin.rounds import crumbs
from survey.web.auth import staff_required
from survey.web.downloads import XLSX, download, file_name
from survey.web.extensions import db_session

SORT_LABELS = {"name": "Namn", "code": "Kod", "county": "Län", "state": "Status",
               "deadline": "Sista svarsdag", "activity": "Senaste aktivitet"}


def _query() -> dict[str, Any]:
    """This page's query string (first value of each key), for a link that keeps the filters."""
    return request.args.to_dict()


def _filters() -> dict[str, str]:
    args = request.args
    state = args.get("status", "")
    kind = args.get("typ", "")
    return {"state": state if state in STATE_LABELS else "",
            "kind": kind if kind in KIND_LABELS else "",
            "county": args.get("lan", "")[:2], "query": args.get("q", "")[:100]}


def _chosen(rows: list[OrgProgress]) -> list[OrgProgress]:
    by = request.args.get("sortera", "name")
    return sort_rows(filter_rows(rows, **_filters()), by if by in SORT_KEYS else "name",
                     request.args.get("ordning") == "fallande")


@bp.get("/rundor/<int:round_id>/framsteg")
@staff_required()
def progress(round_id: int) -> str:
    round_ = get_round(round_id)
    rows = load_progress(db_session(), round_)
    counties = sorted({(row.county, row.county_name) for row in rows},
                      key=lambda pair: swedish_sort_key(pair[1]))
    shown = _chosen(rows)
    return render_template(
        "admin/progress.html", round=round_, summary=summarise(rows), shown=shown,
        shown_summary=summarise(shown), by_kind=by_group(rows, lambda r: KIND_LABELS[r.kind]),
        by_county=by_group(rows, lambda r: r.county_name), counties=counties,
        filters=_filters(), sort=request.args.get("sortera", "name"),
        descending=request.args.get("ordning") == "fallande", sort_labels=SORT_LABELS,
        kinds=sorted({row.kind for row in rows}), kind_labels=KIND_LABELS, today=today(),
        crumbs=crumbs(round_), export_url=url_for("admin.progress_xlsx", round_id=round_id,
                                                  **_query()))


@bp.get("/rundor/<int:round_id>/framsteg.xlsx")
@staff_required()
def progress_xlsx(round_id: int) -> Response:
    round_ = get_round(round_id)
    rows = _chosen(load_progress(db_session(), round_))
    data = status_workbook(rows, f"{round_.name} – status {today().isoformat()}")
    return download(data, XLSX, file_name("Status", round_.name, today().isoformat(), suffix=".xlsx"))
