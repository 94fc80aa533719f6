"""Answers in and out: the JSON answers document of the contract, and import of it or of the
engine's own Excel answer file.

The document (``docs/reference/answer-ids-2025.md``)::

    {"questionnaire": "regioner-2025",
     "responses": [{"organisation": "08", "status": "submitted", "answers": {"q01": "ja"}}]}

Exports add ``submitted_at`` per response and a little metadata (``round``,
``questionnaire_hash``, ``exported_at``); imports accept those and a top-level ``note``.

Import is all-or-nothing: every organisation code, answer id, value and routing condition is
checked first, and on any problem nothing is stored and every problem is listed by
organisation and answer id. An imported response replaces that organisation's answers (a
missing key means no answer); organisations not in the file are left alone. Imports work on
a round in any state except a frozen one, and are attributed to the importing user or the
CLI (``source="import"`` in the answer history). No Flask here; the caller commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from survey.aggregation.aggregate import RoundData
from survey.db import Answer, AnswerHistory, ImportJob, Organisation, Response, Round, RoundOrganisation, utcnow
from survey.questionnaire import Questionnaire
from survey.questionnaire import conditions as cond
from survey.questionnaire.model import ItemType
from survey.questionnaire.routing import applicable_ids, inapplicable_answered
from survey.questionnaire.values import InvalidValue, Value, clean_value
from survey.responses.answers import applicable_changes, reopen, submit, write_answers
from survey.responses.xlsx_read import NOT_ASKED, AnswerFileError, read_answer_file
from survey.results import is_frozen
from survey.rounds.lifecycle import questionnaire_of

MAX_IMPORT_BYTES = 50 * 1024 * 1024
LISTED_PROBLEMS = 100  # listed in full; beyond them only counted
PROGRESS_EVERY = 1000  # rows between two progress reports
TOP_LEVEL_KEYS = {"questionnaire", "questionnaire_hash", "round", "exported_at", "note", "responses"}
RESPONSE_KEYS = {"organisation", "status", "submitted_at", "answers"}
STATUSES = ("draft", "submitted")


# -- export ---------------------------------------------------------------------------------
def answers_document(data: RoundData, exported_at: datetime | None = None) -> dict[str, Any]:
    """The contract's answers document for a round (live or frozen): effective answers only,
    organisations by code; a reopened response is a draft."""
    q = data.questionnaire
    responses = []
    for r in sorted(data.responses, key=lambda r: r.organisation.code):
        submitted = r.status == "submitted"
        entry: dict[str, Any] = {"organisation": r.organisation.code,
                                 "status": "submitted" if submitted else "draft"}
        if submitted and r.submitted_at is not None:
            entry["submitted_at"] = r.submitted_at.isoformat()
        entry["answers"] = {f.id: r.answers[f.id] for f in q.fields if f.id in r.answers}
        responses.append(entry)
    document: dict[str, Any] = {"questionnaire": q.id, "questionnaire_hash": q.content_hash,
                                "round": data.info.name}
    if exported_at is not None:
        document["exported_at"] = exported_at.isoformat()
    document["responses"] = responses
    return document


def answers_json(data: RoundData, exported_at: datetime | None = None) -> bytes:
    document = answers_document(data, exported_at)
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# -- problems -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One reason to refuse an import: which organisation, which answer id, what is wrong."""

    organisation: str
    answer_id: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        subject = " ".join(part for part in (self.organisation, self.answer_id) if part) or "filen"
        place = f" ({self.where})" if self.where else ""
        return f"{subject}: {self.message}{place}"


class Problems(list[Problem]):
    """The first ``limit`` problems, and in ``total`` how many there were: a file with a
    million bad rows must not make a million objects (nor a million lines of output)."""

    def __init__(self, problems: Iterable[Problem] = (), limit: int = LISTED_PROBLEMS) -> None:
        super().__init__()
        self.limit, self.total = limit, 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def __iadd__(self, problems: Iterable[Problem]) -> Problems:  # type: ignore[override,misc]
        self.extend(problems)
        return self

    @property
    def unlisted(self) -> int:
        return self.total - len(self)


