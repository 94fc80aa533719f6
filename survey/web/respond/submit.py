"""«Granska och skicka in», the guarded submit, the receipt and the submitted answers."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.questionnaire.routing import applicable_ids
from survey.responses.answers import InvalidVersion, parse_version
from survey.responses.answers import submit as submit_response
from survey.staff.audit import record_for
from survey.web.downloads import XLSX, download
from survey.web.extensions import db, db_session
from survey.web.forms.summary import blocking, section_summary
from survey.web.respond import bp
from survey.web.respond.access import Window
from survey.web.respond.identity import Person, current_person, require_person
from survey.web.respond.receipt import (
    answers_bytes,
    answers_file_name,
    send_receipt_mail,
)
from survey.web.respond.visit import Visit, load_visit, local_time, window_page

PageResult = WerkzeugResponse | tuple[str, int] | str


@bp.get("/<token>/granska")
def review(token: str) -> PageResult:
    visit = load_visit(token)
    if visit.submitted:
        return redirect(url_for("respond.receipt", token=token), code=303)
    if not visit.editable:
        return window_page(visit)
    person = require_person(visit.inv)
    if not isinstance(person, Person):
        return person
    return render_review(visit, person)


@bp.post("/<token>/skicka-in")
def submit(token: str) -> PageResult:
    visit = load_visit(token)
    if visit.submitted:  # a second click, or another person was quicker: the receipt either way
        return redirect(url_for("respond.receipt", token=token), code=303)
    if not visit.editable:
        return window_page(visit), 409
    person = require_person(visit.inv)
    if not isinstance(person, Person):
        return person
    if blocking(visit.q, visit.values):
        return render_review(visit, person, tried=True), 422
    try:
        reviewed = parse_version(request.form.get("version", ""))
    except InvalidVersion:
        reviewed = None
    if visit.response is None or reviewed is None:
        alert = "Sidan skickade en ogiltig version av svaren. Ladda om sidan och klicka på Skicka in igen."
        return render_review(visit, person, alert=alert), 422
    if not submit_response(db_session(), visit.ensure_response(), visit.q, person.actor,
                           expected_version=reviewed):
        db.session.rollback()
        visit = load_visit(token)
        if visit.submitted:
            return redirect(url_for("respond.receipt", token=token), code=303)
        alert = ("Svaren har ändrats sedan du öppnade den här sidan. Granska dem igen och "
                 "klicka sedan på Skicka in.")
        return render_review(visit, person, alert=alert), 409
    response = visit.ensure_response()
    record_for(db_session(), person.actor, "respondent.submit", visit.inv.round_id,
               visit.inv.organisation_id, number=response.receipt_number)
    db.session.commit()
    mailed = send_receipt_mail(load_visit(token), person)
    return redirect(url_for("respond.receipt", token=token, epost=1 if mailed else 0), code=303)


def render_review(visit: Visit, person: Person, tried: bool = False, alert: str | None = None) -> str:
    missing = blocking(visit.q, visit.values)
    errors = [(f"q-{section.id}-{line.answer_id}",
               f"{_question_name(question.number, line.label)} är inte besvarad")
              for section, question, line in missing] if tried else []
    return render_template("respond/review.html", visit=visit, inv=visit.inv, person=person,
                           summaries=_summaries(visit), missing=missing, errors=errors,
                           alert=alert, version=visit.response.version if visit.response else 0)


def _question_name(number: str | None, row: str | None) -> str:
    name = f"Fråga {number}" if number else "En fråga"
    return f"{name} ({row})" if row else name


def _summaries(visit: Visit) -> list[tuple[Any, list[Any]]]:
    values = visit.values
    applicable = applicable_ids(visit.q, values)
    return [(section, section_summary(visit.q, section, values, applicable))
            for section in visit.q.sections]


@bp.get("/<token>/kvitto")
def receipt(token: str) -> PageResult:
    visit = load_visit(token)
    if not visit.submitted:
        return redirect(url_for("respond.overview", token=token), code=303)
    assert visit.response is not None
    person = current_person(visit.inv)
    return render_template("respond/receipt.html", visit=visit, inv=visit.inv,
                           submitted_at=local_time(visit.response.submitted_at),
                           submitted_by=visit.response.submitted_by,
                           mailed=request.args.get("epost"), email=person.email if person else None)


@bp.get("/<token>/svaren")
def printable(token: str) -> PageResult:
    """All answers on one page, for printing (or saving as PDF from the browser)."""
    visit = load_visit(token)
    if visit.window is Window.NOT_YET_OPEN:
        return window_page(visit)
    return render_template("respond/answers.html", visit=visit, inv=visit.inv,
                           summaries=_summaries(visit),
                           submitted_at=local_time(visit.response.submitted_at if visit.response else None),
                           submitted_by=visit.response.submitted_by if visit.response else None)


@bp.get("/<token>/svaren.xlsx")
def answers_file(token: str) -> WerkzeugResponse:
    visit = load_visit(token)
    if visit.response is None:
        abort(404)
    return download(answers_bytes(visit), XLSX, answers_file_name(visit))
