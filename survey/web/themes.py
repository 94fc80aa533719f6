"""Staff pages for a round's free text, its publication and its deck: /admin/teman/…

Staff read the free-text answers, tag them with the round's themes, choose the quotes for the
slides, publish the results (which opens each organisation's reflection pages) and download
the national deck. Post/redirect/get throughout; every change is one commit.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from exports.pptx_deck import build_national_deck
from survey.db import Round, Theme
from survey.reflection import ReflectionError, is_published, publication, publish, unpublish
from survey.text import parse_int
from survey.themes import (
    ThemeError,
    add_theme,
    choose_quote,
    delete_theme,
    entries,
    national_deck_input,
    rename_theme,
    seed_default_themes,
    set_themes,
    theme_counts,
    themes,
)
from survey.web.auth import staff_required
from survey.web.downloads import PPTX, download, file_name
from survey.web.extensions import db, db_session

bp = Blueprint("themes", __name__, url_prefix="/admin/teman")


def _actor() -> str:
    return str(getattr(current_user, "email", "personal"))


def _back(round_: Round, anchor: str = "") -> ResponseReturnValue:
    """Back to the round's page, on the question the form was posted from."""
    wanted = parse_int(request.form.get("fraga"))
    page = url_for("themes.round_page", round_id=round_.id) + (f"?fraga={wanted}" if wanted is not None else "")
    return redirect(page + (f"#{anchor}" if anchor else ""))


@bp.get("/")
@staff_required()
def index() -> str:
    rounds = db.session.scalars(select(Round).order_by(Round.id.desc())).all()
    return render_template("themes/index.html", rounds=rounds,
                           published={r.id: is_published(db_session(), r) for r in rounds})


@bp.get("/<int:round_id>/")
@staff_required()
def round_page(round_id: int) -> str:
    round_ = db.get_or_404(Round, round_id)
    theme_list = themes(db_session(), round_)
    listed = entries(db_session(), round_)
    by_question: dict[str, list[Any]] = {}
    for entry in listed:
        by_question.setdefault(entry.question, []).append(entry)
    # One question at a time (the demo's full size is hundreds of answers): a list to choose from.
    questions = list(by_question)
    wanted = parse_int(request.args.get("fraga")) or 0
    current = min(wanted, len(questions) - 1) if questions else 0
    shown = {questions[current]: by_question[questions[current]]} if questions else {}
    question_of = {entry.answer_id: entry.question for entry in listed}
    counts = theme_counts(listed, theme_list)  # a table for each question with tagged answers, the rest named
    tagged = {answer_id: rows for answer_id, rows in counts.items() if any(count for _, count in rows)}
    untagged = [question_of.get(answer_id, answer_id) for answer_id in counts if answer_id not in tagged]
    return render_template("themes/round.html", round=round_, themes=theme_list, by_question=shown,
                           questions=[(q, len(by_question[q])) for q in questions], current=current,
                           question_of=question_of,
                           counts=tagged, untagged=untagged, published=is_published(db_session(), round_),
                           publication=publication(db_session(), round_))


@bp.post("/<int:round_id>/standardteman")
@staff_required()
def seed(round_id: int) -> ResponseReturnValue:
    round_ = db.get_or_404(Round, round_id)
    seed_default_themes(db_session(), round_)
    db.session.commit()
    flash("Temana från 2025 är tillagda.", "success")
    return _back(round_, "teman")


@bp.post("/<int:round_id>/teman")
@staff_required()
def create(round_id: int) -> ResponseReturnValue:
    round_ = db.get_or_404(Round, round_id)
    try:
        add_theme(db_session(), round_, request.form.get("name", ""))
    except ThemeError as error:
        flash(str(error), "error")
        return _back(round_, "teman")
    db.session.commit()
    flash("Temat är tillagt.", "success")
    return _back(round_, "teman")


def _int(value: str | None) -> int:
    number = parse_int(value)
    if number is None:
        abort(400)
    return number


def _theme(round_: Round, theme_id: int) -> Theme:
    theme = db.get_or_404(Theme, theme_id)
    if theme.round_id != round_.id:
        abort(404)
    return theme


@bp.post("/<int:round_id>/teman/andra")
@staff_required()
def change(round_id: int) -> ResponseReturnValue:
    round_ = db.get_or_404(Round, round_id)
    theme = _theme(round_, _int(request.form.get("theme_id")))
    try:
        if request.form.get("action") == "delete":
            delete_theme(db_session(), theme)
        else:
            rename_theme(db_session(), theme, request.form.get("name", ""))
    except ThemeError as error:
        flash(str(error), "error")
        return _back(round_, "teman")
    db.session.commit()
    flash("Temat är ändrat.", "success")
    return _back(round_, "teman")


@bp.post("/<int:round_id>/svar")
@staff_required()
def tag(round_id: int) -> ResponseReturnValue:
    """Tags and quote of one free-text answer (named by response and answer id in the form)."""
    round_ = db.get_or_404(Round, round_id)
    response_id, answer_id = _int(request.form.get("response_id")), request.form.get("answer_id", "")
    mine = next((e for e in entries(db_session(), round_)
                 if e.response_id == response_id and e.answer_id == answer_id), None)
    if mine is None:
        abort(404)
    chosen = {number for number in map(parse_int, request.form.getlist("theme")) if number is not None}
    quote_theme = request.form.get("quote_theme", "")
    try:
        set_themes(db_session(), round_, response_id, answer_id, chosen, _actor())
        quote = request.form.get("quote", "") if request.form.get("use_quote") else ""
        choose_quote(db_session(), round_, response_id, answer_id, quote,
                     parse_int(quote_theme), _actor())
    except ThemeError as error:
        flash(str(error), "error")
        return _back(round_)
    db.session.commit()
    flash(f"Svaret från {mine.organisation_name} är sparat.", "success")
    return _back(round_, f"svar-{response_id}-{answer_id}")


@bp.post("/<int:round_id>/publicering")
@staff_required("admin")
def publishing(round_id: int) -> ResponseReturnValue:
    round_ = db.get_or_404(Round, round_id)
    try:
        if request.form.get("action") == "unpublish":
            unpublish(db_session(), round_)
            message = "Publiceringen är återkallad; reflektionssidorna är stängda."
        else:
            publish(db_session(), round_, _actor())
            message = "Resultaten är publicerade; organisationerna kan nu öppna sin reflektion."
    except ReflectionError as error:
        flash(str(error), "error")
        return _back(round_, "publicering")
    db.session.commit()
    flash(message, "success")
    return _back(round_, "publicering")


@bp.get("/<int:round_id>/sammanstallning.pptx")
@staff_required()
def deck(round_id: int) -> Response:
    round_ = db.get_or_404(Round, round_id)
    blob = build_national_deck(national_deck_input(db_session(), round_))
    return download(blob, PPTX, file_name("Sammanställning", round_.name, suffix=".pptx"))
