"""The start page of a link: the sections and each one's state, and the way to continue."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.web.extensions import db
from survey.web.respond import bp
from survey.web.respond.access import Window
from survey.web.respond.identity import Person, forget, require_person
from survey.web.respond.visit import SECTION_STATES, load_visit, window_page


@bp.get("/<token>")
def overview(token: str) -> WerkzeugResponse | str:
    visit = load_visit(token)
    if visit.window is not Window.OPEN:
        return window_page(visit)
    person = None
    if visit.editable:
        found = require_person(visit.inv)
        if not isinstance(found, Person):
            return found
        person = found
    states = visit.section_states()
    return render_template("respond/overview.html", visit=visit, inv=visit.inv, person=person,
                           states=states, labels=SECTION_STATES,
                           next_section=next((s for s in visit.q.sections
                                              if states[s.id] in ("not_started", "started")), None))


@bp.get("/<token>/fortsatt-senare")
def later(token: str) -> str:
    """After «Spara och fortsätt senare»: saved, and this browser forgets who was answering."""
    visit = load_visit(token)
    forget(visit.inv)
    db.session.commit()
    return render_template("respond/later.html", visit=visit, inv=visit.inv)


@bp.get("/<token>/")
def overview_slash(token: str) -> WerkzeugResponse:
    return redirect(url_for("respond.overview", token=token), code=308)
