"""A round's results from the database, and the data freeze.

The loaders turn a round into plain data (``OrgInfo``, ``ResponseData``, ``RoundData``) and
hand it to the one aggregation in ``survey.aggregate``; pages, the Excel file, the JSON
export and the PowerPoint deck all start here. No Flask; functions flush at most and the
caller commits.

A freeze stores the round as canonical JSON (population, every response's effective
answers, the aggregated results) in a versioned ``ResultSnapshot`` with its SHA-256. While
a round is frozen its exports come from the snapshot, so they give the same numbers years
later even if a response is reopened afterwards; freezing again makes the next version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from survey.aggregation.aggregate import Extension, OrgInfo, ResponseData, RoundData, RoundInfo, RoundResults, aggregate
from survey.db import Answer, Organisation, Response, ResultSnapshot, Round, RoundOrganisation, utcnow
from survey.formatting import today
from survey.questionnaire.routing import effective_answers
from survey.questionnaire.values import is_blank
from survey.rounds.lifecycle import questionnaire_of, round_state

SNAPSHOT_FORMAT = 1


class SnapshotError(ValueError):
    """A freeze that cannot be made, lifted or trusted; the message is for staff."""


# -- loading a round as plain data ----------------------------------------------------------
def round_population(session: Session, round_: Round) -> list[OrgInfo]:
    """The organisations invited to the round, by code."""
    members = session.scalars(select(RoundOrganisation).where(RoundOrganisation.round_id == round_.id)
                              .options(selectinload(RoundOrganisation.organisation)))
    orgs = [_org_info(member.organisation) for member in members]
    return sorted(orgs, key=lambda org: org.code)


def round_responses(session: Session, round_: Round) -> list[ResponseData]:
    """Every response of the round (drafts too), each with its *effective* answers only.

    Off-route answers a draft keeps are left out: they are never shown, counted or exported.
    """
    q = questionnaire_of(round_)
    responses = session.scalars(select(Response).where(Response.round_id == round_.id)
                                .options(selectinload(Response.organisation))).all()
    values: dict[int, dict[str, Any]] = {}
    rows = session.execute(select(Answer.response_id, Answer.answer_id, Answer.value)
                           .join(Response).where(Response.round_id == round_.id))
    for response_id, answer_id, value in rows:
        if not is_blank(value):
            values.setdefault(response_id, {})[answer_id] = value
    result = [ResponseData(_org_info(r.organisation), r.status,
                           effective_answers(q, values.get(r.id, {})), r.submitted_at)
              for r in responses]
    return sorted(result, key=lambda r: r.organisation.code)


def round_results(session: Session, round_: Round, include_drafts: bool = False) -> RoundResults:
    """The live results of the round (not the frozen ones: see ``round_data``)."""
    return aggregate(questionnaire_of(round_), round_responses(session, round_),
                     round_population(session, round_), include_drafts)


def round_info(session: Session, round_: Round) -> RoundInfo:
    return RoundInfo(round_.id, round_.name, round_.opens_on, round_.closes_on, round_state(round_, today()),
                     tuple(_extensions(session, round_)))


def live_data(session: Session, round_: Round) -> RoundData:
    return RoundData(round_info(session, round_), questionnaire_of(round_),
                     tuple(round_population(session, round_)), tuple(round_responses(session, round_)))


def round_data(session: Session, round_: Round, live: bool = False,
               version: int | None = None) -> RoundData:
    """What exports use: snapshot ``version``, else the current freeze, else live data."""
    if version is not None:
        return snapshot_data(round_, snapshot_version(session, round_, version))
    frozen = None if live else current_snapshot(session, round_)
    return snapshot_data(round_, frozen) if frozen else live_data(session, round_)


def _org_info(org: Organisation) -> OrgInfo:
    return OrgInfo(org.code, org.name, org.kind, org.county, org.county_name)




def _extensions(session: Session, round_: Round) -> list[Extension]:
    """The round's own extensions (from the audit log) and each member's own deadline."""
    from survey.db import AuditEvent

    found = []
    events = session.scalars(select(AuditEvent).where(AuditEvent.round_id == round_.id,
                                                      AuditEvent.action == "round.extend")
                             .order_by(AuditEvent.id))
    for event in events:
        details = event.details or {}
        try:
            found.append(Extension("", date.fromisoformat(details["old"]),
                                   date.fromisoformat(details["new"]), str(details.get("reason", ""))))
        except (KeyError, ValueError):
            continue
    members = session.scalars(select(RoundOrganisation).where(
        RoundOrganisation.round_id == round_.id, RoundOrganisation.extended_until.is_not(None))
        .options(selectinload(RoundOrganisation.organisation)))
    for member in members:
        assert member.extended_until is not None
        found.append(Extension(member.organisation.code, round_.closes_on, member.extended_until,
                               member.extension_reason or ""))
    return sorted(found, key=lambda e: (e.organisation, e.until))


# -- the snapshot document ------------------------------------------------------------------
def snapshot_document(data: RoundData) -> dict[str, Any]:
    """The canonical, JSON-ready content of a freeze (no moment or author: those are columns)."""
    info = data.info
    return {
        "format": SNAPSHOT_FORMAT,
        "round": {"id": info.id, "name": info.name, "opens_on": info.opens_on.isoformat(),
                  "closes_on": info.closes_on.isoformat(), "state": info.state,
                  "extensions": [{"organisation": e.organisation, "original": e.original.isoformat(),
                                  "until": e.until.isoformat(), "reason": e.reason}
                                 for e in info.extensions]},
        "questionnaire": {"id": data.questionnaire.id, "hash": data.questionnaire.content_hash},
        "population": [{"code": o.code, "name": o.name, "kind": o.kind, "county": o.county,
                        "county_name": o.county_name} for o in data.population],
        "responses": [{"organisation": r.organisation.code, "status": r.status,
                       "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                       "answers": dict(r.answers)} for r in data.responses],
        "results": data.results().to_json(info.name),
    }


def document_hash(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _data_from_document(round_: Round, snapshot: ResultSnapshot) -> RoundData:
    doc = snapshot.data
    meta = doc["round"]
    info = RoundInfo(meta["id"], meta["name"], date.fromisoformat(meta["opens_on"]),
                     date.fromisoformat(meta["closes_on"]), meta["state"],
                     tuple(Extension(e["organisation"], date.fromisoformat(e["original"]),
                                     date.fromisoformat(e["until"]), e["reason"])
                           for e in meta["extensions"]),
                     snapshot.version, snapshot.content_hash, snapshot.created_at)
    population = tuple(OrgInfo(**org) for org in doc["population"])
    by_code = {org.code: org for org in population}
    responses = tuple(
        ResponseData(by_code[r["organisation"]], r["status"], r["answers"],
                     datetime.fromisoformat(r["submitted_at"]) if r["submitted_at"] else None)
        for r in doc["responses"])
    return RoundData(info, questionnaire_of(round_), population, responses)


def snapshot_data(round_: Round, snapshot: ResultSnapshot) -> RoundData:
    """The frozen round, after checking that nothing about it has changed since the freeze."""
    if document_hash(snapshot.data) != snapshot.content_hash:
        raise SnapshotError(f"version {snapshot.version} av omgång {round_.id} stämmer inte med sin "
                            f"kontrollsumma {snapshot.content_hash[:12]}…")
    data = _data_from_document(round_, snapshot)
    if data.questionnaire.content_hash != snapshot.questionnaire_hash:
        raise SnapshotError(f"version {snapshot.version} frystes för en annan version av enkäten")
    if data.results().to_json(data.info.name) != snapshot.data["results"]:
        raise SnapshotError(f"version {snapshot.version}: sammanställningen ger inte längre de frysta "
                            "siffrorna; exporten vägras hellre än att siffrorna ändras")
    return data


# -- freezing -------------------------------------------------------------------------------
def snapshots(session: Session, round_: Round) -> list[ResultSnapshot]:
    """Every freeze of the round, newest first."""
    return list(session.scalars(select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id)
                                .order_by(ResultSnapshot.version.desc())))


def snapshot_version(session: Session, round_: Round, version: int) -> ResultSnapshot:
    found = session.scalar(select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id,
                                                        ResultSnapshot.version == version))
    if found is None:
        raise SnapshotError(f"omgång {round_.id} har ingen fryst version {version}")
    return found


def current_snapshot(session: Session, round_: Round) -> ResultSnapshot | None:
    """The freeze in force: the newest snapshot, unless its freeze was lifted."""
    newest = session.scalar(select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id)
                            .order_by(ResultSnapshot.version.desc()).limit(1))
    return newest if newest is not None and newest.lifted_at is None else None


def is_frozen(session: Session, round_: Round) -> bool:
    return current_snapshot(session, round_) is not None


def live_differs(session: Session, round_: Round, snapshot: ResultSnapshot) -> bool:
    """True when the live answers are no longer what ``snapshot`` froze (e.g. a reopen)."""
    return document_hash(snapshot_document(live_data(session, round_))) != snapshot.content_hash


def freeze_round(session: Session, round_: Round, actor: str, note: str = "",
                 now: datetime | None = None) -> tuple[ResultSnapshot, bool]:
    """Freeze the round's live data; (snapshot, created).

    Freezing unchanged data again returns the freeze in force instead of a duplicate version.
    """
    document = snapshot_document(live_data(session, round_))
    digest = document_hash(document)
    current = current_snapshot(session, round_)
    if current is not None and current.content_hash == digest:
        return current, False
    last = session.scalar(select(func.max(ResultSnapshot.version))
                          .where(ResultSnapshot.round_id == round_.id)) or 0
    snapshot = ResultSnapshot(round_id=round_.id, version=last + 1, created_at=now or utcnow(),
                              created_by=actor, note=note.strip(),
                              questionnaire_hash=document["questionnaire"]["hash"],
                              content_hash=digest, population=len(document["population"]),
                              submitted=document["results"]["submitted"], data=document)
    session.add(snapshot)
    session.flush()
    _audit(session, actor, "results.freeze", round_, version=snapshot.version,
           content_hash=digest, note=note.strip() or None)
    return snapshot, True


def lift_freeze(session: Session, round_: Round, actor: str, reason: str,
                now: datetime | None = None) -> ResultSnapshot:
    """Lift the freeze in force (so answers may be imported again); the snapshot stays."""
    current = current_snapshot(session, round_)
    if current is None:
        raise SnapshotError(f"omgång {round_.id} är inte fryst")
    if not reason.strip():
        raise SnapshotError("ange ett skäl till att frysningen hävs")
    current.lifted_at, current.lifted_by, current.lift_reason = now or utcnow(), actor, reason.strip()
    session.flush()
    _audit(session, actor, "results.lift", round_, version=current.version, reason=reason.strip())
    return current


def _audit(session: Session, actor: str, action: str, round_: Round, **details: Any) -> None:
    """Record in the staff audit log, beside the round's other events."""
    from survey.staff.audit import record

    record(session, actor, action, round_, **details)
