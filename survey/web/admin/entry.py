"""Answers entered by staff on an organisation's behalf (sent on paper or by e-mail).

The post is read as the respondent's is (``survey.web.forms.post.read_section``: names,
versions and values checked as a whole, any error saves nothing) and written through the same
service (``write_answers``: only answers whose routing applies), with ``source="staff"`` and
the staff member's address, so the history says who typed it and that it was typed for the
organisation. The form carries each answer's version: if the organisation changes an answer
meanwhile, staff see a conflict instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import Response, Round, RoundOrganisation
from survey.questionnaire import Field, Questionnaire, Section
from survey.questionnaire.routing import missing_required
from survey.responses.answers import EDITABLE, current_values, find_response, response_for, submit, write_answers
from survey.rounds.lifecycle import questionnaire_of
from survey.staff.audit import record
from survey.web.admin import bp
from survey.web.admin.common import actor, errors_of, get_member, get_round
from survey.web.admin.forms import SubmitOnBehalfForm
from survey.web.admin.members import member_crumbs
from survey.web.auth import staff_required
from survey.web.extensions import db, db_session
from survey.web.forms.post import read_section


def _section(q: Questionnaire, section_id: str) -> Section:
    for section in q.sections:
        if section.id == section_id:
            return section
    abort(404)


def _editable(round_: Round, member: RoundOrganisation) -> Response | None:
    """The response staff may type into, or None after flashing why not."""
    response = find_response(db_session(), round_, member.organisation)
    if round_.state == "archived":
        flash("Omgången är arkiverad; svaren kan inte ändras.", "error")
    elif response is not None and response.status not in EDITABLE:
        flash("Svaret är inskickat. Öppna det igen (med ett skäl) innan du ändrar något.", "error")
    else:
        return response or response_for(db_session(), round_, member.organisation)
    return None


def _fields(q: Questionnaire, section: Section) -> list[Field]:
    ids = {item.id for item in section.walk()}
    return [f for f in q.fields if f.item_id in ids]


@bp.route("/rundor/<int:round_id>/org/<code>/registrera", methods=["GET", "POST"])
@staff_required()
def response_entry(round_id: int, code: str) -> ResponseReturnValue:
    round_ = get_round(round_id)
    member = get_member(round_, code)
    q = questionnaire_of(round_)
    section = _section(q, request.args.get("avsnitt") or q.sections[0].id)
    response = _editable(round_, member)
    if response is None:
        return redirect(url_for("admin.member", round_id=round_.id, code=code))
    fields = _fields(q, section)
    shown: Shown = (current_values(response), _versions(response), [])
    if request.method == "POST":
        saved = _save(q, round_, member, section, response, fields)
        if not isinstance(saved, tuple):
            return saved
        shown = saved
    db.session.commit()  # a response created on first visit
    values, versions, errors = shown
    return render_template("admin/entry.html", round=round_, member=member, org=member.organisation,
                           q=q, section=section, fields=fields, values=values, versions=versions,
                           errors=errors, response=response, submit_form=SubmitOnBehalfForm(formdata=None),
                           missing=len(missing_required(q, current_values(response))),
                           crumbs=member_crumbs(round_, member)), 422 if errors else 200


Shown = tuple[Mapping[str, object], dict[str, int], list[tuple[str, str]]]


def _versions(response: Response) -> dict[str, int]:
    return {a.answer_id: a.version for a in response.answers}


def _save(q: Questionnaire, round_: Round, member: RoundOrganisation, section: Section, response: Response,
          fields: list[Field]) -> Shown | WerkzeugResponse:
    """Save the posted section; a redirect, or what the page shows again with the errors."""
    posted = read_section(q, tuple(fields), request.form)
    if not posted.ok:  # a bad value, a tampered version or name: nothing is saved
        errors = [(key, f"{q.field(key).label}: {message}" if q.has_field(key) else message)
                  for key, message in posted.errors.items()]
        return {**current_values(response), **posted.raw}, _versions(response), errors
    result = write_answers(db_session(), response, q, posted.values, posted.seen, actor(), "staff")
    if result.saved:
        record(db_session(), actor(), "response.entry", round_, member.organisation,
               answers=len(result.saved), section=section.id)
    db.session.commit()
    if not result.conflicts:
        flash(f"{len(result.saved)} svar sparade i avsnittet «{section.title}».", "success")
        return redirect(request.full_path.rstrip("?"))
    errors = [(c.answer_id, f"{q.field(c.answer_id).label}: organisationen har ändrat svaret "
               f"medan du skrev (nu: {c.theirs or 'inget svar'}). Kontrollera och spara igen.")
              for c in result.conflicts]
    return current_values(response), _versions(response), errors


@bp.post("/rundor/<int:round_id>/org/<code>/registrera/skicka-in")
@staff_required()
def response_submit(round_id: int, code: str) -> ResponseReturnValue:
    round_ = get_round(round_id)
    member = get_member(round_, code)
    response = find_response(db_session(), round_, member.organisation)
    form = SubmitOnBehalfForm()
    back = url_for("admin.response_entry", round_id=round_.id, code=code)
    if response is None or response.status not in EDITABLE or round_.state == "archived":
        flash("Det finns inget svar att skicka in.", "error")
        return redirect(back)
    if not form.validate_on_submit():
        flash(" ".join(message for _, message in errors_of(form)), "error")
        return redirect(back)
    q = questionnaire_of(round_)
    missing = missing_required(q, current_values(response))
    if missing:
        flash(f"{len(missing)} obligatoriska svar saknas, till exempel «{q.field(missing[0]).label}».", "error")
        return redirect(back)
    if submit(db_session(), response, q, actor()):
        record(db_session(), actor(), "response.submit", round_, member.organisation, on_behalf="ja")
        db.session.commit()
        flash(f"Svaret från {member.organisation.name} är inskickat (registrerat av dig).", "success")
    return redirect(url_for("admin.response_view", round_id=round_.id, code=code))
