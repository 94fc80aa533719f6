"""Organisations' contacts: who gets the invitations, read from CSV or Excel and kept per organisation.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import (
    Organisation,
    OrganisationContact,
    Round,
    utcnow,
)
from survey.reports.progress import deadline_of
from survey.rounds.lifecycle import round_links
from survey.staff.accounts import EMAIL
from survey.staff.audit import record


# -- contacts ---------------------------------------------------------------------------------
def contacts_by_org(session: Session) -> dict[int, OrganisationContact]:
    return {c.organisation_id: c for c in session.scalars(select(OrganisationContact))}


def save_contact(session: Session, organisation: Organisation, registrar_email: str,
                 respondent_name: str, respondent_email: str, actor: str) -> bool:
    """Store an organisation's contacts; False (and nothing recorded) when nothing changed."""
    contact = session.scalar(select(OrganisationContact)
                             .where(OrganisationContact.organisation_id == organisation.id))
    new = (registrar_email.strip().lower(), respondent_name.strip(), respondent_email.strip().lower())
    if contact is None:
        contact = OrganisationContact(organisation=organisation)
        session.add(contact)
    elif (contact.registrar_email, contact.respondent_name, contact.respondent_email) == new:
        return False
    contact.registrar_email, contact.respondent_name, contact.respondent_email = new
    contact.updated_by, contact.updated_at = actor, utcnow()
    record(session, actor, "contact.edit", organisation=organisation,
           registrar_email=new[0], respondent_name=new[1], respondent_email=new[2])
    return True


def recipients(contact: OrganisationContact | None) -> list[tuple[str, str]]:
    """(address, greeting name) per distinct address: the respondent, then the registrar."""
    if contact is None:
        return []
    found = []
    if contact.respondent_email:
        found.append((contact.respondent_email, contact.respondent_name or "Kontaktperson"))
    if contact.registrar_email and contact.registrar_email != contact.respondent_email:
        found.append((contact.registrar_email, "Registrator"))
    return found


# Accepted column names (lower case, without spaces) → our field.
COLUMNS = {
    "kod": "code", "organisationskod": "code", "kommunkod": "code", "länskod": "code", "code": "code",
    "registrator": "registrar_email", "registratorepost": "registrar_email",
    "registrator_epost": "registrar_email", "registrar_email": "registrar_email",
    "kontaktperson": "respondent_name", "respondent_namn": "respondent_name", "namn": "respondent_name",
    "respondent_name": "respondent_name",
    "epost": "respondent_email", "e-post": "respondent_email", "respondent_epost": "respondent_email",
    "kontaktperson_epost": "respondent_email", "respondent_email": "respondent_email",
}


@dataclass(frozen=True)
class ContactRow:
    line: int
    code: str
    registrar_email: str | None  # None: the file has no such column, keep what is stored
    respondent_name: str | None
    respondent_email: str | None


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Rows of cells from a .xlsx or a CSV (comma, semicolon or tab; UTF-8 or Windows-1252)."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [["" if cell is None else str(cell).strip() for cell in row]
                for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:4096]
    delimiter = max(";,\t", key=sample.count) if sample else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def parse_contacts(rows: list[list[str]], known_codes: set[str]) -> tuple[list[ContactRow], list[str]]:
    """Validated rows and every problem (Swedish, with the line number); blank lines skipped."""
    if not rows:
        return [], ["Filen är tom."]
    header = [COLUMNS.get(cell.strip().lower().replace(" ", "_"), "") for cell in rows[0]]
    if "code" not in header:
        return [], ["Rad 1: en kolumn «kod» med organisationens kod saknas."]
    if not {"registrar_email", "respondent_name", "respondent_email"} & set(header):
        return [], ["Rad 1: inga kolumner med kontaktuppgifter (registrator, kontaktperson, epost)."]
    parsed, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name}
        if not any(cells.values()):
            continue
        code = cells["code"].zfill(4) if len(cells["code"]) == 3 else cells["code"]
        if code not in known_codes:
            problems.append(f"Rad {line}: okänd organisationskod «{code}».")
            continue
        for column in ("registrar_email", "respondent_email"):
            if cells.get(column) and not EMAIL.match(cells[column]):
                problems.append(f"Rad {line}: «{cells[column]}» är ingen e-postadress.")
        parsed.append(ContactRow(line, code, cells.get("registrar_email"), cells.get("respondent_name"),
                                 cells.get("respondent_email")))
    return parsed, problems


def import_contacts(session: Session, rows: list[ContactRow], actor: str) -> int:
    """Store every row (all or nothing: call only without problems); a blank cell keeps the
    stored value, so a file with only registrars does not erase the contact persons."""
    orgs = {o.code: o for o in session.scalars(select(Organisation))}
    stored = contacts_by_org(session)
    changed = 0
    for row in rows:
        org = orgs[row.code]
        old = stored.get(org.id)
        current = (old.registrar_email, old.respondent_name, old.respondent_email) if old else ("", "", "")
        registrar, name, email = (value or current[i] for i, value in
                                  enumerate((row.registrar_email, row.respondent_name, row.respondent_email)))
        changed += save_contact(session, org, registrar, name, email, actor=actor)
    record(session, actor, "contact.import", rows=len(rows), changed=changed)
    return changed


def merge_rows(session: Session, round_: Round, secret: str, base_url: str) -> list[list[str]]:
    """One row per organisation in Swedish name order: contacts, deadline, link."""
    contacts = contacts_by_org(session)
    members = {m.organisation.code: m for m in round_.members}
    rows = []
    for link in round_links(round_, secret, base_url):
        member = members[link.code]
        contact = contacts.get(member.organisation_id)
        rows.append([link.code, link.name, contact.registrar_email if contact else "",
                     contact.respondent_name if contact else "", contact.respondent_email if contact else "",
                     deadline_of(round_.closes_on, member.extended_until).isoformat(), link.url])
    return rows