class ImportRejected(ValueError):
    """Nothing was imported; ``problems`` lists the first reasons, ``total`` counts them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems if isinstance(problems, Problems) else Problems(problems, limit=len(problems))
        self.total = self.problems.total
        super().__init__(f"{self.total} fel; inget importerades")

    def summary(self) -> list[str]:
        """The listed problems as lines, then «och N till» when more were found."""
        lines = [str(problem) for problem in self.problems]
        if self.problems.unlisted:
            lines.append(f"och {self.problems.unlisted} till")
        return lines


@dataclass(frozen=True)
class Incoming:
    """One checked response, ready to store."""

    organisation: str
    status: str
    submitted_at: datetime | None
    answers: dict[str, Value]


@dataclass
class ImportReport:
    responses: int = 0
    created: int = 0
    changed_answers: int = 0
    submitted: int = 0
    drafts: int = 0
    organisations: list[str] = field(default_factory=list)
    sha256: str = ""


# -- reading and checking -------------------------------------------------------------------
def parse_document(raw: bytes, filename: str = "") -> object:
    """The answers document in ``raw``: the engine's Excel file (by content) or JSON.

    Any JSON value comes back (``check_document`` says what is wrong with one that is not a
    document)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRejected([Problem("", "", f"filen är större än {MAX_IMPORT_BYTES // 2**20} MB")])
    if raw[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        try:
            return read_answer_file(raw)
        except AnswerFileError as error:
            raise ImportRejected([Problem("", "", str(error))]) from None
    try:
        document = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise ImportRejected([Problem("", "", "filen är varken en Excelfil eller JSON i UTF-8")]) from None
    except json.JSONDecodeError as error:
        message = f"ogiltig JSON: {error.msg} på rad {error.lineno}, kolumn {error.colno}"
        raise ImportRejected([Problem("", "", message)]) from None
    except (ValueError, RecursionError) as error:
        raise ImportRejected([Problem("", "", f"ogiltig JSON: {error}")]) from None
    return document


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"nyckeln «{key[:60]}» förekommer två gånger i samma objekt")
        seen[key] = value
    return seen


def check_document(q: Questionnaire, document: Any, members: Mapping[str, str], known: set[str],
                   progress: Callable[[int], None] | None = None) -> tuple[list[Incoming], Problems]:
    """Check a parsed document against the round; ``members`` maps code → name of the
    round's organisations, ``known`` holds every code of the registry.

    ``document["responses"]`` may be a stream (the Excel reader yields row by row): memory
    stays bounded, because nothing is kept of a response once the import is bound to be
    refused, and duplicates are tracked only for the round's own organisations.
    ``progress`` hears the number of responses read every ``PROGRESS_EVERY``.
    """
    if not isinstance(document, dict):
        message = "filen ska innehålla ett JSON-objekt med «questionnaire» och «responses»"
        return [], Problems([Problem("", "", message)])
    problems = Problems(Problem("", "", f"okänd nyckel «{str(key)[:60]}» på översta nivån")
                        for key in document if key not in TOP_LEVEL_KEYS)
    if document.get("questionnaire") != q.id:
        problems.append(Problem("", "", f"filen gäller enkäten «{str(document.get('questionnaire'))[:60]}», "
                                        f"omgången besvarar «{q.id}»"))
    responses = document.get("responses")
    if not isinstance(responses, list | Iterator):
        problems.append(Problem("", "", "«responses» saknas eller är inte en lista"))
        return [], problems
    checked: list[Incoming] = []
    try:
        _check_responses(q, responses, members, known, checked, problems, progress)
    except AnswerFileError as error:  # the stream stopped at a row it cannot read
        problems.append(Problem("", "", str(error)))
    return ([] if problems.total else checked), problems


def _check_responses(q: Questionnaire, responses: Iterable[Any], members: Mapping[str, str], known: set[str],
                     checked: list[Incoming], problems: Problems,
                     progress: Callable[[int], None] | None) -> None:
    seen: dict[str, str] = {}
    read = 0
    for index, entry in enumerate(responses):
        read = index + 1
        if progress is not None and index and index % PROGRESS_EVERY == 0:
            progress(index)
        where = str(entry.pop("_where", "")) if isinstance(entry, dict) else ""
        where = where or f"responses[{index}]"
        incoming, found = _check_response(q, entry, where, members, known)
        code = incoming.organisation if incoming else ""
        if code in seen:
            found.append(Problem(code, "", f"organisationen förekommer två gånger (även {seen[code]})", where))
        elif code in members:
            seen[code] = where
        problems += found
        if incoming is not None and not problems.total:
            checked.append(incoming)
        elif checked:
            checked.clear()  # refused anyway: keep nothing
    if progress is not None:
        progress(read)


