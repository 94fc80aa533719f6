"""Mail to organisations: backends, editable Swedish templates, invitations and reminders.

SMTP is used when ``SMTP_HOST`` is configured (``SURVEY_SMTP_HOST`` in the environment);
otherwise mail goes to the console (``MAIL_BACKEND=console``, the default) or to ``.eml``
files (``MAIL_BACKEND=file``, in ``MAIL_FILE_DIR``), so a sending can be checked before a
real one. Every message handed to a backend is a ``SentMail`` row: when, to whom, which
template, and whether the backend took it. The body is not stored, because it carries the
organisation's secret link. The caller commits.
"""

from __future__ import annotations

import smtplib
import string
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Organisation, Response, Round, RoundOrganisation, utcnow
from survey.progress import deadline_of
from survey.rounds import round_links
from survey.staff import record
from survey.staff_models import MailTemplate, OrganisationContact, SentMail

KIND_LABELS = {"invitation": "Inbjudan", "reminder": "Påminnelse"}
PLACEHOLDERS = {
    "organisation": "organisationens namn",
    "runda": "rundans namn",
    "lank": "organisationens länk till enkäten",
    "sista_dag": "sista svarsdag (med eventuell förlängning)",
    "kontaktperson": "kontaktpersonens namn (eller «Registrator»)",
}
DEFAULT_TEMPLATES = {
    "invitation": (
        "Enkät om patientsäkerhetsarbetet: {organisation} – svara senast {sista_dag}",
        "Hej {kontaktperson}!\n\n"
        "Socialstyrelsen följer varje år upp patientsäkerhetsarbetet i regioner och kommuner. "
        "{organisation} är inbjuden att besvara enkäten «{runda}».\n\n"
        "Till registrator: vänligen vidarebefordra meddelandet till den som ansvarar för "
        "patientsäkerhetsarbetet, till exempel hälso- och sjukvårdsdirektören eller medicinskt "
        "ansvarig sjuksköterska.\n\n"
        "Enkäten besvaras via länken nedan. Länken gäller bara för {organisation}; dela den "
        "endast med dem som ska arbeta med svaret. Svaren sparas fortlöpande.\n\n"
        "{lank}\n\n"
        "Sista svarsdag: {sista_dag}\n\n"
        "Med vänliga hälsningar\nSocialstyrelsen\n",
    ),
    "reminder": (
        "Påminnelse: enkät om patientsäkerhetsarbetet – svara senast {sista_dag}",
        "Hej {kontaktperson}!\n\n"
        "Vi har ännu inte fått {organisation}s svar på enkäten «{runda}». "
        "Sista svarsdag är {sista_dag}.\n\n"
        "Fortsätt där ni slutade via länken:\n\n{lank}\n\n"
        "Har ni redan skickat in svaret kan ni bortse från det här meddelandet.\n\n"
        "Med vänliga hälsningar\nSocialstyrelsen\n",
    ),
}


class MailError(ValueError):
    """A mailing that cannot be done as asked; the message is for the user (Swedish)."""


# -- backends ---------------------------------------------------------------------------------
class Backend(Protocol):
    name: str

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        """Hand the messages on; one error text (or None) per message."""


@dataclass
class ConsoleBackend:
    stream: TextIO | None = None
    name: str = "console"

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        out = self.stream or sys.stdout
        for message in messages:
            out.write(f"{'-' * 72}\n{message.as_string()}\n")
        out.flush()
        return [None] * len(messages)


@dataclass
class FileBackend:
    folder: Path
    name: str = "file"

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        for number, message in enumerate(messages, 1):
            (self.folder / f"{stamp}-{number:04d}.eml").write_bytes(message.as_bytes())
        return [None] * len(messages)


@dataclass
class SmtpBackend:
    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    security: str = "starttls"  # "starttls", "ssl" or "none"
    timeout: float = 30
    name: str = "smtp"

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        """One connection for the batch; a refused recipient fails only its own message."""
        try:
            with self._connect() as smtp:
                return [self._send_one(smtp, message) for message in messages]
        except (smtplib.SMTPException, OSError) as error:
            return [f"SMTP: {error}"] * len(messages)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls()
        if self.username:
            smtp.login(self.username, self.password)
        return smtp

    @staticmethod
    def _send_one(smtp: smtplib.SMTP, message: EmailMessage) -> str | None:
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            return f"SMTP: mottagaren avvisades ({error.recipients})"
        except smtplib.SMTPException as error:
            return f"SMTP: {error}"
        return None


def backend_from_config(config: Mapping[str, Any]) -> Backend:
    """SMTP when ``SMTP_HOST`` is set (unless ``MAIL_BACKEND`` says otherwise), else console."""
    choice = config.get("MAIL_BACKEND") or ("smtp" if config.get("SMTP_HOST") else "console")
    if choice == "smtp":
        return SmtpBackend(str(config["SMTP_HOST"]), int(config.get("SMTP_PORT") or 587),
                           str(config.get("SMTP_USERNAME") or ""), str(config.get("SMTP_PASSWORD") or ""),
                           str(config.get("SMTP_SECURITY") or "starttls"))
    if choice == "file":
        folder = config.get("MAIL_FILE_DIR") or Path(str(config.get("INSTANCE_PATH", "instance"))) / "mail"
        return FileBackend(Path(folder))
    if choice == "console":
        return ConsoleBackend()
    raise MailError(f"Okänd MAIL_BACKEND «{choice}» (smtp, file eller console).")


