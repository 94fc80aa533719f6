"""Organisations' contacts: the list, editing one, importing many from CSV or Excel."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from survey.db import Organisation
from survey.mail.contacts import contacts_by_org, import_contacts, parse_contacts, read_table, save_contact
from survey.registry import swedish_sort_key
from survey.web.admin import bp
from survey.web.admin.common import actor, errors_of
from survey.web.admin.forms import ContactForm, ContactImportForm
from survey.web.auth import staff_required
from survey.web.extensions import db, db_session


def _crumbs() -> list[tuple[str, str]]:
    return [("Kontakter", url_for("admin.contacts"))]


@bp.get("/kontakter")
@staff_required()
def contacts() -> str:
    kind = request.args.get("typ", "")
    needle = request.args.get("q", "").strip().casefold()[:100]
    orgs = [o for o in db.session.scalars(select(Organisation))
            if kind in ("", o.kind) and (not needle or needle in o.name.casefold() or o.code.startswith(needle))]
    orgs.sort(key=lambda o: (o.kind != "region", swedish_sort_key(o.name)))
    found = contacts_by_org(db_session())
    missing = sum(1 for o in orgs
                  if o.id not in found or not (found[o.id].registrar_email or found[o.id].respondent_email))
    return render_template("admin/contacts.html", orgs=orgs, contacts=found, kind=kind,
                           query=request.args.get("q", ""), missing=missing)


@bp.route("/kontakter/<code>", methods=["GET", "POST"])
@staff_required()
def contact_edit(code: str) -> ResponseReturnValue:
    org = db.first_or_404(select(Organisation).where(Organisation.code == code))
    stored = contacts_by_org(db_session()).get(org.id)
    form = ContactForm(obj=stored)
    if form.validate_on_submit():
        changed = save_contact(db_session(), org, form.registrar_email.data or "", form.respondent_name.data or "",
                               form.respondent_email.data or "", actor())
        db.session.commit()
        flash(f"Kontaktuppgifterna för {org.name} är sparade." if changed else "Inget ändrades.", "success")
        return redirect(url_for("admin.contacts", q=org.code))
    return render_template("admin/contact_edit.html", org=org, form=form, errors=errors_of(form),
                           contact=stored, crumbs=_crumbs())


@bp.route("/kontakter/import", methods=["GET", "POST"])
@staff_required()
def contacts_import() -> ResponseReturnValue:
    form = ContactImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            table = read_table(upload.filename or "", upload.read())
        except Exception:  # a damaged workbook raises anything from zipfile to KeyError
            table, problems = [], ["Filen kunde inte läsas. Spara den som .xlsx eller .csv och försök igen."]
        if table:
            codes = set(db.session.scalars(select(Organisation.code)))
            rows, problems = parse_contacts(table, codes)
            if not problems:
                changed = import_contacts(db_session(), rows, actor())
                db.session.commit()
                flash(f"{len(rows)} rader lästes in; {changed} organisationer fick ändrade kontaktuppgifter.",
                      "success")
                return redirect(url_for("admin.contacts"))
    errors = errors_of(form) + [(form.file.id, problem) for problem in problems[:50]]
    return render_template("admin/contacts_import.html", form=form, errors=errors,
                           more=max(0, len(problems) - 50), crumbs=_crumbs()), 422 if errors else 200
