"""One organisation in a round: its deadline, its link, its answers (read-only), reopening
and the full history of every answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import AnswerHistory, OrganisationContact, Response, Round, RoundOrganisation, SentMail
from survey.errors import Refused
from survey.mail.contacts import recipients
from survey.questionnaire import Field, Item, Questionnaire, Role, Section
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import Value
from survey.reports.progress import deadline_of
from survey.responses.answers import current_values, find_response, reopen_response
from survey.rounds.lifecycle import active_link, extend_member, questionnaire_of, replace_link
from survey.rounds.links import derive_token
from survey.web.admin import bp
from survey.web.admin.common import ActionForm, actor, errors_of, get_member, get_round, secret
from survey.web.admin.forms import ExtendForm, ReopenForm, filled
from survey.web.admin.rounds import crumbs
from survey.web.auth import staff_required
from survey.web.extensions import db, db_session
from survey.web.forms.display import display_value

SOURCE_LABELS = {"respondent": "organisationen", "staff": "personal åt organisationen",
                 "import": "import", "submit": "vid inskickning", "system": "systemet"}


@dataclass(frozen=True)
class ItemAnswers:
    item: Item
    fields: list[tuple[Field, str]]  # (field, the answer as shown)


def member_crumbs(round_: Round, member: RoundOrganisation) -> list[tuple[str, str]]:
    return crumbs(round_) + [(member.organisation.name, url_for(
        "admin.member", round_id=round_.id, code=member.organisation.code))]


def answered_sections(q: Questionnaire, values: dict[str, Value]) -> list[tuple[Section, list[ItemAnswers]]]:
    """The questions that apply to these answers, with each answer shown (off-route ones left out)."""
    applicable = applicable_ids(q, values)
    result = []
    for section in q.sections:
        items = []
        for item in section.walk():
            fields = [(f, display_value(f, values.get(f.id))) for f in q.fields_of_item(item.id)
                      if f.id in applicable and (f.role in (Role.MAIN, Role.FOLLOWUP) or f.id in values)]
            if fields:
                items.append(ItemAnswers(item, fields))
        result.append((section, items))
    return result


@bp.get("/rundor/<int:round_id>/org/<code>")
@staff_required()
def member(round_id: int, code: str) -> str:
    round_ = get_round(round_id)
    member_ = get_member(round_, code)
    org = member_.organisation
    link = active_link(member_)
    contact = db.session.scalar(select(OrganisationContact).where(OrganisationContact.organisation_id == org.id))
    mails = db.session.scalars(select(SentMail).where(SentMail.round_id == round_.id,
                                                      SentMail.organisation_id == org.id)
                               .order_by(SentMail.id.desc())).all()
    return render_template(
        "admin/member.html", round=round_, member=member_, org=org,
        response=find_response(db_session(), round_, org), contact=contact,
        recipients=recipients(contact), mails=mails, action=ActionForm(),
        deadline=deadline_of(round_.closes_on, member_.extended_until),
        link_url=f"{_base()}/svar/{derive_token(secret(), link.nonce)}" if link else None,
        extend_form=ExtendForm(formdata=None), crumbs=crumbs(round_))


def _base() -> str:
    return str(current_app.config["BASE_URL"])


@bp.post("/rundor/<int:round_id>/org/<code>/forlang")
@staff_required()
def member_extend(round_id: int, code: str) -> ResponseReturnValue:
    round_ = get_round(round_id)
    member_ = get_member(round_, code)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            extend_member(db_session(), member_, filled(form.until.data), filled(form.reason.data), actor())
        except Refused as error:
            form.until.errors = [str(error)]
        else:
            db.session.commit()
            deadline = deadline_of(round_.closes_on, member_.extended_until)
            flash(f"Sista svarsdag för {member_.organisation.name} är nu {deadline.isoformat()}.", "success")
            return redirect(url_for("admin.member", round_id=round_.id, code=code))
    return render_template("admin/member_extend.html", round=round_, member=member_, form=form,
                           errors=errors_of(form), crumbs=member_crumbs(round_, member_)), 422


@bp.post("/rundor/<int:round_id>/org/<code>/ny-lank")
@staff_required()
def member_link(round_id: int, code: str) -> WerkzeugResponse:
    round_ = get_round(round_id)
    member_ = get_member(round_, code)
    if ActionForm().validate_on_submit():
        replace_link(db_session(), member_, actor(), secret())
        db.session.commit()
        flash("Den gamla länken fungerar inte längre. Skicka den nya länken till organisationen.", "success")
    return redirect(url_for("admin.member", round_id=round_.id, code=code))


def _response_or_none(round_: Round, member_: RoundOrganisation) -> Response | None:
    return find_response(db_session(), round_, member_.organisation)


@bp.get("/rundor/<int:round_id>/org/<code>/svar")
@staff_required()
def response_view(round_id: int, code: str) -> str:
    round_ = get_round(round_id)
    return _render_response(round_, get_member(round_, code), ReopenForm(formdata=None))


def _render_response(round_: Round, member_: RoundOrganisation, form: ReopenForm) -> str:
    response = _response_or_none(round_, member_)
    values = current_values(response) if response else {}
    return render_template(
        "admin/response.html", round=round_, member=member_, org=member_.organisation,
        response=response, sections=answered_sections(questionnaire_of(round_), values),
        reopen_form=form, errors=errors_of(form), crumbs=member_crumbs(round_, member_))


@bp.post("/rundor/<int:round_id>/org/<code>/svar/oppna")
@staff_required()
def response_reopen(round_id: int, code: str) -> ResponseReturnValue:
    round_ = get_round(round_id)
    member_ = get_member(round_, code)
    response = _response_or_none(round_, member_)
    form = ReopenForm()
    if response is not None and form.validate_on_submit():
        try:
            reopen_response(db_session(), response, filled(form.reason.data), actor())
        except Refused as error:
            form.reason.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Svaret från {member_.organisation.name} är öppnat igen. Organisationen ser att det är "
                  "öppnat och kan ändra och skicka in det på nytt.", "success")
            return redirect(url_for("admin.response_view", round_id=round_.id, code=code))
    if response is None:
        form.reason.errors = ["Organisationen har inget svar att öppna."]
    return _render_response(round_, member_, form), 422


@bp.get("/rundor/<int:round_id>/org/<code>/historik")
@staff_required()
def response_history(round_id: int, code: str) -> str:
    round_ = get_round(round_id)
    member_ = get_member(round_, code)
    response = _response_or_none(round_, member_)
    q = questionnaire_of(round_)
    answer_id = request.args.get("svar", "")
    entries: list[AnswerHistory] = []
    if response is not None:
        query = select(AnswerHistory).where(AnswerHistory.response_id == response.id)
        if answer_id:
            query = query.where(AnswerHistory.answer_id == answer_id)
        entries = list(db.session.scalars(query.order_by(AnswerHistory.id.desc())))
    rows = [(e, _label(q, e.answer_id), _shown(q, e.answer_id, e.old_value),
             _shown(q, e.answer_id, e.new_value)) for e in entries]
    return render_template("admin/history.html", round=round_, member=member_, org=member_.organisation,
                           rows=rows, answer_id=answer_id, source_labels=SOURCE_LABELS,
                           label=_label(q, answer_id) if answer_id else "",
                           crumbs=member_crumbs(round_, member_))


def _label(q: Questionnaire, answer_id: str) -> str:
    if answer_id == "_status":
        return "Svarets status"
    if not q.has_field(answer_id):
        return answer_id
    f = q.field(answer_id)
    item = q.item(f.item_id)
    prefix = f"{item.number} " if item.number else ""
    return f"{prefix}{item.text}" + (f" – {f.label}" if f.label != item.text else "")


def _shown(q: Questionnaire, answer_id: str, value: Any) -> str:
    if value is None:
        return "–"
    if not q.has_field(answer_id):
        return str(value)
    return display_value(q.field(answer_id), value)
