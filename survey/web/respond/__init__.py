"""Respondent pages: /svar/<token>/… (an organisation's link opens its response only).

Modules by concept: ``access`` (the link and the deadline), ``identity`` (who answers),
``overview``, ``section`` (show, save, autosave), ``submit`` (review, submit, receipt).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

bp = Blueprint("respond", __name__, url_prefix="/svar")

EXPIRED = ("Sidan hade varit öppen så länge att dina svar inte kunde sparas ännu. Allt du "
           "skrev finns kvar: kontrollera uppgifterna och klicka på Spara igen.")


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """An expired or missing CSRF token (or session): show the post again, lose nothing."""
    from survey.web.respond.visit import load_visit

    endpoint = request.endpoint or ""
    args = request.view_args or {}
    if endpoint in ("respond.autosave", "respond.extend"):
        return jsonify(error="csrf", message="Sidan behöver en ny säkerhetskod."), 400
    if endpoint == "respond.save_section":
        return section.expired_post(args["token"], args["section_id"], EXPIRED)
    visit = load_visit(args.get("token", ""))
    if endpoint == "respond.identify":
        return render_template("respond/identity.html", inv=visit.inv,
                               name=request.form.get("namn", ""), email=request.form.get("epost", ""),
                               errors={}, next_url=identity.safe_next(visit.inv.token, request.form.get("nasta")),
                               alert="Sidan hade varit öppen länge. Kontrollera uppgifterna och fortsätt igen."), 400
    if endpoint == "respond.submit":
        person = identity.current_person(visit.inv)
        if person is not None and visit.editable:
            alert = "Sidan hade varit öppen länge. Klicka på Skicka in igen."
            return submit.render_review(visit, person, alert=alert), 400
    return render_template("respond/invalid.html", expired=True), 400


from survey.web.respond import identity, overview, questionnaire, section, submit  # noqa: E402, F401
