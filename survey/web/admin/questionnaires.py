"""Enkäter: questionnaire versions, upload (YAML or XLSForm), preview of every branch,
what changed since last year, and next year's version to edit ("Ny version från förra året")."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from exports.xlsform import xlsform_bytes
from survey import definitions
from survey.db import QuestionnaireVersion, Round
from survey.errors import Refused
from survey.formatting import today
from survey.questionnaire import Questionnaire, QuestionnaireError
from survey.questionnaire.describe import describe_field
from survey.questionnaire.model import Role
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import is_blank
from survey.rounds.lifecycle import attach_version
from survey.web.admin import bp
from survey.web.admin.common import actor, errors_of
from survey.web.admin.forms import QuestionnaireUploadForm
from survey.web.auth import staff_required
from survey.web.downloads import XLSX, download, file_name
from survey.web.extensions import db, db_session
from survey.web.forms.page import CompiledSection, compiled_section, error_links
from survey.web.forms.post import read_section
from survey.web.forms.widgets import FormState

MAX_LISTED_PROBLEMS = 100


def _crumbs(version: QuestionnaireVersion | None = None) -> list[tuple[str, str]]:
    trail = [("Enkäter", url_for("admin.questionnaires"))]
    if version is not None:
        trail.append((f"{version.questionnaire_id} ({version.content_hash[:10]})",
                      url_for("admin.questionnaire_version", version_id=version.id)))
    return trail


def _version(version_id: int) -> QuestionnaireVersion:
    return db.get_or_404(QuestionnaireVersion, version_id)


@bp.get("/enkater/")
@staff_required()
def questionnaires() -> str:
    return render_template("admin/questionnaires.html", grouped=definitions.all_versions(db_session()),
                           form=QuestionnaireUploadForm(), errors=[], problems=[], more=0, crumbs=_crumbs())


@bp.post("/enkater/ladda-upp")
@staff_required()
def questionnaire_upload() -> Any:
    form = QuestionnaireUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or "definition"
        try:
            q = definitions.read_definition(upload.read(), filename)
        except QuestionnaireError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            version, created = definitions.upload(db_session(), q, actor(), filename)
            db.session.commit()
            flash(f"Version {version.content_hash[:10]} av {q.id} är sparad." if created
                  else f"Precis den här versionen av {q.id} fanns redan; inget nytt sparades.", "success")
            return redirect(url_for("admin.questionnaire_version", version_id=version.id))
    errors = errors_of(form) + [(form.file.id, "Filen innehåller fel; inget har sparats.")] * bool(problems)
    return render_template("admin/questionnaires.html", grouped=definitions.all_versions(db_session()), form=form,
                           errors=errors, problems=problems[:MAX_LISTED_PROBLEMS],
                           more=max(0, len(problems) - MAX_LISTED_PROBLEMS), crumbs=_crumbs()), 422


@bp.get("/enkater/<int:version_id>")
@staff_required()
def questionnaire_version(version_id: int) -> str:
    version = _version(version_id)
    q = definitions.definition_of(version)
    before, changes = definitions.changes_since(db_session(), version)
    return render_template("admin/questionnaire.html", version=version, q=q, before=before, changes=changes,
                           rounds=definitions.rounds_of(db_session(), version),
                           planned=definitions.planned_rounds_for(db_session(), version), crumbs=_crumbs())


@bp.post("/enkater/<int:version_id>/koppla")
@staff_required()
def questionnaire_attach(version_id: int) -> WerkzeugResponse:
    version = _version(version_id)
    round_ = db.session.get(Round, request.form.get("round_id", type=int) or 0)
    if round_ is None:
        abort(404)
    try:
        changed = attach_version(db_session(), round_, version, actor(), today())
    except Refused as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Omgången «{round_.name}» ställer nu frågorna i den här versionen." if changed
              else f"Omgången «{round_.name}» använder redan den här versionen.", "success")
    return redirect(url_for("admin.questionnaire_version", version_id=version.id))


@bp.get("/enkater/<int:version_id>/xlsform.xlsx")
@staff_required()
def questionnaire_xlsform(version_id: int) -> Response:
    version = _version(version_id)
    name = file_name("XLSForm", version.questionnaire_id, f"version {version.id}", suffix=".xlsx")
    return download(xlsform_bytes(definitions.definition_of(version)), XLSX, name)


@bp.get("/enkater/<int:version_id>/andringar.csv")
@staff_required()
def questionnaire_changes_csv(version_id: int) -> Response:
    version = _version(version_id)
    before, changes = definitions.changes_since(db_session(), version)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Svars-id", "Fråga", "Text", "Ändring", "Jämfört med"])
    for change in changes:
        writer.writerow([change.answer_id, change.number, change.label, change.described,
                         before.questionnaire_id if before else ""])
    name = file_name("Ändringar", version.questionnaire_id, f"version {version.id}", suffix=".csv")
    return download("\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8", name)


@bp.get("/enkater/<int:version_id>/alla-foljdfragor")
@staff_required()
def questionnaire_branches(version_id: int) -> str:
    version = _version(version_id)
    q = definitions.definition_of(version)
    conditions = {f.id: describe_field(q, f) for f in q.fields if f.role in (Role.MAIN, Role.FOLLOWUP)}
    return render_template("admin/questionnaire_branches.html", version=version, q=q,
                           conditions=conditions, crumbs=_crumbs(version))


@bp.route("/enkater/<int:version_id>/forhandsvisning/<section_id>", methods=["GET", "POST"])
@staff_required()
def questionnaire_preview(version_id: int, section_id: str) -> Any:
    """The section as respondents see it; a post shows the follow-ups it makes due. Nothing is stored."""
    version = _version(version_id)
    q = definitions.definition_of(version)
    section = next((s for s in q.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    compiled = compiled_section(q, section.id)
    state = _preview_state(q, compiled) if request.method == "POST" else FormState({}, {}, applicable_ids(q, {}))
    index = q.sections.index(section)
    return render_template(
        "admin/questionnaire_preview.html", version=version, q=q, section=section, number=index + 1,
        before=q.sections[index - 1] if index else None,
        after=q.sections[index + 1] if index + 1 < len(q.sections) else None,
        body=compiled.render(state), routing=compiled.routing_json, errors=error_links(compiled, state.errors),
        external=compiled.external_attr(q, {}, state.applicable), crumbs=_crumbs(version))


def _preview_state(q: Questionnaire, compiled: CompiledSection) -> FormState:
    posted = read_section(q, compiled.fields, request.form)
    values = {aid: value for aid, value in posted.values.items() if not is_blank(value)}
    return FormState(dict(posted.raw), dict(posted.seen), applicable_ids(q, values), posted.errors)
