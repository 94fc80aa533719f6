"""Rounds: a questionnaire version sent to a set of organisations between two dates.

Service functions flush at most; the caller (a view or a CLI command) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.links import derive_token, new_nonce, token_hash
from survey.models import AccessLink, Organisation, QuestionnaireVersion, Round, RoundOrganisation
from survey.questionnaire import Questionnaire
from survey.questionnaire.stored import from_normalised
from survey.registry import swedish_sort_key


class RoundError(ValueError):
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
                 opens: date, closes: date, name: str | None = None) -> Round:
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
        issue_link(session, member)
    session.flush()
    return round_


def issue_link(session: Session, member: RoundOrganisation, secret: str | None = None) -> AccessLink:
    """A new link for the organisation; its token is derived from the app secret on demand."""
    nonce = new_nonce()
    link = AccessLink(member=member, nonce=nonce,
                      token_hash=token_hash(derive_token(secret or _secret(), nonce)))
    session.add(link)
    return link


def _secret() -> str:
    from flask import current_app

    return str(current_app.config["SECRET_KEY"])


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
