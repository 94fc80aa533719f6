"""Staff pages for a round's national results: /admin/resultat/… (login required).

Thin: load the round's data (frozen snapshot or live), call the one aggregation and the same
builders as the CLI, commit once, redirect. The overview shows exactly the numbers of the
Excel file and the JSON export, because all three come from ``RoundData.results``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from exports.xlsx import build_answer_file
from survey.aggregation.aggregate import RoundData, RoundResults, routing_chains, routing_table
from survey.db import ImportJob, Round, utcnow
from survey.questionnaire import Questionnaire
from survey.responses.transfer import answers_json, queue_import
from survey.results import (
    SnapshotError,
    current_snapshot,
    freeze_round,
    lift_freeze,
    live_differs,
    round_data,
    snapshots,
)
from survey.text import parse_int
from survey.web.admin.forms import Form, filled
from survey.web.auth import staff_required
from survey.web.downloads import XLSX, download, file_name
from survey.web.extensions import db, db_session
from survey.web.jobs import jobs

bp = Blueprint("results", __name__, url_prefix="/admin/resultat")


class FreezeForm(Form):
    note = StringField("Anteckning (till exempel publiceringen)", validators=[Length(max=500)])


class LiftForm(Form):
    reason = TextAreaField("Skäl", validators=[DataRequired("Ange ett skäl."), Length(max=1000)])


class ImportForm(Form):
    file = FileField("Fil (JSON eller enkätverktygets Excelfil)", validators=[FileRequired("Välj en fil.")])


def _round(round_id: int) -> Round:
    return db.get_or_404(Round, round_id)


def _data(round_: Round) -> RoundData:
    """What the page and the downloads show: ?version=N, ?live=1, else the freeze in force."""
    asked = request.args.get("version") or None
    version = parse_int(asked)
    if asked is not None and version is None:  # «²», «-1» or beyond PostgreSQL's integer: no such freeze
        abort(404)
    try:
        return round_data(db_session(), round_, live=request.args.get("live") == "1", version=version)
    except SnapshotError:
        if version is not None:
            abort(404)
        raise


def _filename(data: RoundData, what: str, suffix: str) -> str:
    """«Svar Patientsäkerhetsarbetet regioner 2025 fryst version 1.xlsx» (or «… aktuellt läge …»)."""
    version = f"fryst version {data.info.snapshot_version}" if data.info.snapshot_version else "aktuellt läge"
    return file_name(what, data.info.name, version, suffix=suffix)


@bp.get("/")
@staff_required()
def index() -> str:
    rounds = db.session.scalars(select(Round).order_by(Round.opens_on.desc(), Round.id.desc())).all()
    frozen = {round_.id: current_snapshot(db_session(), round_) for round_ in rounds}
    return render_template("results/index.html", rounds=rounds, frozen=frozen)


@bp.get("/<int:round_id>")
@staff_required()
def overview(round_id: int) -> str:
    round_ = _round(round_id)
    data = _data(round_)
    results = data.results()
    frozen = current_snapshot(db_session(), round_)
    return render_template(
        "results/overview.html", round=round_, data=data, results=results,
        statuses=_statuses(data), rows=_rows(data.questionnaire, results),
        tables=_routing_tables(data.questionnaire, results), frozen=frozen,
        changed=frozen is not None and live_differs(db_session(), round_, frozen),
        history=snapshots(db_session(), round_), args=_source_args(),
        freeze_form=FreezeForm(), lift_form=LiftForm(), import_form=ImportForm())


def _source_args() -> dict[str, Any]:
    return {key: request.args[key] for key in ("live", "version") if key in request.args}


def _statuses(data: RoundData) -> dict[str, int]:
    submitted = sum(r.status == "submitted" for r in data.responses)
    started = len(data.responses) - submitted
    return {"submitted": submitted, "started": started,
            "not_started": len(data.population) - len(data.responses)}


def _rows(q: Questionnaire, results: RoundResults) -> list[dict[str, Any]]:
    """One row per answer id: its question, n, non-response, not asked and the distribution."""
    rows = []
    for f in q.fields:
        item, question = results[f.id], q.item(f.item_id)
        shares = [(c.label, item.counts.get(c.code, 0), item.share(c.code)) for c in f.codes]
        rows.append({"id": f.id, "number": question.number or "", "role": f.role.value,
                     "text": f.label if f.row is not None or f.role.value in ("comment", "specify")
                     else question.text, "item": item, "shares": shares})
    return rows


def _routing_tables(q: Questionnaire, results: RoundResults) -> list[dict[str, Any]]:
    """The deck's per-row chains (q03 → q03a → q03b): ``routing_chains``, as the deck draws them."""
    return [{"item": item, "chain": [q.item(i) for i in chain], "rows": routing_table(q, results, chain)}
            for item in q.items() for chain in routing_chains(item)]


@bp.get("/<int:round_id>/svar.xlsx")
@staff_required()
def answers_xlsx(round_id: int) -> Response:
    data = _data(_round(round_id))
    payload = build_answer_file(data, utcnow(), include_drafts=request.args.get("utkast") == "1")
    return download(payload, XLSX, _filename(data, "Svar", ".xlsx"))


