"""Reflection pages for organisations, through their link: /reflektion/<token>/…

The token is the organisation's respondent link (the same lookup and the same throttle on
wrong tokens as /svar/). The pages open when staff publish the round's results: the
organisation's answers beside the others', its notes on the reflection questions (editable,
with a conflict message instead of a silent overwrite) and its downloads. Thin views: load,
call the core (``survey.reflection``), commit once, redirect.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import Organisation, Round
from survey.documents import reflection_pptx, reflection_xlsx
from survey.reflection import NOTE_LIMIT, is_published, load_reflection, notes, save_notes
from survey.reports.differences import differences, lead
from survey.reports.headlines import Kind
from survey.reports.reflection import question_keys
from survey.web.downloads import PPTX, XLSX, download, file_name
from survey.web.extensions import db, db_session
from survey.web.reflect.charts import bar_chart_svg
from survey.web.reflect.posted import DATABASE_DOWN, EXPIRED, read_notes
from survey.web.respond.access import invitation_or_abort
from survey.web.unavailable import fallback_page, show_again

bp = Blueprint("reflect", __name__, url_prefix="/reflektion")



def _context(token: str) -> tuple[Round, Organisation] | WerkzeugResponse | str:
    invitation = invitation_or_abort(token)
    round_ = db.get_or_404(Round, invitation.round_id)
    org = db.get_or_404(Organisation, invitation.organisation_id)
    if not is_published(db_session(), round_):
        return render_template("reflect/unpublished.html", round=round_, organisation=org)
    return round_, org


@bp.get("/<token>/")
def overview(token: str) -> ResponseReturnValue:
    found = _context(token)
    if not isinstance(found, tuple):
        return found
    round_, org = found
    loaded = load_reflection(db_session(), round_, org)
    reflection = loaded.reflection
    groups = differences(reflection)
    kind = Kind.of(reflection.questionnaire)
    return render_template("reflect/overview.html", token=token, round=round_, organisation=org,
                           reflection=reflection, kind_many=kind.many, differences=groups,
                           differences_lead=lead(groups, kind) if groups else "", chart=bar_chart_svg)


@bp.route("/<token>/anteckningar", methods=["GET", "POST"])
def edit_notes(token: str) -> ResponseReturnValue:
    found = _context(token)
    if not isinstance(found, tuple):
        return found
    round_, org = found
    reflection = load_reflection(db_session(), round_, org).reflection
    keys = question_keys(reflection.questions)
    if request.method == "GET":
        return _notes_page(token, round_, org, reflection, keys, None, [])
    posted = read_notes(request.form, keys)
    if posted.errors:
        return _notes_page(token, round_, org, reflection, keys, posted.typed, [], posted.errors), 422
    conflicts = save_notes(db_session(), round_, org, posted.texts, posted.seen, actor=f"länk:{org.code}")
    db.session.commit()
    if not conflicts:
        flash("Era anteckningar är sparade.", "success")
        return redirect(url_for("reflect.edit_notes", token=token))
    return _notes_page(token, round_, org, reflection, keys, posted.typed, conflicts), 409


@bp.errorhandler(CSRFError)
def csrf_failed(_error: CSRFError) -> Any:
    """An expired CSRF token or a lost session cookie: the notes again as typed, nothing saved."""
    return _notes_again(EXPIRED, 400)


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def database_failed(_error: Exception) -> Any:
    """The connection dropped: nothing was saved; the notes again as typed."""
    return show_again(lambda: _notes_again(DATABASE_DOWN, 503))


def _notes_again(alert: str, status: int) -> Any:
    try:
        return _notes_again_or_abort(alert, status)
    except HTTPException as refused:  # a wrong link: its own page, not a 500
        return refused


def _notes_again_or_abort(alert: str, status: int) -> Any:
    if request.endpoint != "reflect.edit_notes" or request.method != "POST":
        return fallback_page() if status == 503 else (render_template("respond/invalid.html", expired=True), status)
    found = _context((request.view_args or {}).get("token", ""))
    if not isinstance(found, tuple):
        return found
    round_, org = found
    reflection = load_reflection(db_session(), round_, org).reflection
    keys = question_keys(reflection.questions)
    posted = read_notes(request.form, keys)
    token = (request.view_args or {}).get("token", "")
    return _notes_page(token, round_, org, reflection, keys, posted.typed, [], alert=alert), status


def _notes_page(token: str, round_: Round, org: Organisation, reflection: Any, keys: list[str],
                typed: dict[str, str] | None, conflicts: list[Any], errors: dict[str, str] | None = None,
                alert: str | None = None) -> str:
    stored = notes(db_session(), round_, org)
    errors = errors or {}
    fields = []
    for key, question in zip(keys, [*reflection.questions, None], strict=True):
        row = stored.get(key)
        conflict = next((c for c in conflicts if c.key == key), None)
        text = typed.get(key, "") if typed is not None else (row.text if row else "")
        fields.append({"key": key, "question": question, "text": text, "version": row.version if row else 0,
                       "conflict": conflict, "error": errors.get(key)})
    return render_template("reflect/notes.html", token=token, round=round_, organisation=org,
                           fields=fields, limit=NOTE_LIMIT, conflicts=conflicts, alert=alert,
                           errors=[(f"note-{key}", message) for key, message in errors.items()])


@bp.get("/<token>/reflektion.pptx")
def download_pptx(token: str) -> ResponseReturnValue:
    return _download(token, "pptx")


@bp.get("/<token>/reflektion.xlsx")
def download_xlsx(token: str) -> ResponseReturnValue:
    return _download(token, "xlsx")


def _download(token: str, kind: str) -> ResponseReturnValue:
    found = _context(token)
    if not isinstance(found, tuple):
        return found
    round_, org = found
    build, mimetype = (reflection_pptx, PPTX) if kind == "pptx" else (reflection_xlsx, XLSX)
    blob = build(db_session(), round_, org)
    name = file_name("Reflektion", org.name, round_.questionnaire_version.year, suffix=f".{kind}")
    return download(blob, mimetype, name)