# -- templates --------------------------------------------------------------------------------
def check_template(subject: str, body: str) -> list[str]:
    """What is wrong with an edited template (unknown or broken placeholders, empty parts)."""
    problems = []
    for label, text in (("Ämnesraden", subject), ("Texten", body)):
        if not text.strip():
            problems.append(f"{label} får inte vara tom.")
            continue
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError:
            problems.append(f"{label} har en ensam klammerparentes; skriv {{{{ eller }}}} för att få en.")
            continue
        unknown = sorted(names - PLACEHOLDERS.keys())
        if unknown:
            problems.append(f"{label} har okända fält: {', '.join('{' + n + '}' for n in unknown)}.")
    if "{lank}" not in body:
        problems.append("Texten måste innehålla {lank}, annars kan organisationen inte svara.")
    if "\n" in subject or "\r" in subject:
        problems.append("Ämnesraden får bara vara en rad.")
    return problems


def template_for(session: Session, round_: Round, kind: str) -> tuple[str, str, MailTemplate | None]:
    """(subject, body, the edited row or None for the built-in text)."""
    row = session.scalar(select(MailTemplate).where(MailTemplate.round_id == round_.id,
                                                    MailTemplate.kind == kind))
    if row is None:
        subject, body = DEFAULT_TEMPLATES[kind]
        return subject, body, None
    return row.subject, row.body, row


def save_template(session: Session, round_: Round, kind: str, subject: str, body: str, actor: str) -> None:
    problems = check_template(subject, body)
    if problems:
        raise MailError(" ".join(problems))
    body = body.replace("\r\n", "\n")
    _, _, row = template_for(session, round_, kind)
    if row is None:
        row = MailTemplate(round_id=round_.id, kind=kind)
        session.add(row)
    row.subject, row.body, row.updated_by, row.updated_at = subject.strip(), body, actor, utcnow()
    record(session, actor, "mail.template", round_, kind=kind)


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


# -- sending ----------------------------------------------------------------------------------
@dataclass
class Mailing:
    """What a sending did (or, before it, would do)."""

    kind: str
    sent: list[str] = field(default_factory=list)  # organisation names
    failed: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    skipped: int = 0  # already invited / already submitted
    messages: int = 0


def send_mailing(session: Session, round_: Round, kind: str, backend: Backend, actor: str, *,
                 secret: str, base_url: str, sender: str, codes: Iterable[str] | None = None,
                 resend: bool = False) -> Mailing:
    """Invitations (to those not yet invited, unless ``resend``) or reminders (to those who
    have not submitted), optionally only to the organisations in ``codes``."""
    if round_.state in ("closed", "archived") or (kind == "reminder" and round_.state != "open"):
        raise MailError("Utskick kräver en öppen runda." if kind == "reminder"
                        else "Rundan är stängd; inga inbjudningar skickas.")
    subject_t, body_t, _ = template_for(session, round_, kind)
    links = {link.code: link.url for link in round_links(round_, secret, base_url)}
    contacts = contacts_by_org(session)
    mailing, wanted = Mailing(kind), set(codes) if codes is not None else None
    outgoing: list[tuple[RoundOrganisation, str, EmailMessage]] = []
    excluded = _already_done(session, round_, kind) if not resend else set()
    for member in round_.members:
        org = member.organisation
        if (wanted is not None and org.code not in wanted) or org.code not in links:
            continue
        if org.id in excluded:
            mailing.skipped += 1
            continue
        to = recipients(contacts.get(org.id))
        if not to:
            mailing.no_address.append(org.name)
        values = {"organisation": org.name, "runda": round_.name, "lank": links[org.code],
                  "sista_dag": deadline_of(round_.closes_on, member.extended_until).isoformat()}
        for address, greeting in to:
            text = {**values, "kontaktperson": greeting}
            message = _message(sender, address, subject_t.format_map(text), body_t.format_map(text))
            outgoing.append((member, address, message))
    _deliver(session, round_, kind, backend, actor, outgoing, mailing)
    record(session, actor, f"mail.{kind}", round_, sent=len(mailing.sent), failed=len(mailing.failed),
           no_address=len(mailing.no_address), messages=mailing.messages, backend=backend.name)
    return mailing


def _already_done(session: Session, round_: Round, kind: str) -> set[int]:
    """Organisation ids to leave out: invited already, or (for a reminder) submitted."""
    if kind == "invitation":
        return set(session.scalars(select(SentMail.organisation_id).where(
            SentMail.round_id == round_.id, SentMail.kind == "invitation", SentMail.ok.is_(True))))
    return set(session.scalars(select(Response.organisation_id).where(
        Response.round_id == round_.id, Response.status == "submitted")))


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    message.set_content(body)
    return message


def _deliver(session: Session, round_: Round, kind: str, backend: Backend, actor: str,
             outgoing: list[tuple[RoundOrganisation, str, EmailMessage]], mailing: Mailing) -> None:
    errors = backend.send([message for _, _, message in outgoing]) if outgoing else []
    now: datetime = utcnow()
    sent, failed = set(), set()
    for (member, address, message), error in zip(outgoing, errors, strict=True):
        session.add(SentMail(round_id=round_.id, organisation_id=member.organisation_id, kind=kind,
                             recipient=address, subject=str(message["Subject"])[:300], sent_at=now,
                             sent_by=actor, backend=backend.name, ok=error is None, error=error))
        (failed if error else sent).add(member.organisation.name)
    mailing.sent, mailing.failed = sorted(sent - failed), sorted(failed)
    mailing.messages = len(outgoing)
    session.flush()


def sent_mail(session: Session, round_: Round, limit: int = 1000) -> list[SentMail]:
    return list(session.scalars(select(SentMail).where(SentMail.round_id == round_.id)
                                .order_by(SentMail.id.desc()).limit(limit)))
