"""The confirmation e-mail to the person who submitted: the receipt number, when and for
whom, and a copy of the answers attached. No Flask here; the respondent view builds the
attachment and hands the message to the configured backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from survey.db import utcnow

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class Receipt:
    number: str
    questionnaire: str
    round_name: str
    organisation: str
    submitted_at: str  # as Swedes read it: 2025-10-19 kl. 14.05
    submitted_by: str
    url: str  # the receipt page


def receipt_message(sender: str, to: str, name: str, receipt: Receipt, attachment: bytes,
                    filename: str) -> EmailMessage:
    """The message, with the answers file attached under ``filename`` (UTF-8, RFC 2231)."""
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = f"Kvitto {receipt.number}: {receipt.organisation} har skickat in svaren"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    message.set_content(_body(name, receipt, filename))
    message.add_attachment(attachment, maintype=XLSX[0], subtype=XLSX[1], filename=filename)
    return message


def _body(name: str, receipt: Receipt, filename: str) -> str:
    return (
        f"Hej {name}!\n\n"
        f"Socialstyrelsen har tagit emot svaren på enkäten «{receipt.questionnaire}» "
        f"för {receipt.organisation}.\n\n"
        f"Kvittensnummer: {receipt.number}\n"
        f"Omgång: {receipt.round_name}\n"
        f"Inskickad: {receipt.submitted_at}\n"
        f"Inskickad av: {receipt.submitted_by}\n\n"
        f"En kopia av svaren finns i den bifogade filen «{filename}». Kvittot kan du också se här:\n"
        f"{receipt.url}\n\n"
        "Svaren kan inte längre ändras. Behöver något rättas, kontakta Socialstyrelsen och ange "
        "kvittensnumret.\n\n"
        "Med vänlig hälsning\nSocialstyrelsen\n"
    )
