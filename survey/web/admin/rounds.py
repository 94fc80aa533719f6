"""Rounds: the list, creating one, its page, dates, opening, closing, archiving, extending."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import QuestionnaireVersion, Round
from survey.errors import Refused
from survey.formatting import today
from survey.reports.progress import summarise
from survey.rounds.lifecycle import (
    archive_round,
    change_round,
    close_round,
    create_round,
    extend_round,
    latest_version,
    open_round,
    organisations_for,
    refresh_questionnaire,
    sync_round_states,
)
from survey.rounds.progress import load_progress
from survey.staff.audit import record, round_timeline
from survey.web.admin import bp
from survey.web.admin.common import ActionForm, actor, errors_of, get_round, round_state
from survey.web.admin.forms import ExtendForm, RoundEditForm, RoundForm, choices, filled
from survey.web.auth import staff_required
from survey.web.extensions import db, db_session

STATE_ACTIONS: dict[str, Callable[[Session, Round, str, date], None]] = {
    "open": open_round, "close": close_round, "archive": archive_round}
STATE_DONE = {"open": "Omgången är öppen.", "close": "Omgången är stängd.", "archive": "Omgången är arkiverad."}


def crumbs(round_: Round | None = None) -> list[tuple[str, str]]:
    trail = [("Omgångar", url_for("admin.index"))]
    if round_ is not None:
        trail.append((round_.name, url_for("admin.round_detail", round_id=round_.id)))
    return trail


@bp.get("/")
@staff_required()
def index() -> str:
    if sync_round_states(db_session(), today()):
        db.session.commit()
    rounds = db.session.scalars(select(Round).order_by(Round.opens_on.desc(), Round.id.desc())).all()
    summaries = {r.id: summarise(load_progress(db_session(), r)) for r in rounds if r.state != "archived"}
    return render_template("admin/rounds.html", rounds=rounds, summaries=summaries)


def _questionnaire_choices() -> list[tuple[str, str]]:
    newest = select(QuestionnaireVersion.questionnaire_id, func.max(QuestionnaireVersion.id)) \
        .group_by(QuestionnaireVersion.questionnaire_id)
    ids = [row[1] for row in db.session.execute(newest)]
    versions = db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(ids))
                                  .order_by(QuestionnaireVersion.year.desc(),
                                            QuestionnaireVersion.questionnaire_id)).all()
    kinds = {"region": "regioner", "kommun": "kommuner"}
    return [(v.questionnaire_id, f"{v.title} ({v.questionnaire_id}, till {kinds[v.respondent_kind]})")
            for v in versions]


@bp.route("/rundor/ny", methods=["GET", "POST"])
@staff_required()
def round_new() -> ResponseReturnValue:
    form = RoundForm()
    form.questionnaire.choices = choices(_questionnaire_choices())
    if form.validate_on_submit():
        try:
            version = latest_version(db_session(), form.questionnaire.data)
            selector = version.respondent_kind if form.selection.data == "all" else \
                 ",".join((form.codes.data or "").replace(";", ",").replace("\n", ",").split(","))
            orgs = organisations_for(db_session(), selector)
            round_ = create_round(db_session(), version, orgs, filled(form.opens.data), filled(form.closes.data),
                                  (form.name.data or "").strip() or None, secret=current_app.config["SECRET_KEY"])
        except Refused as error:
            form.codes.errors = [_swedish(str(error))]
        else:
            record(db_session(), actor(), "round.create", round_, organisations=len(orgs),
                   questionnaire=version.questionnaire_id, opens_on=str(round_.opens_on),
                   closes_on=str(round_.closes_on))
            db.session.commit()
            flash(f"Omgången «{round_.name}» är skapad för {len(orgs)} organisationer.", "success")
            return redirect(url_for("admin.round_detail", round_id=round_.id))
    return render_template("admin/round_new.html", form=form, errors=errors_of(form), crumbs=crumbs())


def _swedish(message: str) -> str:
    """The core's messages are English (for scripts); say the common ones in Swedish."""
    if message.startswith("unknown organisation code(s): "):
        return "Okända organisationskoder: " + message.split(": ", 1)[1]
    if "is for kind" in message:
        return "Enkäten vänder sig till en annan typ av organisation: " + message.rsplit(": ", 1)[-1]
    return message