def _check_response(q: Questionnaire, entry: Any, where: str, members: Mapping[str, str],
                    known: set[str]) -> tuple[Incoming | None, list[Problem]]:
    if not isinstance(entry, dict):
        return None, [Problem("", "", "ett svar ska vara ett JSON-objekt", where)]
    code = entry.get("organisation")
    if not isinstance(code, str) or not code:
        return None, [Problem("", "", "«organisation» (organisationskod) saknas", where)]
    problems = [Problem(code, "", f"okänd nyckel «{str(key)[:60]}»", where)
                for key in entry if key not in RESPONSE_KEYS]
    if code not in members:
        reason = "ingår inte i omgången" if code in known else "okänd organisationskod"
        problems.append(Problem(code, "", reason, where))
    status = entry.get("status")
    if status not in STATUSES:
        problems.append(Problem(code, "", f"status ska vara draft eller submitted, inte «{str(status)[:40]}»", where))
    submitted_at = _moment(entry.get("submitted_at"), code, status, where, problems)
    answers = entry.get("answers", {})
    if not isinstance(answers, dict):
        return None, problems + [Problem(code, "", "«answers» ska vara ett JSON-objekt", where)]
    cleaned, found = check_answers(q, code, answers, where)
    return Incoming(code, str(status), submitted_at, cleaned), problems + found


def _moment(raw: Any, code: str, status: Any, where: str, problems: list[Problem]) -> datetime | None:
    if raw is None or raw == "":
        return None
    if status != "submitted":
        problems.append(Problem(code, "", "submitted_at anges bara för inskickade svar", where))
        return None
    try:
        moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        problems.append(Problem(code, "", f"submitted_at «{str(raw)[:40]}» är ingen tidpunkt (ISO 8601)", where))
        return None
    if moment.tzinfo is None:
        problems.append(Problem(code, "", "submitted_at saknar tidszon (till exempel +02:00)", where))
        return None
    return moment


def check_answers(q: Questionnaire, code: str, answers: Mapping[str, Any],
                  where: str = "") -> tuple[dict[str, Value], list[Problem]]:
    """Clean every value and check the routing; the cleaned answers and the problems."""
    problems: list[Problem] = []
    cleaned: dict[str, Value] = {}
    marked: list[str] = []
    for answer_id, raw in answers.items():
        if not q.has_field(answer_id):
            problems.append(Problem(code, str(answer_id)[:64] or "«tomt»", "okänt svars-id", where))
        elif raw is NOT_ASKED:
            marked.append(answer_id)
        else:
            try:
                value = clean_value(q, q.field(answer_id), _as_text(q, answer_id, raw))
            except InvalidValue as error:
                problems.append(Problem(code, answer_id, error.message, where))
                continue
            if value is not None:
                cleaned[answer_id] = value
    if not cleaned and not marked:
        return cleaned, problems  # nothing to route (a row with no answers costs no routing walk)
    applicable = applicable_ids(q, cleaned)
    for answer_id in marked:  # «–» from the Excel file: not asked, unless routing says it is
        if answer_id not in applicable:
            continue
        if q.field(answer_id).type is ItemType.TEXT:
            cleaned[answer_id] = "–"
        else:
            problems.append(Problem(code, answer_id, "markerad «–» (ställdes inte), men frågan ställs "
                                                     "enligt de övriga svaren", where))
    for answer_id in inapplicable_answered(q, cleaned):
        problems.append(Problem(code, answer_id, f"besvarad, men frågan ställs bara om {_rule(q, answer_id)}", where))
    return cleaned, problems


def _as_text(q: Questionnaire, answer_id: str, raw: Any) -> Any:
    """What a cell or a JSON number means for the field: numbers as numbers for number
    questions, Excel dates for date questions, «a;b» for multiple choice from ``Koder``."""
    kind = q.field(answer_id).type
    if kind is ItemType.NUMBER and isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return str(Decimal(repr(raw)) if isinstance(raw, float) else raw)
    if kind is ItemType.DATE and isinstance(raw, datetime):
        return raw.date().isoformat()
    if kind is ItemType.MULTIPLE and isinstance(raw, str):
        return [code for code in raw.split(";") if code]
    return raw


def _rule(q: Questionnaire, answer_id: str) -> str:
    f = q.field(answer_id)
    if f.condition is None:
        return f"{f.gate} ställs"
    return cond.to_text(f.condition, lambda ref, code: q.field(ref).label_of(code) if q.has_field(ref) else code)


# -- queueing (the web import: a worker checks and stores) ---------------------------------
def queue_import(session: Session, round_: Round, raw: bytes, filename: str, actor: str) -> ImportJob:
    """An import job for the worker, holding the file until it has run (the caller commits)."""
    job = ImportJob(round_id=round_.id, filename=filename[:255], sha256=hashlib.sha256(raw).hexdigest(),
                    data=raw, status="queued", created_by=actor, created_at=utcnow())
    session.add(job)
    session.flush()
    return job


