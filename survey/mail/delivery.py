"""Delivering a mailing's queued messages, a batch at a time (run by a worker, not a request).

A batch is *claimed* first (``queued`` → ``sending`` in one UPDATE that only takes rows still
queued), committed, then handed to the backend, and each message's outcome is stored: ``sent``,
or ``failed`` with the SMTP server's reply. Two workers on the same mailing never send a
message twice, and a worker that dies leaves what it had sent marked as sent.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey.db import SentMail, utcnow

BATCH = 25


def claim(session: Session, mailing_id: int, limit: int = BATCH) -> list[SentMail]:
    """The next queued messages of the mailing, now marked ``sending`` (the caller commits)."""
    wanted = (select(SentMail.id).where(SentMail.mailing_id == mailing_id, SentMail.status == "queued")
              .order_by(SentMail.id).limit(limit).scalar_subquery())
    ids = list(session.scalars(update(SentMail).where(SentMail.id.in_(wanted), SentMail.status == "queued")
                               .values(status="sending").returning(SentMail.id)))
    if not ids:
        return []
    return list(session.scalars(select(SentMail).where(SentMail.id.in_(ids)).order_by(SentMail.id)
                                .execution_options(populate_existing=True)))


def message_of(mail: SentMail) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail.sender, mail.recipient, mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=mail.sender.rsplit("@", 1)[-1].strip("> ") or None)
    message.set_content(mail.body)
    return message


def settle(session: Session, batch: list[SentMail], errors: list[str | None], backend: str) -> None:
    """Store each message's outcome (``errors`` from ``Backend.send``, one per message)."""
    now = utcnow()
    for mail, error in zip(batch, errors, strict=True):
        mail.attempts += 1
        mail.backend = backend
        mail.status, mail.error = ("failed", error) if error else ("sent", None)
        mail.sent_at = None if error else now
    session.flush()
