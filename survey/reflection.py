"""An organisation's reflection on the published results, and the publishing itself.

``build_reflection`` is pure: from the questionnaire, the national results, the
organisation's own (effective) answers and, where there are any, its county's results and a
comparison with last year, it makes the view every channel shows (the page, the PowerPoint,
the Excel file): per question its own answer beside the distribution, whether it differs
from most others, and last year's answer. The database functions below load those inputs,
publish a round's reflection and keep the organisation's notes (versioned: the form carries
the version it showed, and a newer save is reported as a conflict, not overwritten).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports.pptx_deck import ReflectionQuestion, default_reflection_questions
from exports.pptx_headlines import Kind
from survey.aggregate import ItemResult, OrgInfo, RoundResults, aggregate_by
from survey.compare import Comparison, compare
from survey.links import looks_like_token, token_hash
from survey.models import (
    AccessLink,
    Organisation,
    QuestionnaireVersion,
    Round,
    RoundOrganisation,
    utcnow,
)
from survey.questionnaire.model import Field, ItemType, Questionnaire, Role
from survey.questionnaire.routing import applicable_ids
from survey.reflection_models import ReflectionNote, ReflectionPublication
from survey.results import round_data
from survey.rounds import questionnaire_of
from survey.values import Value, is_blank

GENERAL_NOTE = "allmant"
NOTE_LIMIT = 10_000


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    count: int
    share: float | None  # of those who answered
    own: bool


@dataclass(frozen=True)
class Distribution:
    """How one group answered (all regions; the municipalities of one county; all municipalities)."""

    name: str
    n: int
    options: tuple[Option, ...]


@dataclass(frozen=True)
class FieldView:
    answer_id: str
    number: str
    question: str
    own: str | None  # the label of the organisation's answer (None: not asked or blank)
    asked: bool
    summary: str  # «Ni svarade Ja. 19 av 21 regioner svarade Ja.»
    differs: bool  # the organisation's answer is not the one most others gave
    groups: tuple[Distribution, ...]
    last_year: str | None = None  # «2024 svarade ni Nej.» or why it cannot be compared
    row_label: str | None = None  # the matrix row or staff group, where the answer id is a row


@dataclass(frozen=True)
class SectionView:
    title: str
    fields: tuple[FieldView, ...]


@dataclass(frozen=True)
class Reflection:
    organisation: OrgInfo
    questionnaire: Questionnaire
    sections: tuple[SectionView, ...]
    questions: tuple[ReflectionQuestion, ...]
    compared_year: int | None = None

    @property
    def differing(self) -> list[FieldView]:
        return [f for section in self.sections for f in section.fields if f.differs]


def _distribution(name: str, f: Field, result: ItemResult, own: Value) -> Distribution:
    chosen = set(own) if isinstance(own, list) else {own}
    options = tuple(Option(c.code, c.label, result.counts.get(c.code, 0), result.share(c.code), c.code in chosen)
                    for c in f.codes)
    return Distribution(name, result.answered, options)


def _summary(kind: Kind, f: Field, result: ItemResult, own: Value, asked: bool) -> str:
    if not asked:
        return "Frågan ställdes inte till er utifrån era tidigare svar."
    if is_blank(own):
        return "Ni besvarade inte frågan."
    codes = own if isinstance(own, list) else [own]
    labels = " och ".join(f.label_of(str(code)) for code in codes)
    same = sum(result.counts.get(str(code), 0) for code in codes)
    return f"Ni svarade {labels}. {same} av {result.answered} {kind.many} svarade {labels}."


def _differs(result: ItemResult, own: Value) -> bool:
    """True when most others (more than half of those answering) gave another answer."""
    if is_blank(own) or isinstance(own, list) or not result.answered:
        return False
    code, count = max(result.counts.items(), key=lambda pair: pair[1])
    return code != own and count * 2 > result.answered


def _last_year(comparison: Comparison | None, before: Mapping[str, Value] | None, f: Field) -> str | None:
    if comparison is None or before is None:
        return None
    item = comparison.items.get(f.id)
    if item is None:
        return None
    if not item.comparable:
        return f"Kan inte jämföras med {comparison.before_year}: {' '.join(item.reasons)}"
    value = before.get(f.id)
    if is_blank(value):
        return f"{comparison.before_year} fick ni inte frågan eller lämnade den obesvarad."
    return f"{comparison.before_year} svarade ni {f.label_of(str(value))}."


def build_reflection(q: Questionnaire, results: RoundResults, org: OrgInfo, own: Mapping[str, Value],
                     applicable: set[str], county: tuple[str, RoundResults] | None = None,
                     comparison: Comparison | None = None, before: Mapping[str, Value] | None = None,
                     questions: Sequence[ReflectionQuestion] = ()) -> Reflection:
    """The organisation's reflection view (``own``: its effective answers; ``applicable``: the
    answer ids its routing asked)."""
    kind = Kind.of(q)
    national = f"Alla {kind.many}"
    sections = []
    for section in q.sections:
        views = []
        for f in q.fields:
            if f.section_id != section.id or f.role not in (Role.MAIN, Role.FOLLOWUP) or not f.codes:
                continue
            result, value = results[f.id], own.get(f.id)
            groups = [_distribution(national, f, result, value)]
            if county is not None:
                groups.insert(0, _distribution(county[0], f, county[1][f.id], value))
            item = q.item(f.item_id)
            question = item.text if f.row is None else f"{item.text} {f.label}"
            views.append(FieldView(
                f.id, item.number or item.id, question,
                None if is_blank(value) else " och ".join(f.label_of(str(v)) for v in
                                                         (value if isinstance(value, list) else [value])),
                f.id in applicable, _summary(kind, f, result, value, f.id in applicable),
                _differs(result, value), tuple(groups), _last_year(comparison, before, f),
                f.label if f.row is not None else None))
        sections.append(SectionView(section.title, tuple(views)))
    return Reflection(org, q, tuple(sections), tuple(questions) or default_reflection_questions(q),
                      comparison.before_year if comparison else None)


def free_text_answers(q: Questionnaire, own: Mapping[str, Value]) -> list[tuple[str, str]]:
    """The organisation's own free-text answers: (question, text)."""
    found = []
    for f in q.fields:
        value = own.get(f.id)
        if f.type is ItemType.TEXT and isinstance(value, str) and value.strip():
            found.append((q.item(f.item_id).text if f.role is Role.MAIN else f.label, value))
    return found


