"""The demo's closed, frozen 2025 round of the regions, with fictional answers.

The answers (``survey/demo/data/regioner-2025-svar.json``, the contract's JSON answers
document, made by ``survey.demo.generate``: ``survey demo regenerate``) are invented but
consistent: they reproduce every figure with a count in the published 2025 results, including
q14's partial non-response (n = 20) and the routing tables. They are loaded through the
ordinary import, so the data file is checked like any other; then the round is closed and
frozen. Idempotent. The caller commits.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.aggregation.aggregate import Extension, OrgInfo, ResponseData, RoundData, RoundInfo
from survey.db import Round
from survey.questionnaire import Questionnaire
from survey.registry import load_registry
from survey.responses.transfer import check_document, import_answers
from survey.results import freeze_round
from survey.rounds.lifecycle import create_round, latest_version, organisations_for

ANSWERS_FILE = Path(__file__).resolve().parent / "data" / "regioner-2025-svar.json"
ROUND_NAME = "Demo: Uppföljning av regionernas patientsäkerhetsarbete 2025 (fiktiva svar)"
OPENS, ORIGINAL_CLOSE, CLOSES = date(2025, 9, 23), date(2025, 10, 12), date(2025, 10, 19)
EXTENSION_REASON = "Datainsamlingen förlängdes med 7 dagar för samtliga regioner."
ACTOR = "demo"
FROZEN_AT = datetime(2025, 10, 27, 9, 0, tzinfo=UTC)


def ensure_demo_2025(session: Session, secret: str) -> Round:
    """The 2025 round (created, loaded, closed and frozen on first call)."""
    round_ = session.scalar(select(Round).where(Round.name == ROUND_NAME))
    if round_ is not None:
        return round_
    from survey.rounds.lifecycle import extend_round

    version = latest_version(session, "regioner-2025")
    round_ = create_round(session, version, organisations_for(session, "region"), OPENS,
                          ORIGINAL_CLOSE, ROUND_NAME, secret=secret)
    round_.state = "open"
    # «Datasamlingen pågick under perioden 23 september till 19 oktober 2025 med en förlängning
    # av 7 dagar»: read as a period that includes the extension (closing day 12 → 19 October).
    extend_round(session, round_, CLOSES, EXTENSION_REASON, ACTOR)
    import_answers(session, round_, ANSWERS_FILE.read_bytes(), ACTOR, ANSWERS_FILE.name,
                   now=datetime(2025, 10, 20, 8, 0, tzinfo=UTC))
    round_.state = "closed"
    session.flush()
    freeze_round(session, round_, ACTOR, "Resultat 2025 (fiktivt underlag som återger de publicerade "
                                         "siffrorna)", now=FROZEN_AT)
    return round_


def fictional_2025(q: Questionnaire) -> RoundData:
    """The same answers as plain data, without a database (for tests and builders)."""
    regions = [OrgInfo(o.code, o.name, o.kind, o.county, o.county_name)
               for o in load_registry() if o.kind == "region"]
    by_code = {org.code: org for org in regions}
    checked, problems = check_document(q, json.loads(ANSWERS_FILE.read_text(encoding="utf-8")),
                                       {code: org.name for code, org in by_code.items()}, set(by_code))
    if problems:
        raise ValueError("; ".join(str(problem) for problem in problems))
    info = RoundInfo(0, ROUND_NAME, OPENS, CLOSES, "closed",
                     (Extension("", ORIGINAL_CLOSE, CLOSES, EXTENSION_REASON),))
    responses = tuple(ResponseData(by_code[r.organisation], r.status, r.answers, r.submitted_at)
                      for r in checked)
    return RoundData(info, q, tuple(regions), responses)
