"""One section of the form: show it, save it (full post), save it while typing (autosave).

Both saves go through ``save_posted``: the post is read and checked as a whole first
(``survey.forms.post``), so a post with any error saves nothing; routing is evaluated on the
stored answers merged with the posted ones, and only applicable answers are written
(``survey.responses.answers.write_answers``, the path staff entry and import share). One save
is one transaction. Conflicts (someone else changed an answer this person also changed) are
not written; the page shows both values and lets the person choose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.questionnaire.model import Field, Section
from survey.questionnaire.routing import applicable_after
from survey.responses.answers import ConcurrentSave, ResponseLocked, SaveResult, write_answers
from survey.web.extensions import db, db_session
from survey.web.forms.display import display_value
from survey.web.forms.page import CompiledSection, compiled_section, error_links
from survey.web.forms.post import FORM_KEYS, PostedSection, read_section
from survey.web.forms.widgets import ConflictView, FormState
from survey.web.respond import bp, followups
from survey.web.respond.access import Window
from survey.web.respond.identity import (
    Person,
    current_person,
    forget,
    idle_seconds,
    read_identity,
    register,
    require_person,
)
from survey.web.respond.shell import messages_html, render_section_page
from survey.web.respond.visit import Visit, load_visit, local_time, window_page

if TYPE_CHECKING:
    from survey.web.forms.summary import QuestionSummary

IDENTITY_KEYS = frozenset({"namn", "epost"})
PageResult = WerkzeugResponse | tuple[str, int] | str


def _section_or_404(visit: Visit, section_id: str) -> tuple[Section, CompiledSection]:
    section = visit.section(section_id)
    if section is None:
        abort(404)
    return section, compiled_section(visit.q, section.id)


@bp.get("/<token>/avsnitt/<section_id>")
def section(token: str, section_id: str) -> PageResult:
    visit = load_visit(token)
    found, compiled = _section_or_404(visit, section_id)
    if visit.window is Window.NOT_YET_OPEN:
        return window_page(visit)
    if not visit.editable:
        return render_template("respond/section_readonly.html", visit=visit, inv=visit.inv,
                               section=found, rows=section_rows(visit, found))
    person = require_person(visit.inv)
    if not isinstance(person, Person):
        return person
    values = visit.values
    state = FormState(values, visit.versions, compiled.applicable(visit.q, values))
    notice = "Dina svar är sparade." if request.args.get("sparat") else None
    due = followups.from_request(compiled, request.args.get(followups.PARAM), state.applicable, values)
    if due:
        notice = f"Dina svar är sparade. {followups.notice(visit.q, due)}"
    return render_form(visit, found, compiled, state, person, notice=notice, focus=due)


RACE_MESSAGE = ("Någon annan sparade svar i samma stund. Inget av det du skrev har gått förlorat: "
                "klicka Spara igen.")


@bp.post("/<token>/avsnitt/<section_id>")
def save_section(token: str, section_id: str) -> PageResult:
    visit = load_visit(token)
    found, compiled = _section_or_404(visit, section_id)
    if not visit.editable:
        return locked(visit, unsaved_from(visit, compiled.fields))
    posted = read_section(visit.q, compiled.fields, request.form, FORM_KEYS | IDENTITY_KEYS)
    person, identity = _person_for_post(visit, posted)
    if person is None or not posted.ok:
        db.session.rollback()
        alert = None if person is not None else (
            "Du behöver ange ditt namn och din e-postadress innan svaren kan sparas. "
            "Allt du har skrivit på sidan finns kvar.")
        return _show_posted(visit, found, compiled, posted, person, identity, alert)
    try:
        result = save_posted(visit, posted, person)
    except ResponseLocked:
        db.session.rollback()
        return locked(visit)
    except ConcurrentSave:
        db.session.rollback()
        return _show_posted(visit, found, compiled, posted, person, identity, RACE_MESSAGE, status=409)
    before = visit.values
    action = request.form.get("action", "save")
    if action == "later" and not result.conflicts:
        forget(visit.inv)  # «Spara och fortsätt senare» ends the session on the server too
    db.session.commit()
    if result.conflicts:
        return _show_conflicts(visit, found, compiled, posted, person, result)
    if action in ("next", "save"):
        visit.reload()
        due = followups.newly_due(visit.q, compiled, before, visit.values)
        if due:  # without JavaScript the person has not seen these yet: stay and show them
            target = url_for("respond.section", token=token, section_id=found.id, sparat=1)
            return redirect(f"{target}&{followups.PARAM}={','.join(f.id for f in due)}", code=303)
    return redirect(_after_save(visit, found, action), code=303)


@bp.post("/<token>/avsnitt/<section_id>/autospara")
def autosave(token: str, section_id: str) -> tuple[Any, int]:
    """Save the fields the page reports as changed; answer with new versions and conflicts."""
    visit = load_visit(token)
    _, compiled = _section_or_404(visit, section_id)
    if not visit.editable:
        return jsonify(error="locked", message="Svaren kan inte längre ändras."), 409
    person = current_person(visit.inv)
    if person is None:
        return jsonify(error="session", message="Din session har gått ut."), 401
    posted = read_section(visit.q, compiled.fields, request.form)
    if not posted.ok:
        return jsonify(error="invalid", errors=posted.errors), 422
    try:
        result = save_posted(visit, posted, person)
    except ResponseLocked:
        db.session.rollback()
        return jsonify(error="locked", message="Svaren kan inte längre ändras."), 409
    except ConcurrentSave:
        db.session.rollback()
        return jsonify(error="retry", message=RACE_MESSAGE), 409
    db.session.commit()
    visit.reload()
    versions = {aid: visit.rows[aid][1] for aid in result.saved}
    return jsonify(versions=versions, conflicts=[c.answer_id for c in result.conflicts]), 200


@bp.post("/<token>/forlang")
def extend(token: str) -> tuple[Any, int]:
    """Keep the session alive (the timeout warning's button); hands out a fresh CSRF token."""
    visit = load_visit(token)
    person = current_person(visit.inv)
    if person is None:
        return jsonify(error="session", message="Din session har gått ut."), 401
    from survey.web.respond.identity import remember

    remember(visit.inv, person)
    return jsonify(csrf=generate_csrf(), idle_seconds=idle_seconds()), 200


def save_posted(visit: Visit, posted: PostedSection, person: Person) -> SaveResult:
    """Write the posted answers that apply (``write_answers``); flushes only."""
    response = visit.ensure_response()
    return write_answers(db_session(), response, visit.q, posted.values, posted.seen, person.actor, "respondent",
                         keep_theirs=posted.keep_theirs)


def _person_for_post(visit: Visit, posted: PostedSection) -> tuple[Person | None, dict[str, Any]]:
    """The person saving; after an expired session, the name and e-mail typed on the page."""
    person = current_person(visit.inv)
    if person is not None:
        return person, {}
    if "namn" not in request.form:
        return None, {"name": "", "email": "", "errors": {}}
    name, email, errors = read_identity(request.form)
    if errors or not posted.ok:
        return None, {"name": name, "email": email, "errors": errors}
    return register(visit.inv, name, email), {}


def _after_save(visit: Visit, section: Section, action: str) -> str:
    token = visit.inv.token
    if action == "later":
        return url_for("respond.later", token=token)
    if action == "next":
        after = visit.neighbours(section)[1]
        if after is None:
            return url_for("respond.review", token=token)
        return url_for("respond.section", token=token, section_id=after.id, sparat=1)
    return url_for("respond.section", token=token, section_id=section.id, sparat=1) + "#main"


def _show_posted(visit: Visit, section: Section, compiled: CompiledSection, posted: PostedSection,
                 person: Person | None, identity: dict[str, Any], alert: str | None,
                 status: int = 422) -> tuple[str, int]:
    """The page again with everything as it was typed (after errors or an expired session)."""
    values: dict[str, object] = {**visit.values, **posted.raw}
    versions = {**visit.versions, **posted.seen}
    state = FormState(values, versions, applicable_after(visit.q, visit.values, posted.values), posted.errors)
    return render_form(visit, section, compiled, state, person, alert=alert, identity=identity), status


def _show_conflicts(visit: Visit, section: Section, compiled: CompiledSection, posted: PostedSection,
                    person: Person, result: SaveResult) -> tuple[str, int]:
    visit.reload()
    values: dict[str, object] = dict(visit.values)
    views = {}
    for conflict in result.conflicts:
        f = visit.q.field(conflict.answer_id)
        values[f.id] = posted.raw.get(f.id)
        views[f.id] = ConflictView(display_value(f, conflict.theirs), display_value(f, conflict.yours),
                                   conflict.changed_by or "okänd", local_time(conflict.changed_at))
    state = FormState(values, visit.versions, applicable_after(visit.q, visit.values, posted.values), {}, views)
    alert = ("Någon annan har ändrat några av svaren sedan du öppnade sidan. Dina övriga svar är "
             "sparade. Välj för varje markerad fråga vilket svar som ska gälla och klicka på Spara.")
    return render_form(visit, section, compiled, state, person, alert=alert,
                       conflict_links=[(f"c__{aid}-mine", f"{visit.q.field(aid).label}: välj svar")
                                       for aid in views]), 409


def render_form(visit: Visit, section: Section, compiled: CompiledSection, state: FormState,
                person: Person | None, notice: str | None = None, alert: str | None = None,
                identity: dict[str, Any] | None = None,
                conflict_links: list[tuple[str, str]] | None = None,
                focus: Sequence[Field] = ()) -> str:
    before, after = visit.neighbours(section)
    errors = error_links(compiled, state.errors)
    if identity:
        errors = [(key, message) for key, message in identity.get("errors", {}).items()] + errors
    context: dict[str, Any] = dict(
        visit=visit, inv=visit.inv, section=section, person=person, routing=compiled.routing_json,
        errors=errors, conflict_links=conflict_links or [], identity=identity, before=before,
        after=after, number=visit.q.sections.index(section) + 1, idle_seconds=idle_seconds(),
        warn_seconds=current_app.config.get("RESPOND_WARN_SECONDS", 300))
    body = followups.focus_first(compiled.render(state), focus)
    external = compiled.external_attr(visit.q, visit.values, state.applicable)
    if errors or conflict_links or identity or person is None:
        return render_template("respond/section.html", body=body, external=external,
                               notice=notice, alert=alert, **context)
    return render_section_page(
        (visit.q.content_hash, section.id), context,
        {"token": visit.inv.token, "org": str(escape(visit.inv.organisation_name)),
         "person": str(escape(person.name)), "csrf": generate_csrf(), "body": body,
         "external": str(escape(external)), "messages": messages_html(notice, alert)})


def section_rows(visit: Visit, section: Section) -> list[QuestionSummary]:
    from survey.web.forms.summary import section_summary

    return section_summary(visit.q, section, visit.values)


def locked(visit: Visit, unsaved: list[tuple[str, str]] | None = None) -> PageResult:
    """A save that came too late: the round closed, or someone submitted the answers while
    this page was open. Say so, and show what was typed, so nothing vanishes without a word."""
    if visit.window is not Window.OPEN:
        return window_page(visit, unsaved), 409
    if not unsaved:
        return redirect(url_for("respond.receipt", token=visit.inv.token), code=303)
    return render_template("respond/not_saved.html", visit=visit, inv=visit.inv,
                           unsaved=unsaved), 409


def unsaved_from(visit: Visit, fields: Sequence[Field]) -> list[tuple[str, str]]:
    """What a post to a closed or submitted form changed, shown back so the person can copy
    it: nothing they typed should vanish without a trace."""
    shown = []
    stored = visit.values
    for f in fields:
        posted = [raw.strip() for raw in request.form.getlist(f.id) if raw.strip()]
        before = stored.get(f.id)
        if sorted(posted) == sorted(before if isinstance(before, list) else [before] if before else []):
            continue  # not changed on this page: nothing of the person's is lost
        for text in posted:
            shown.append((f.label if f.role.value in ("comment", "specify") or f.row else
                          visit.q.item(f.item_id).text, f.label_of(text) if f.codes else text))
    return shown


def expired_post(token: str, section_id: str, message: str, status: int = 400) -> tuple[str, int]:
    """A save whose CSRF token or session expired (or whose connection to the database broke):
    the page again, as typed, nothing saved."""
    visit = load_visit(token)
    found, compiled = _section_or_404(visit, section_id)
    if not visit.editable:
        return window_page(visit), 409
    posted = read_section(visit.q, compiled.fields, request.form, FORM_KEYS | IDENTITY_KEYS)
    person = current_person(visit.inv)
    identity = {} if person is not None else {
        "name": request.form.get("namn", ""), "email": request.form.get("epost", ""), "errors": {}}
    return _show_posted(visit, found, compiled, posted, person, identity, message, status=status)
