"""A round's progress read from the database, as the plain rows of ``survey.reports.progress``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from survey.db import Answer, AnswerHistory, Response, Round, RoundOrganisation
from survey.registry import swedish_sort_key
from survey.reports.progress import OrgProgress, deadline_of


# -- progress -------------------------------------------------------------------------------
def load_progress(session: Session, round_: Round) -> list[OrgProgress]:
    """Every invited organisation's state, in Swedish name order (a handful of queries)."""
    members = session.scalars(select(RoundOrganisation).where(RoundOrganisation.round_id == round_.id)
                              .options(selectinload(RoundOrganisation.organisation),
                                       selectinload(RoundOrganisation.respondents))).all()
    responses = {r.organisation_id: r for r in session.scalars(
        select(Response).where(Response.round_id == round_.id))}
    answered = dict(session.execute(
        select(Answer.response_id, func.count()).join(Response)
        .where(Response.round_id == round_.id, sa.cast(Answer.value, sa.Text) != "null")
        .group_by(Answer.response_id)).all())
    actors: dict[int, set[str]] = {}
    for response_id, actor in session.execute(
            select(AnswerHistory.response_id, AnswerHistory.changed_by).join(Response)
            .where(Response.round_id == round_.id, AnswerHistory.source != "system").distinct()):
        actors.setdefault(response_id, set()).add(actor)
    rows = [_org_progress(round_, m, responses.get(m.organisation_id), answered, actors) for m in members]
    return sorted(rows, key=lambda row: swedish_sort_key(row.name))


def _org_progress(round_: Round, member: RoundOrganisation, response: Response | None,
                  answered: dict[int, int], actors: dict[int, set[str]]) -> OrgProgress:
    org = member.organisation
    count = answered.get(response.id, 0) if response else 0
    if response is None:
        state = "not_started"
    elif response.status in ("submitted", "reopened"):
        state = response.status
    else:
        state = "started" if count else "not_started"
    seen = [r.last_seen_at for r in member.respondents]
    moments = [m for m in (response.updated_at if response and count else None, *seen) if m is not None]
    workers = set(actors.get(response.id, set())) if response else set()
    workers |= {f"{r.name} ({r.email})" for r in member.respondents
                if not any(r.email in worker for worker in workers)}
    return OrgProgress(org.code, org.name, org.kind, org.county, org.county_name, state,
                       deadline_of(round_.closes_on, member.extended_until),
                       member.extended_until is not None,
                       response.submitted_at if response else None,
                       max(moments) if moments else None,
                       tuple(sorted(workers, key=swedish_sort_key)), count)