def question_keys(questions: Sequence[ReflectionQuestion]) -> list[str]:
    """Stable keys of the reflection questions' note fields, plus the general notes."""
    return [f"fraga{index}" for index in range(1, len(questions) + 1)] + [GENERAL_NOTE]


@dataclass(frozen=True)
class NoteConflict:
    key: str
    theirs: str
    version: int  # the stored version: posting the form again with it overwrites, knowingly
    changed_by: str | None
    changed_at: datetime | None


# -- the database side: publishing, loading an organisation's reflection, notes -------------
class ReflectionError(ValueError):
    """A request the reflection cannot honour; the message is for the user (Swedish)."""


def publication(session: Session, round_: Round) -> ReflectionPublication | None:
    return session.scalar(select(ReflectionPublication).where(ReflectionPublication.round_id == round_.id))


def is_published(session: Session, round_: Round) -> bool:
    return round_.results_published_at is not None and publication(session, round_) is not None


def publish(session: Session, round_: Round, actor: str,
            questions: Sequence[ReflectionQuestion] | None = None, now: datetime | None = None) -> None:
    """Open the results and each organisation's reflection pages (a closed round only)."""
    if round_.state not in ("closed", "archived"):
        raise ReflectionError("Resultaten kan publiceras först när rundan är stängd.")
    chosen = tuple(questions or default_reflection_questions(questionnaire_of(round_)))
    document = [{"stem": question.stem, "items": list(question.items)} for question in chosen]
    now = now or utcnow()
    found = publication(session, round_)
    if found is None:
        session.add(ReflectionPublication(round_id=round_.id, questions=document, published_at=now,
                                          published_by=actor))
    else:
        found.questions, found.published_at, found.published_by = document, now, actor
    round_.results_published_at = now
    session.flush()


def unpublish(session: Session, round_: Round) -> None:
    found = publication(session, round_)
    if found is not None:
        session.delete(found)
    round_.results_published_at = None
    session.flush()


def published_questions(session: Session, round_: Round) -> tuple[ReflectionQuestion, ...]:
    found = publication(session, round_)
    if found is None:
        return default_reflection_questions(questionnaire_of(round_))
    return tuple(ReflectionQuestion(entry["stem"], tuple(entry.get("items", []))) for entry in found.questions)