# -- storing --------------------------------------------------------------------------------
def import_answers(session: Session, round_: Round, raw: bytes, actor: str, filename: str = "",
                   dry_run: bool = False, now: datetime | None = None,
                   progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check everything, then store everything (or raise ``ImportRejected`` having stored nothing)."""
    if is_frozen(session, round_):
        raise ImportRejected([Problem("", "", f"omgången {round_.id} är fryst; häv frysningen innan du importerar")])
    q = questionnaire_of(round_)
    members = {org.code: org for org in session.scalars(
        select(Organisation).join(RoundOrganisation).where(RoundOrganisation.round_id == round_.id))}
    known = set(session.scalars(select(Organisation.code)))
    checked, problems = check_document(q, parse_document(raw, filename),
                                       {code: org.name for code, org in members.items()}, known, progress)
    if problems:
        raise ImportRejected(problems)
    report = ImportReport(responses=len(checked), sha256=hashlib.sha256(raw).hexdigest())
    if dry_run:
        return report
    now = now or utcnow()
    existing = {r.organisation_id: r for r in session.scalars(
        select(Response).where(Response.round_id == round_.id))}
    fresh = [i for i in checked if members[i.organisation].id not in existing]
    fresh_codes = {i.organisation for i in fresh}
    _store_new(session, q, round_, fresh, {code: org.id for code, org in members.items()}, actor, now, report)
    for incoming in sorted(checked, key=lambda i: i.organisation):
        if incoming.organisation not in fresh_codes:
            _store(session, q, existing[members[incoming.organisation].id], incoming, actor, now, report)
    from survey.staff.audit import record

    record(session, actor, "answers.import", round_, file=filename or None, sha256=report.sha256,
           responses=report.responses, changed_answers=report.changed_answers)
    session.flush()
    return report


def _store_new(session: Session, q: Questionnaire, round_: Round, fresh: list[Incoming],
               org_ids: Mapping[str, int], actor: str, now: datetime, report: ImportReport) -> None:
    """Responses the round does not have yet, in a few statements (a whole round of 290).

    What ``write_answers`` and ``submit`` would leave behind: the answers whose routing applies
    (``applicable_changes``, the same rule) at version 1, one history row per answer (source
    ``import``), and a submitted response stamped with its own time.
    """
    fresh = [replace(i, answers=applicable_changes(q, {}, i.answers)) for i in fresh]
    responses = {}
    for incoming in fresh:
        submitted = incoming.status == "submitted"
        moment = (incoming.submitted_at or now).astimezone(UTC) if submitted else None
        responses[incoming.organisation] = Response(
            round_id=round_.id, organisation_id=org_ids[incoming.organisation],
            status=incoming.status, submitted_at=moment, submitted_by=actor if submitted else None,
            version=2 if incoming.answers else 1, questionnaire_hash=round_.questionnaire_version.content_hash,
            created_at=now, updated_at=now)
    session.add_all(responses.values())
    session.flush()
    answers, history = [], []
    for incoming in fresh:
        response_id = responses[incoming.organisation].id
        for answer_id, value in incoming.answers.items():
            answers.append({"response_id": response_id, "answer_id": answer_id, "value": value,
                            "version": 1, "updated_at": now, "updated_by": actor})
            history.append({"response_id": response_id, "answer_id": answer_id, "old_value": None,
                            "new_value": value, "changed_at": now, "changed_by": actor,
                            "source": "import"})
        report.created += 1
        report.changed_answers += len(incoming.answers)
        report.submitted += incoming.status == "submitted"
        report.drafts += incoming.status != "submitted"
        report.organisations.append(incoming.organisation)
    if answers:
        session.execute(insert(Answer), answers)
        session.execute(insert(AnswerHistory), history)


def _store(session: Session, q: Questionnaire, response: Response, incoming: Incoming, actor: str,
           now: datetime, report: ImportReport) -> None:
    """Replace an existing response's answers and status (the answer history keeps the old)."""
    saved = write_answers(session, response, q, incoming.answers, None, actor, "import", replace=True, now=now)
    report.changed_answers += len(saved.saved)
    report.organisations.append(incoming.organisation)
    if incoming.status == "submitted":
        report.submitted += 1
        if response.status != "submitted":
            submit(session, response, q, actor, now)
        if incoming.submitted_at is not None:  # stored in UTC (SQLite keeps no offset)
            response.submitted_at = incoming.submitted_at.astimezone(UTC)
    else:
        report.drafts += 1
        if response.status == "submitted":
            reopen(session, response, actor, "import av utkast", now)
    session.flush()
