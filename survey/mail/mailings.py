"""Mail templates and mailings: invitations and reminders to a round's organisations.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import (
    MailTemplate,
    Response,
    Round,
    RoundOrganisation,
    SentMail,
    utcnow,
)
from survey.formatting import today
from survey.mail.backends import Backend, MailError
from survey.mail.contacts import contacts_by_org, recipients
from survey.reports.progress import deadline_of
from survey.rounds.lifecycle import round_links, round_state
from survey.staff.audit import record

KIND_LABELS = {"invitation": "Inbjudan", "reminder": "Påminnelse"}
PLACEHOLDERS = {
    "halsning": "«Hej Eva Ek!» med kontaktpersonens namn, annars «Hej!»",
    "organisation": "organisationens namn",
    "omgang": "omgångens namn",
    "lank": "organisationens länk till enkäten",
    "lank_hela_enkaten": "länk till hela enkäten att läsa eller skriva ut",
    "ansvarig": "vem som brukar ansvara (regioner: hälso- och sjukvårdsdirektören eller chefläkaren; "
                "kommuner: medicinskt ansvarig sjuksköterska)",
    "sista_dag": "sista svarsdag (med eventuell förlängning)",
    "kontaktperson": "kontaktpersonens namn (eller «Registrator»; använd hellre {halsning})",
    "runda": "omgångens namn (äldre namn på {omgang})",
}
RESPONSIBLE = {"region": "hälso- och sjukvårdsdirektören eller chefläkaren",
               "kommun": "medicinskt ansvarig sjuksköterska (MAS)"}
DEFAULT_TEMPLATES = {
    "invitation": (
        "Enkät om patientsäkerhetsarbetet: {organisation} – svara senast {sista_dag}",
        "{halsning}\n\n"
        "Socialstyrelsen följer varje år upp patientsäkerhetsarbetet i regioner och kommuner. "
        "{organisation} är inbjuden att besvara enkäten «{omgang}».\n\n"
        "Till registrator: vänligen vidarebefordra meddelandet till den som ansvarar för "
        "patientsäkerhetsarbetet, till exempel {ansvarig}.\n\n"
        "Enkäten besvaras via länken nedan. Länken gäller bara för {organisation}; dela den "
        "endast med dem som ska arbeta med svaret. Svaren sparas fortlöpande.\n\n"
        "{lank}\n\n"
        "Vill ni samla in svar från kollegor först finns hela enkäten att läsa eller skriva ut "
        "här:\n{lank_hela_enkaten}\n\n"
        "Sista svarsdag: {sista_dag}\n\n"
        "Med vänliga hälsningar\nSocialstyrelsen\n",
    ),
    "reminder": (
        "Påminnelse: enkät om patientsäkerhetsarbetet – svara senast {sista_dag}",
        "{halsning}\n\n"
        "Vi har ännu inte fått {organisation}s svar på enkäten «{omgang}». "
        "Sista svarsdag är {sista_dag}.\n\n"
        "Fortsätt där ni slutade via länken:\n\n{lank}\n\n"
        "Har ni redan skickat in svaret kan ni bortse från det här meddelandet.\n\n"
        "Med vänliga hälsningar\nSocialstyrelsen\n",
    ),
}




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


Outgoing = list[tuple[RoundOrganisation, str, EmailMessage]]


def send_mailing(session: Session, round_: Round, kind: str, backend: Backend, actor: str, *,
                 secret: str, base_url: str, sender: str, codes: Iterable[str] | None = None,
                 resend: bool = False) -> Mailing:
    """Invitations (to those not yet invited, unless ``resend``) or reminders, never to an
    organisation that has submitted, optionally only to the organisations in ``codes``."""
    mailing, outgoing = plan_mailing(session, round_, kind, secret=secret, base_url=base_url,
                                     sender=sender, codes=codes, resend=resend)
    _deliver(session, round_, kind, backend, actor, outgoing, mailing)
    record(session, actor, f"mail.{kind}", round_, sent=len(mailing.sent), failed=len(mailing.failed),
           no_address=len(mailing.no_address), messages=mailing.messages, backend=backend.name)
    return mailing


def plan_mailing(session: Session, round_: Round, kind: str, *, secret: str, base_url: str,
                 sender: str, codes: Iterable[str] | None = None,
                 resend: bool = False) -> tuple[Mailing, Outgoing]:
    """What a sending would do, nothing sent: the messages, and who is left out and why (the
    staff confirmation step shows the count, the recipients and a message)."""
    state = round_state(round_, today())
    if state in ("closed", "archived") or (kind == "reminder" and state != "open"):
        raise MailError("Påminnelser kräver en öppen omgång." if kind == "reminder"
                        else "Omgången är stängd; inga inbjudningar skickas.")
    subject_t, body_t, _ = template_for(session, round_, kind)
    links = {link.code: link.url for link in round_links(round_, secret, base_url)}
    contacts = contacts_by_org(session)
    mailing, wanted = Mailing(kind), set(codes) if codes is not None else None
    outgoing: Outgoing = []
    excluded = _already_done(session, round_, kind, resend)
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
        values = {"organisation": org.name, "omgang": round_.name, "runda": round_.name,
                  "lank": links[org.code], "lank_hela_enkaten": links[org.code] + "/hela-enkaten",
                  "ansvarig": RESPONSIBLE.get(org.kind, RESPONSIBLE["region"]),
                  "sista_dag": deadline_of(round_.closes_on, member.extended_until).isoformat()}
        for address, greeting in to:
            text = {**values, "kontaktperson": greeting, "halsning": _greeting(greeting)}
            message = _message(sender, address, subject_t.format_map(text), body_t.format_map(text))
            outgoing.append((member, address, message))
    mailing.messages = len(outgoing)
    return mailing, outgoing


def _greeting(name: str) -> str:
    """«Hej Eva Ek!»; a mailbox without a person's name (the registry) gets «Hej!»."""
    return "Hej!" if not name or name == "Registrator" else f"Hej {name}!"


def _already_done(session: Session, round_: Round, kind: str, resend: bool = False) -> set[int]:
    """Organisation ids to leave out: those that have submitted never get an invitation or a
    reminder; an invitation also skips those invited already, unless ``resend``."""
    done = set(session.scalars(select(Response.organisation_id).where(
        Response.round_id == round_.id, Response.status == "submitted")))
    if kind == "invitation" and not resend:
        done |= set(session.scalars(select(SentMail.organisation_id).where(
            SentMail.round_id == round_.id, SentMail.kind == "invitation", SentMail.ok.is_(True))))
    return done


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
    sent: set[str] = set()
    failed: set[str] = set()
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