@bp.get("/rundor/<int:round_id>")
@staff_required()
def round_detail(round_id: int) -> str:
    round_ = get_round(round_id)
    rows = load_progress(db_session(), round_)
    newest = latest_version(db_session(), round_.questionnaire_version.questionnaire_id)
    return render_template("admin/round.html", round=round_, summary=summarise(rows),
                           extended=[row for row in rows if row.extended], action=ActionForm(),
                           newer_version=newest.id != round_.questionnaire_version_id,
                           crumbs=crumbs())


@bp.get("/rundor/<int:round_id>/stang")
@staff_required()
def round_close_confirm(round_id: int) -> str:
    """«Stäng omgången» first says what it does: how many can no longer answer, and who."""
    round_ = get_round(round_id)
    rows = load_progress(db_session(), round_)
    waiting = [row for row in rows if row.state != "submitted"]
    return render_template("admin/round_close.html", round=round_, summary=summarise(rows),
                           waiting=waiting, action=ActionForm(), crumbs=crumbs(round_))


@bp.route("/rundor/<int:round_id>/andra", methods=["GET", "POST"])
@staff_required()
def round_edit(round_id: int) -> ResponseReturnValue:
    round_ = get_round(round_id)
    if round_state(round_) != "planned":
        flash("Omgången har öppnat: datumen är låsta. Förläng sista svarsdagen i stället.", "error")
        return redirect(url_for("admin.round_detail", round_id=round_.id))
    form = RoundEditForm(obj=round_, opens=round_.opens_on, closes=round_.closes_on)
    if form.validate_on_submit():
        try:
            change_round(db_session(), round_, filled(form.name.data), filled(form.opens.data),
                         filled(form.closes.data), actor(), today())
        except Refused as error:
            form.opens.errors = [str(error)]
        else:
            db.session.commit()
            flash("Omgången är ändrad.", "success")
            return redirect(url_for("admin.round_detail", round_id=round_.id))
    return render_template("admin/round_edit.html", round=round_, form=form, errors=errors_of(form),
                           crumbs=crumbs(round_))


@bp.post("/rundor/<int:round_id>/status/<action>")
@staff_required()
def round_state_change(round_id: int, action: str) -> WerkzeugResponse:
    round_ = get_round(round_id)
    if action not in STATE_DONE:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            STATE_ACTIONS[action](db_session(), round_, actor(), today())
        except Refused as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(STATE_DONE[action], "success")
    return redirect(url_for("admin.round_detail", round_id=round_.id))


@bp.post("/rundor/<int:round_id>/enkat")
@staff_required()
def round_questionnaire(round_id: int) -> WerkzeugResponse:
    round_ = get_round(round_id)
    if ActionForm().validate_on_submit():
        try:
            changed = refresh_questionnaire(db_session(), round_, actor(), today())
        except Refused as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Omgången använder nu den senaste versionen av enkäten." if changed
                  else "Omgången använder redan den senaste versionen.", "success")
    return redirect(url_for("admin.round_detail", round_id=round_.id))


@bp.route("/rundor/<int:round_id>/forlang", methods=["GET", "POST"])
@staff_required()
def round_extend(round_id: int) -> ResponseReturnValue:
    round_ = get_round(round_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            extend_round(db_session(), round_, filled(form.until.data), filled(form.reason.data), actor())
        except Refused as error:
            form.until.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Sista svarsdagen är nu {round_.closes_on.isoformat()} för alla.", "success")
            return redirect(url_for("admin.round_detail", round_id=round_.id))
    return render_template("admin/round_extend.html", round=round_, form=form, errors=errors_of(form),
                           crumbs=crumbs(round_))


@bp.get("/rundor/<int:round_id>/handelser")
@staff_required()
def round_events_page(round_id: int) -> str:
    round_ = get_round(round_id)
    return render_template("admin/round_events.html", round=round_,
                           events=round_timeline(db_session(), round_), crumbs=crumbs(round_))