def member_for_token(session: Session, token: str) -> RoundOrganisation | None:
    """The invited organisation a (respondent) link belongs to, if the link is live."""
    if not looks_like_token(token):
        return None
    return session.scalar(select(RoundOrganisation).join(AccessLink).where(
        AccessLink.token_hash == token_hash(token), AccessLink.revoked_at.is_(None)))


def previous_round(session: Session, round_: Round) -> Round | None:
    """The latest earlier round of the same family and kind whose results are published."""
    version = round_.questionnaire_version
    candidates = session.scalars(
        select(Round).join(QuestionnaireVersion).where(
            QuestionnaireVersion.family == version.family,
            QuestionnaireVersion.respondent_kind == version.respondent_kind,
            QuestionnaireVersion.year < version.year, Round.results_published_at.is_not(None))
        .order_by(QuestionnaireVersion.year.desc(), Round.id.desc()))
    return next(iter(candidates), None)


@dataclass(frozen=True)
class Loaded:
    """An organisation's reflection with what its deck is drawn from."""

    reflection: Reflection
    results: RoundResults
    own: dict[str, Value]


def load_reflection(session: Session, round_: Round, org: Organisation) -> Loaded:
    data = round_data(session, round_)
    q, results = data.questionnaire, data.results()
    own_response = next((r for r in data.responses if r.organisation.code == org.code), None)
    own = dict(own_response.answers) if own_response and own_response.status == "submitted" else {}
    county = None
    if q.respondent_kind == "kommun":
        groups = aggregate_by(q, data.responses, data.population, key=lambda o: o.county)
        if org.county in groups:
            county = (f"Kommunerna i {org.county_name}", groups[org.county])
    comparison = before = None
    earlier = previous_round(session, round_)
    if earlier is not None:
        old = round_data(session, earlier)
        comparison = compare(old.questionnaire, old.results(), q, results)
        mine = next((r for r in old.responses if r.organisation.code == org.code), None)
        before = dict(mine.answers) if mine and mine.status == "submitted" else {}
    info = OrgInfo(org.code, org.name, org.kind, org.county, org.county_name)
    reflection = build_reflection(q, results, info, own, applicable_ids(q, own) if own else set(), county,
                                  comparison, before, published_questions(session, round_))
    return Loaded(reflection, results, own)


def note_texts(session: Session, round_: Round, org: Organisation) -> dict[str, str]:
    return {key: row.text for key, row in notes(session, round_, org).items()}


def reflection_pptx(session: Session, round_: Round, org: Organisation) -> bytes:
    from exports.pptx_reflection import ReflectionDeckInput, build_reflection_deck

    loaded = load_reflection(session, round_, org)
    return build_reflection_deck(ReflectionDeckInput(loaded.reflection, loaded.results, loaded.own,
                                                     note_texts(session, round_, org)))


def reflection_xlsx(session: Session, round_: Round, org: Organisation) -> bytes:
    from exports.xlsx_reflection import build_reflection_xlsx

    return build_reflection_xlsx(load_reflection(session, round_, org).reflection,
                                 note_texts(session, round_, org))


def notes(session: Session, round_: Round, org: Organisation) -> dict[str, ReflectionNote]:
    rows = session.scalars(select(ReflectionNote).where(ReflectionNote.round_id == round_.id,
                                                        ReflectionNote.organisation_id == org.id))
    return {row.question_key: row for row in rows}


def save_notes(session: Session, round_: Round, org: Organisation, texts: Mapping[str, str],
               seen: Mapping[str, int], actor: str) -> list[NoteConflict]:
    """Store changed notes; a note changed by someone else since the form was shown is left
    alone and returned as a conflict."""
    existing = notes(session, round_, org)
    conflicts = []
    for key, text in texts.items():
        text = text.replace("\r\n", "\n").strip()[:NOTE_LIMIT]
        row = existing.get(key)
        if row is None:
            if text:
                session.add(ReflectionNote(round_id=round_.id, organisation_id=org.id, question_key=key,
                                           text=text, version=1, updated_by=actor))
            continue
        if row.text == text:
            continue
        if row.version != seen.get(key, 0):
            conflicts.append(NoteConflict(key, row.text, row.version, row.updated_by, row.updated_at))
            continue
        row.text, row.version, row.updated_by = text, row.version + 1, actor
    session.flush()
    return conflicts
