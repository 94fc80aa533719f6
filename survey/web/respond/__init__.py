"""Respondent pages: /svar/<token>/… (an organisation's link opens its response only).

Modules by concept: ``access`` (the link and the deadline), ``identity`` (who answers),
``overview``, ``section`` (show, save, autosave), ``submit`` (review, submit, receipt).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from survey.web.unavailable import fallback_page, show_again

bp = Blueprint("respond", __name__, url_prefix="/svar")

EXPIRED = ("Sidan hade varit öppen så länge att dina svar inte kunde sparas ännu. Allt du "
           "skrev finns kvar: kontrollera uppgifterna och klicka på Spara igen.")
DATABASE_DOWN = ("Databasen svarade inte, så inget av det du skickade sparades. Allt du skrev finns kvar: "
                 "vänta en liten stund och klicka på Spara igen.")
DATABASE_DOWN_IDENTITY = "Databasen svarade inte. Vänta en liten stund och klicka på Fortsätt igen."
DATABASE_DOWN_SUBMIT = ("Svaren skickades inte in, eftersom databasen inte svarade. Vänta en liten stund och "
                        "klicka på Skicka in svaren igen.")


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """An expired or missing CSRF token (or session): show the post again, lose nothing."""
    return post_again(400, EXPIRED, "Sidan hade varit öppen länge. Kontrollera uppgifterna och fortsätt igen.",
                      "Sidan hade varit öppen länge. Klicka på Skicka in igen.",
                      {"error": "csrf", "message": "Sidan behöver en ny säkerhetskod."})


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def database_failed(error: Exception) -> ResponseReturnValue:
    """The connection dropped during the request: nothing was saved; the form again, as typed."""
    return show_again(lambda: post_again(503, DATABASE_DOWN, DATABASE_DOWN_IDENTITY, DATABASE_DOWN_SUBMIT,
                                         {"error": "unavailable", "message": DATABASE_DOWN}))


def post_again(status: int, section_alert: str, identity_alert: str, submit_alert: str,
               json_body: dict[str, str]) -> ResponseReturnValue:
    """The posted page again with everything as it was typed, and ``status``."""
    try:
        return _post_again(status, section_alert, identity_alert, submit_alert, json_body)
    except HTTPException as refused:  # a wrong link or section: its own page, not a 500
        return refused


def _post_again(status: int, section_alert: str, identity_alert: str, submit_alert: str,
                json_body: dict[str, str]) -> ResponseReturnValue:
    from survey.web.respond.visit import load_visit

    endpoint = request.endpoint or ""
    args = request.view_args or {}
    if endpoint in ("respond.autosave", "respond.extend"):
        return jsonify(json_body), status
    if endpoint == "respond.save_section":
        return section.expired_post(args["token"], args["section_id"], section_alert, status)
    if request.method != "POST":
        return fallback_page()
    visit = load_visit(args.get("token", ""))
    if endpoint == "respond.identify":
        return render_template("respond/identity.html", inv=visit.inv,
                               name=request.form.get("namn", ""), email=request.form.get("epost", ""),
                               errors={}, next_url=identity.safe_next(visit.inv.token, request.form.get("nasta")),
                               alert=identity_alert), status
    if endpoint == "respond.submit":
        person = identity.current_person(visit.inv)
        if person is not None and visit.editable:
            return submit.render_review(visit, person, alert=submit_alert), status
    return render_template("respond/invalid.html", expired=True), status


from survey.web.respond import identity, overview, questionnaire, section, submit  # noqa: E402, F401
