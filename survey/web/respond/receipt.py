"""What the person who submitted keeps: the answers file (named in words) and the
confirmation e-mail with the receipt number and that file attached."""

from __future__ import annotations

import logging

from flask import current_app, url_for

from survey.formatting import file_name
from survey.mail.backends import MailError, backend_from_config
from survey.mail.receipt import Receipt, receipt_message
from survey.staff.audit import record_for
from survey.web.extensions import db, db_session
from survey.web.forms.answers_xlsx import answers_xlsx
from survey.web.respond.identity import Person
from survey.web.respond.visit import Visit, local_time

DEFAULT_SENDER = "Socialstyrelsen <noreply@socialstyrelsen.se>"


log = logging.getLogger(__name__)


def answers_file_name(visit: Visit) -> str:
    """«Svar Region Kalmar län 2025.xlsx» (a draft says so: «Utkast svar …»)."""
    return file_name("Svar" if visit.submitted else "Utkast svar", visit.inv.organisation_name,
                     visit.q.year, suffix=".xlsx")


def answers_bytes(visit: Visit) -> bytes:
    assert visit.response is not None
    response = visit.response
    status = ("Inskickad " + local_time(response.submitted_at)) if visit.submitted else "Utkast, inte inskickad"
    heading = [("Organisation", visit.inv.organisation_name), ("Omgång", visit.inv.round_name),
               ("Status", status), ("Inskickad av", response.submitted_by or "")]
    if visit.submitted and response.receipt_number:
        heading.append(("Kvittensnummer", response.receipt_number))
    return answers_xlsx(visit.q, visit.values, heading)


def send_receipt_mail(visit: Visit, person: Person) -> bool:
    """Mail the receipt to the person who submitted; the outcome goes to «Händelser».

    The submission is already committed: a mail that fails is logged and said on the receipt
    page, it never undoes the submission.
    """
    assert visit.response is not None and visit.response.receipt_number
    receipt = Receipt(visit.response.receipt_number, visit.q.title, visit.inv.round_name,
                      visit.inv.organisation_name, local_time(visit.response.submitted_at),
                      visit.response.submitted_by or person.actor,
                      current_app.config["BASE_URL"] + url_for("respond.receipt", token=visit.inv.token))
    config = current_app.config
    error: str | None
    try:
        message = receipt_message(config.get("MAIL_FROM") or DEFAULT_SENDER, person.email, person.name,
                                  receipt, answers_bytes(visit), answers_file_name(visit))
        error = backend_from_config(config).send([message])[0]
    except (MailError, OSError) as failure:
        error = str(failure)
    if error:
        log.warning("receipt mail for response %s failed: %s", visit.response.id, error)
    record_for(db_session(), person.actor, "respondent.receipt_mail", visit.inv.round_id,
               visit.inv.organisation_id, to=person.email, number=receipt.number,
               failed=error)
    db.session.commit()
    return error is None