ANALYSIS_FILES = {  # suffix → mimetype: the files for statistics software
    "sav": "application/x-spss-sav", "dta": "application/x-stata-dta", "csv": "text/csv; charset=utf-8",
    "lang.csv": "text/csv; charset=utf-8", "kodbok.json": "application/json", "kodbok.csv": "text/csv; charset=utf-8",
}
ANALYSIS_NAMES = {  # suffix → the download's first word and its suffix
    "sav": ("Svar", ".sav"), "dta": ("Svar", ".dta"), "csv": ("Svar", ".csv"),
    "lang.csv": ("Svar långt format", ".csv"),
    "kodbok.json": ("Kodbok", ".json"), "kodbok.csv": ("Kodbok", ".csv"),
}


@bp.get("/<int:round_id>/svar.<path:suffix>")
@staff_required()
def analysis_file(round_id: int, suffix: str) -> Response:
    """svar.sav, svar.dta, svar.csv, svar.lang.csv, svar.kodbok.json, svar.kodbok.csv."""
    from exports.codebook import build_codebook_csv, build_codebook_json
    from exports.csv_files import build_csv
    from exports.stats import build_dta, build_sav

    if suffix not in ANALYSIS_FILES:
        abort(404)
    data = _data(_round(round_id))
    now = utcnow()
    payload = {"sav": lambda: build_sav(data, now), "dta": lambda: build_dta(data, now),
               "csv": lambda: build_csv(data, now), "lang.csv": lambda: build_csv(data, now, long=True),
               "kodbok.json": lambda: build_codebook_json(data.questionnaire),
               "kodbok.csv": lambda: build_codebook_csv(data.questionnaire)}[suffix]()
    return download(payload, ANALYSIS_FILES[suffix], _filename(data, *ANALYSIS_NAMES[suffix]))


@bp.get("/<int:round_id>/svar.json")
@staff_required()
def answers_document(round_id: int) -> Response:
    data = _data(_round(round_id))
    return download(answers_json(data, utcnow()), "application/json", _filename(data, "Svar", ".json"))


@bp.get("/<int:round_id>/resultat.json")
@staff_required()
def results_json(round_id: int) -> Response:
    import json

    data = _data(_round(round_id))
    payload = json.dumps(data.results().to_json(data.info.name), ensure_ascii=False, indent=1)
    return download(payload.encode("utf-8"), "application/json", _filename(data, "Resultat", ".json"))


@bp.post("/<int:round_id>/frys")
@staff_required()
def freeze(round_id: int) -> WerkzeugResponse:
    round_ = _round(round_id)
    form = FreezeForm()
    if form.validate_on_submit():
        snapshot, created = freeze_round(db_session(), round_, current_user.email, form.note.data or "")
        db.session.commit()
        flash(f"Resultaten är frysta som version {snapshot.version}." if created else
              f"Inget har ändrats sedan version {snapshot.version}; ingen ny version behövdes.",
              "success")
    return redirect(url_for("results.overview", round_id=round_id))


@bp.post("/<int:round_id>/hav-frysning")
@staff_required()
def lift(round_id: int) -> WerkzeugResponse:
    round_ = _round(round_id)
    form = LiftForm()
    if not form.validate_on_submit():
        flash("Ange ett skäl till att frysningen hävs.", "error")
    else:
        try:
            snapshot = lift_freeze(db_session(), round_, current_user.email, filled(form.reason.data))
        except SnapshotError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Frysningen är hävd. Version {snapshot.version} finns kvar.", "success")
    return redirect(url_for("results.overview", round_id=round_id))


@bp.post("/<int:round_id>/import")
@staff_required()
def upload(round_id: int) -> ResponseReturnValue:
    """Queue the file for the worker and show the import's page (its progress, then the outcome)."""
    round_ = _round(round_id)
    form = ImportForm()
    if not form.validate_on_submit():
        flash("Välj en fil att importera.", "error")
        return redirect(url_for("results.overview", round_id=round_id))
    file = form.file.data
    job = queue_import(db_session(), round_, file.read(), file.filename or "", current_user.email)
    db.session.commit()
    jobs().run_import(job.id)
    return redirect(url_for("results.import_status", round_id=round_id, job_id=job.id), 303)


def _job(round_id: int, job_id: int) -> tuple[Round, ImportJob]:
    job = db.session.get(ImportJob, job_id)
    if job is None or job.round_id != round_id:
        abort(404)
    return _round(round_id), job


@bp.get("/<int:round_id>/import/<int:job_id>")
@staff_required()
def import_status(round_id: int, job_id: int) -> tuple[str, int]:
    round_, job = _job(round_id, job_id)
    return render_template("results/import_job.html", round=round_, job=job), 422 if job.status == "rejected" else 200


@bp.get("/<int:round_id>/import/<int:job_id>.json")
@staff_required()
def import_status_json(round_id: int, job_id: int) -> dict[str, Any]:
    _, job = _job(round_id, job_id)
    return {"status": job.status, "rows_read": job.rows_read, "problem_count": job.problem_count,
            "finished": job.status not in ("queued", "running")}
