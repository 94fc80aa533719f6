"""Mail templates and mailings: invitations and reminders to a round's organisations.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.db import (
    Mailing,
    MailTemplate,
    Response,
    Round,
    RoundOrganisation,
    SentMail,
    utcnow,
)
from survey.formatting import today
from survey.mail.backends import MailError
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


# -- queueing ---------------------------------------------------------------------------------
@dataclass
class MailingPlan:
    """What a mailing queued (or, before it, would queue)."""

    kind: str
    mailing_id: int | None = None
    organisations: list[str] = field(default_factory=list)  # names of those with a message
    no_address: list[str] = field(default_factory=list)
    skipped: int = 0  # already invited / already submitted
    messages: int = 0


@dataclass(frozen=True)
class Draft:
    """One message a mailing would send: to whom, for which organisation, with what text."""

    organisation_id: int
    organisation: str
    recipient: str
    subject: str
    body: str


def plan_mailing(session: Session, round_: Round, kind: str, *, secret: str, base_url: str,
                 codes: Iterable[str] | None = None,
                 resend: bool = False) -> tuple[MailingPlan, list[Draft]]:
    """What a mailing would do, nothing queued: the messages, and who is left out and why (the
    staff confirmation step shows the count, the recipients and a message). Invitations and
    reminders never go to an organisation that has submitted."""
    state = round_state(round_, today())
    if state in ("closed", "archived") or (kind == "reminder" and state != "open"):
        raise MailError("Påminnelser kräver en öppen omgång." if kind == "reminder"
                        else "Omgången är stängd; inga inbjudningar skickas.")
    subject_t, body_t, _ = template_for(session, round_, kind)
    links = {link.code: link.url for link in round_links(round_, secret, base_url)}
    contacts = contacts_by_org(session)
    plan, wanted = MailingPlan(kind), set(codes) if codes is not None else None
    drafts: list[Draft] = []
    excluded = _already_done(session, round_, kind, resend)
    for member in round_.members:
        org = member.organisation
        if (wanted is not None and org.code not in wanted) or org.code not in links:
            continue
        if org.id in excluded:
            plan.skipped += 1
            continue
        to = recipients(contacts.get(org.id))
        if not to:
            plan.no_address.append(org.name)
            continue
        values = _values(round_, member, links[org.code])
        for address, greeting in to:
            text = {**values, "kontaktperson": greeting, "halsning": _greeting(greeting)}
            drafts.append(Draft(org.id, org.name, address, subject_t.format_map(text)[:300],
                                body_t.format_map(text)))
        plan.organisations.append(org.name)
    plan.messages = len(drafts)
    return plan, drafts


def queue_mailing(session: Session, round_: Round, kind: str, actor: str, *, secret: str, base_url: str,
                  sender: str, codes: Iterable[str] | None = None, resend: bool = False) -> MailingPlan:
    """Queue what ``plan_mailing`` plans: one queued ``SentMail`` per message, with its text.
    A worker delivers them (``survey.mail.delivery``)."""
    plan, drafts = plan_mailing(session, round_, kind, secret=secret, base_url=base_url, codes=codes,
                                resend=resend)
    mailing = Mailing(round_id=round_.id, kind=kind, created_by=actor, created_at=utcnow())
    session.add(mailing)
    session.flush()
    for draft in drafts:
        session.add(SentMail(round_id=round_.id, mailing_id=mailing.id, organisation_id=draft.organisation_id,
                             kind=kind, recipient=draft.recipient, sender=sender, subject=draft.subject,
                             body=draft.body, status="queued", queued_at=mailing.created_at, sent_by=actor))
    plan.mailing_id = mailing.id
    record(session, actor, f"mail.{kind}", round_, mailing=mailing.id, organisations=len(plan.organisations),
           no_address=len(plan.no_address), messages=plan.messages)
    session.flush()
    return plan


def _values(round_: Round, member: RoundOrganisation, link: str) -> dict[str, str]:
    org = member.organisation
    return {"organisation": org.name, "omgang": round_.name, "runda": round_.name, "lank": link,
            "lank_hela_enkaten": link + "/hela-enkaten",
            "ansvarig": RESPONSIBLE.get(org.kind, RESPONSIBLE["region"]),
            "sista_dag": deadline_of(round_.closes_on, member.extended_until).isoformat()}


def _greeting(name: str) -> str:
    """«Hej Eva Ek!»; a mailbox without a person's name (the registry) gets «Hej!»."""
    return "Hej!" if not name or name == "Registrator" else f"Hej {name}!"


def _already_done(session: Session, round_: Round, kind: str, resend: bool = False) -> set[int]:
    """Organisation ids to leave out: those that have submitted never get an invitation or a
    reminder; an invitation also skips those invited (or queued) already, unless ``resend``."""
    done = set(session.scalars(select(Response.organisation_id).where(
        Response.round_id == round_.id, Response.status == "submitted")))
    if kind == "invitation" and not resend:
        done |= set(session.scalars(select(SentMail.organisation_id).where(
            SentMail.round_id == round_.id, SentMail.kind == "invitation", SentMail.status != "failed")))
    return done


def retry_failed(session: Session, round_: Round, actor: str, mail_id: int | None = None) -> list[int]:
    """Queue the round's failed messages again (or only ``mail_id``); the mailings to deliver."""
    query = select(SentMail).where(SentMail.round_id == round_.id, SentMail.status == "failed")
    if mail_id is not None:
        query = query.where(SentMail.id == mail_id)
    failed = list(session.scalars(query))
    if not failed:
        raise MailError("Det finns inget misslyckat utskick att försöka igen.")
    for mail in failed:
        mail.status, mail.error, mail.sent_by = "queued", None, actor
    record(session, actor, "mail.retry", round_, messages=len(failed))
    session.flush()
    return sorted({mail.mailing_id for mail in failed if mail.mailing_id is not None})


def mail_status(session: Session, round_: Round) -> dict[str, int]:
    """How many of the round's messages are in each status."""
    rows = session.execute(select(SentMail.status, func.count()).where(SentMail.round_id == round_.id)
                           .group_by(SentMail.status))
    return {status: int(n) for status, n in rows}


def sent_mail(session: Session, round_: Round, limit: int = 1000) -> list[SentMail]:
    return list(session.scalars(select(SentMail).where(SentMail.round_id == round_.id)
                                .order_by(SentMail.id.desc()).limit(limit)))
