"""Rounds: a questionnaire version sent to a set of organisations between two dates.

Service functions flush at most; the caller (a view or a CLI command) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import AccessLink, Organisation, QuestionnaireVersion, Round, RoundOrganisation, utcnow
from survey.errors import Refused
from survey.questionnaire import Questionnaire
from survey.questionnaire.stored import from_normalised
from survey.registry import swedish_sort_key
from survey.reports.progress import effective_state
from survey.rounds.links import derive_token, new_nonce, token_hash
from survey.staff.audit import record


class RoundError(Refused):
    """A request that would make an inconsistent round; the message is for the user."""


@dataclass(frozen=True)
class Link:
    code: str
    name: str
    kind: str
    county: str
    url: str


def latest_version(session: Session, questionnaire_id: str) -> QuestionnaireVersion:
    version = session.scalar(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .order_by(QuestionnaireVersion.id.desc())
        .limit(1)
    )
    if version is None:
        raise RoundError(f"unknown questionnaire '{questionnaire_id}' (run 'survey setup' to load definitions)")
    return version


def organisations_for(session: Session, selector: str) -> list[Organisation]:
    """``region``/``kommun`` for every organisation of that kind, or comma-separated codes."""
    if selector in ("region", "kommun"):
        return list(session.scalars(select(Organisation).where(Organisation.kind == selector)
                                    .order_by(Organisation.code)))
    codes = [code.strip() for code in selector.split(",") if code.strip()]
    found = {org.code: org for org in session.scalars(select(Organisation).where(Organisation.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise RoundError(f"unknown organisation code(s): {', '.join(unknown)}")
    return [found[code] for code in codes]


def create_round(session: Session, version: QuestionnaireVersion, organisations: list[Organisation],
                 opens: date, closes: date, name: str | None = None, *, secret: str) -> Round:
    """A planned round with a link for each organisation (tokens derived from ``secret``)."""
    if closes < opens:
        raise RoundError(f"the round closes ({closes}) before it opens ({opens})")
    if not organisations:
        raise RoundError("a round needs at least one organisation")
    wrong = [org.code for org in organisations if org.kind != version.respondent_kind]
    if wrong:
        raise RoundError(f"{version.questionnaire_id} is for kind '{version.respondent_kind}', "
                         f"but these organisations are not: {', '.join(wrong[:10])}")
    round_ = Round(name=name or version.title, questionnaire_version=version,
                   opens_on=opens, closes_on=closes, state="planned")
    session.add(round_)
    for org in organisations:
        member = RoundOrganisation(round=round_, organisation=org)
        session.add(member)
        issue_link(session, member, secret)
    session.flush()
    return round_


def issue_link(session: Session, member: RoundOrganisation, secret: str) -> AccessLink:
    """A new link for the organisation; its token is derived from ``secret`` (the app's key)."""
    nonce = new_nonce()
    link = AccessLink(member=member, nonce=nonce,
                      token_hash=token_hash(derive_token(secret, nonce)))
    session.add(link)
    return link


def active_link(member: RoundOrganisation) -> AccessLink | None:
    live = [link for link in member.access_links if link.revoked_at is None]
    return max(live, key=lambda link: link.id) if live else None


def round_links(round_: Round, secret: str, base_url: str) -> list[Link]:
    """Each member's current respondent link, in Swedish name order."""
    result = []
    for member in round_.members:
        link = active_link(member)
        if link is None:
            continue
        org = member.organisation
        url = f"{base_url}/svar/{derive_token(secret, link.nonce)}"
        result.append(Link(org.code, org.name, org.kind, org.county, url))
    return sorted(result, key=lambda link: swedish_sort_key(link.name))


_DEFINITIONS: dict[tuple[int, str], Questionnaire] = {}


def questionnaire_of(round_: Round) -> Questionnaire:
    """The definition the round answers (the stored one, verified against its hash once)."""
    version = round_.questionnaire_version
    key = (version.id, version.content_hash)
    found = _DEFINITIONS.get(key)
    if found is None:
        found = _DEFINITIONS[key] = from_normalised(version.definition, version.content_hash)
    return found


# -- rounds ---------------------------------------------------------------------------------
# Messages are Swedish: the staff pages and the CLI show them as they are.
def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RoundError(message)


def round_state(round_: Round, on: date) -> str:
    """The round's effective state (``effective_state``): open while any member may answer."""
    latest = max((m.extended_until for m in round_.members if m.extended_until), default=None)
    return effective_state(round_.state, round_.opens_on, round_.closes_on, on, latest)


def member_state(member: RoundOrganisation, on: date) -> str:
    """The state of the round for one organisation, with its own extension."""
    round_ = member.round
    return effective_state(round_.state, round_.opens_on, round_.closes_on, on, member.extended_until)



def change_round(session: Session, round_: Round, name: str, opens: date, closes: date,
                 actor: str, on: date) -> None:
    """Name and dates of a round that has not opened yet (later, extend the deadline)."""
    _require(round_state(round_, on) == "planned", "Datumen kan bara ändras innan omgången har öppnat.")
    _require(closes >= opens, f"Omgången stänger ({closes}) innan den öppnar ({opens}).")
    _require(bool(name.strip()), "Ange ett namn.")
    changes = {"name": [round_.name, name.strip()], "opens_on": [str(round_.opens_on), str(opens)],
               "closes_on": [str(round_.closes_on), str(closes)]}
    changed = {key: pair for key, pair in changes.items() if pair[0] != pair[1]}
    if changed:
        round_.name, round_.opens_on, round_.closes_on = name.strip(), opens, closes
        record(session, actor, "round.edit", round_, changes=changed)


def refresh_questionnaire(session: Session, round_: Round, actor: str, on: date) -> bool:
    """Point a planned round at the newest stored version of its questionnaire."""
    newest = latest_version(session, round_.questionnaire_version.questionnaire_id)
    return attach_version(session, round_, newest, actor, on)


def attach_version(session: Session, round_: Round, version: QuestionnaireVersion, actor: str,
                   on: date) -> bool:
    """Let a planned round ask ``version``; False when it already does.

    Once a round opens its questionnaire is frozen: responses record the hash they answered.
    """
    _require(round_state(round_, on) == "planned", "Enkäten är låst när omgången har öppnat.")
    _require(version.respondent_kind == round_.questionnaire_version.respondent_kind,
             "Versionen är för en annan sorts organisationer än omgångens.")
    if version.id == round_.questionnaire_version_id:
        return False
    record(session, actor, "round.questionnaire", round_, questionnaire=version.questionnaire_id,
           old=round_.questionnaire_version.content_hash, new=version.content_hash)
    round_.questionnaire_version = version
    return True


def open_round(session: Session, round_: Round, actor: str, on: date) -> None:
    """Open now: a planned round opens early (its opening day becomes today)."""
    _require(round_.state in ("planned", "closed"), "Omgången är redan öppen eller arkiverad.")
    _require(round_.closes_on >= on and round_state(round_, on) != "open",
             "Sista svarsdagen har passerat: förläng omgången i stället." if round_.closes_on < on
             else "Omgången är redan öppen.")
    details = {"from": round_.state}
    if round_.opens_on > on:
        details["opens_on"] = f"{round_.opens_on} → {on}"
        round_.opens_on = on
        round_.closes_on = max(round_.closes_on, on)
    round_.state, round_.closed_at = "open", None
    record(session, actor, "round.open", round_, None, **details)


def close_round(session: Session, round_: Round, actor: str, on: date) -> None:
    """Record the round as closed now; before its last day that ends answering early."""
    _require(round_.state in ("planned", "open") and round_state(round_, on) != "planned",
             "Bara en öppen omgång kan stängas.")
    round_.state, round_.closed_at = "closed", utcnow()
    record(session, actor, "round.close", round_)


def archive_round(session: Session, round_: Round, actor: str, on: date) -> None:
    _require(round_state(round_, on) == "closed", "Stäng omgången innan den arkiveras.")
    round_.state = "archived"
    record(session, actor, "round.archive", round_)


def sync_round_states(session: Session, on: date) -> list[Round]:
    """Record as open every planned round whose opening day has come."""
    due = list(session.scalars(select(Round).where(Round.state == "planned", Round.opens_on <= on)))
    for round_ in due:
        round_.state = "open"
        record(session, "system", "round.open", round_, reason="öppningsdagen har kommit")
    return due


def extend_round(session: Session, round_: Round, until: date, reason: str, actor: str) -> None:
    """A later deadline for everyone (recorded with the reason)."""
    _require(round_.state != "archived", "En arkiverad omgång kan inte förlängas.")
    _require(until > round_.closes_on, f"Den nya sista dagen måste vara efter {round_.closes_on}.")
    _require(bool(reason.strip()), "Ange ett skäl till förlängningen.")
    record(session, actor, "round.extend", round_, old=str(round_.closes_on), new=str(until),
           reason=reason.strip())
    round_.closes_on = until


def extend_member(session: Session, member: RoundOrganisation, until: date, reason: str,
                  actor: str) -> None:
    """A later deadline for one organisation; a date not after the round's removes it."""
    round_ = member.round
    _require(round_.state != "archived", "En arkiverad omgång kan inte förlängas.")
    _require(bool(reason.strip()), "Ange ett skäl till förlängningen.")
    new = until if until > round_.closes_on else None
    record(session, actor, "member.extend", round_, member.organisation,
           old=str(member.extended_until) if member.extended_until else None,
           new=str(new) if new else "ingen förlängning", reason=reason.strip())
    member.extended_until, member.extension_reason = new, reason.strip() if new else None


def replace_link(session: Session, member: RoundOrganisation, actor: str, secret: str) -> None:
    """Revoke the organisation's link and issue a new one (the old one stops working at once)."""
    for link in member.access_links:
        if link.revoked_at is None:
            link.revoked_at = utcnow()
    issue_link(session, member, secret)
    record(session, actor, "link.replace", member.round, member.organisation)
    session.flush()


def member_of(session: Session, round_: Round, code: str) -> RoundOrganisation:
    member = session.scalar(select(RoundOrganisation).join(Organisation)
                            .where(RoundOrganisation.round_id == round_.id, Organisation.code == code))
    _require(member is not None, f"Organisation {code} är inte med i omgången.")
    assert member is not None
    return member
