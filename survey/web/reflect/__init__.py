"""Reflection pages for organisations, through their link: /reflektion/<token>/…

The token is the organisation's respondent link (the same lookup and the same throttle on
wrong tokens as /svar/). The pages open when staff publish the round's results: the
organisation's answers beside the others', its notes on the reflection questions (editable,
with a conflict message instead of a silent overwrite) and its downloads. Thin views: load,
call the core (``survey.reflection``), commit once, redirect.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import Organisation, Round
from survey.documents import reflection_pptx, reflection_xlsx
from survey.reflection import NOTE_LIMIT, is_published, load_reflection, notes, save_notes
from survey.reports.reflection import question_keys
from survey.responses.answers import InvalidVersion, parse_version
from survey.web.extensions import db, db_session
from survey.web.respond.access import invitation_or_abort

bp = Blueprint("reflect", __name__, url_prefix="/reflektion")

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    return render_template("reflect/overview.html", token=token, round=round_, organisation=org,
                           reflection=loaded.reflection, kind_many=loaded.reflection.questionnaire.terms.get(
                               "organisationer", "organisationer"))


@bp.route("/<token>/anteckningar", methods=["GET", "POST"])
def edit_notes(token: str) -> ResponseReturnValue:
    found = _context(token)
    if not isinstance(found, tuple):
        return found
    round_, org = found
    reflection = load_reflection(db_session(), round_, org).reflection
    keys = question_keys(reflection.questions)
    if request.method == "POST":
        texts = {key: request.form.get(f"note-{key}", "") for key in keys}
        try:
            seen = {key: parse_version(request.form.get(f"version-{key}") or "0") for key in keys}
        except InvalidVersion as error:
            flash(f"{error} Inget sparades.", "error")
            return _notes_page(token, round_, org, reflection, keys, texts, []), 422
        conflicts = save_notes(db_session(), round_, org, texts, seen, actor=f"länk:{org.code}")
        db.session.commit()
        if not conflicts:
            flash("Era anteckningar är sparade.", "success")
            return redirect(url_for("reflect.edit_notes", token=token))
        return _notes_page(token, round_, org, reflection, keys, texts, conflicts), 409
    return _notes_page(token, round_, org, reflection, keys, None, [])


def _notes_page(token: str, round_: Round, org: Organisation, reflection: Any, keys: list[str],
                typed: dict[str, str] | None, conflicts: list[Any]) -> str:
    stored = notes(db_session(), round_, org)
    fields = []
    for key, question in zip(keys, [*reflection.questions, None], strict=True):
        row = stored.get(key)
        conflict = next((c for c in conflicts if c.key == key), None)
        text = typed.get(key, "") if typed is not None else (row.text if row else "")
        fields.append({"key": key, "question": question, "text": text, "version": row.version if row else 0,
                       "conflict": conflict})
    return render_template("reflect/notes.html", token=token, round=round_, organisation=org,
                           fields=fields, limit=NOTE_LIMIT, conflicts=conflicts)


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
    name = f"reflektion-{org.code}-{round_.questionnaire_version.year}.{kind}"
    return Response(blob, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
