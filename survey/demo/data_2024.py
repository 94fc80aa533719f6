"""A clearly fictional 2024 regional round, so year-over-year comparison can be tried.

``survey demo`` calls ``ensure_demo_reflection``: it creates a closed, frozen and published
round of ``questionnaires/regioner-2024.yaml`` (loaded by ``survey setup``) with every
region's answers from ``survey/demo/data/regioner-2024-svar.json`` (the contract's JSON
answers format, loaded through the ordinary import), then tags the 2025 demo round's free
text with themes, quotes the 2025 deck's examples and publishes it, so a region's reflection
link shows the comparison with 2024. Idempotent. The 2024 answers are invented: made by
``write_answers_file`` from the 2025 demo answers (some «ja» set back to «nej», seeded), which
``survey demo regenerate`` runs; they are not Socialstyrelsen's figures.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import QuestionnaireVersion, Round
from survey.questionnaire import routing
from survey.questionnaire.model import Field, ItemType, Questionnaire, Role
from survey.questionnaire.values import Value
from survey.rounds.lifecycle import Link, round_links

ANSWERS_FILE = Path(__file__).resolve().parent / "data" / "regioner-2024-svar.json"
OPENS, CLOSES = date(2024, 9, 24), date(2024, 10, 20)
SUBMITTED_AT = datetime(2024, 10, 21, 8, 0, tzinfo=UTC)
PUBLISHED_AT = datetime(2024, 12, 2, 9, 0, tzinfo=UTC)
DEMO_REGION = "07"  # Region Kronoberg: its link is printed by `survey demo`
KEYWORDS = {
    "Ledning och styrning": ("ledning", "roll", "mandat", "chefer", "huvudman"),
    "Samverkan": ("samverkan", "kommunerna"),
    "Patienten som medskapare": ("patient",),
    "Uppföljning": ("uppfölj", "indikator"),
    "Adekvat kunskap och kompetens": ("utbild", "analytiker", "kompetens"),
    "Metoder och arbetssätt": ("arbetssätt", "journalgranskning", "modell", "it-stöd", "händelseanalys"),
}
# The examples on the 2025 deck's free-text slide, by theme (the demo's 2025 answers hold them).
PUBLISHED_QUOTES = {
    "Ledning och styrning": ("Ett förtydligande av regionens roll som huvudman och vårdgivare",
                             "Ledningsstrukturernas fokus på frågorna"),
    "Samverkan": ("Samverkan med kommunerna kan stärkas ytterligare", "Samverkan kring avvikelshantering"),
    "Patienten som medskapare": ("Involvera patient/närstående", "Patientdelaktighet"),
    "Uppföljning": ("Nationella indikatorer som går att följa upp",
                    "Stöd från nationell nivå inom uppföljningsområdet"),
    "Adekvat kunskap och kompetens": ("Utbildningsprogram för chefer och medarbetare",
                                      "Tillgång till utbildningar i patientsäkerhet"),
    "Metoder och arbetssätt": ("Implementering av antibiotikasmarta arbetssätt",
                               "Framtagande av automatiserad journalgranskning"),
}
ROUND_NAME = "Demo: Uppföljning av regionernas patientsäkerhetsarbete 2024 (fiktiva svar)"
QUESTIONNAIRE_ID = "regioner-2024"
ACTOR = "demo-2024"
SUGGESTIONS = (
    "Tydligare styrning från ledningen och uppföljning i ledningssystemet",
    "Bättre samverkan med kommunerna kring vårdens övergångar",
    "Fler patientrepresentanter i förbättringsarbetet",
    "Nationella indikatorer som kan följas upp regionalt",
    "Utbildning i patientsäkerhet för chefer och nya medarbetare",
    "Gemensamma arbetssätt för journalgranskning och riskanalys",
)


def _yes_rate(answer_id: str, base: float) -> float:
    """A stable, field-specific share of «ja», so the fictional charts vary plausibly."""
    spread = (sum(map(ord, answer_id)) % 40) / 100
    return min(0.95, max(0.05, base + spread - 0.2))


def plausible_answers(q: Questionnaire, codes: Sequence[str], seed: int = 2024,
                      base: float = 0.65) -> dict[str, dict[str, Value]]:
    """Routing-consistent invented answers per organisation code (for demos and benchmarks)."""
    rng = random.Random(seed)
    answers: dict[str, dict[str, Value]] = {}
    for code in codes:
        answers[code] = routing.route(q, lambda f: _value(f, rng, base))[1]
    return answers


def _value(f: Field, rng: random.Random, base: float) -> Value:
    if f.codes:
        if "ja" in f.code_set:
            return "ja" if rng.random() < _yes_rate(f.id, base) else "nej"
        if f.type is ItemType.MULTIPLE:
            return [c.code for c in f.codes if rng.random() < 0.4] or [f.codes[0].code]
        weights = [len(f.codes) - i for i in range(len(f.codes))]
        return rng.choices([c.code for c in f.codes], weights)[0]
    if f.type is ItemType.TEXT and f.role is Role.MAIN:
        return rng.choice(SUGGESTIONS) if rng.random() < 0.8 else None
    return None


def earlier_answers(q: Questionnaire, later: dict[str, Value], rng: random.Random,
                    setback: float = 0.15) -> dict[str, Value]:
    """A plausible year-earlier response: the later answers, with some «ja» still «nej»."""
    def choose(f: Field) -> Value:
        value = later.get(f.id)
        if isinstance(value, str) and f.codes and value not in f.code_set:
            return _value(f, rng, 0.6)
        if value is None or (f.type is ItemType.TEXT and f.role is Role.MAIN):
            return _value(f, rng, 0.6)
        if value == "ja" and rng.random() < setback:
            return "nej"
        return value

    return routing.route(q, choose)[1]


def answers_document(q: Questionnaire, answers: dict[str, dict[str, Value]]) -> dict[str, Any]:
    return {"questionnaire": q.id,
            "responses": [{"organisation": code, "status": "submitted", "answers": given}
                          for code, given in sorted(answers.items())]}


def write_answers_file(q: Questionnaire, later_file: Path, path: Path = ANSWERS_FILE) -> Path:
    """The 2024 file from the 2025 demo answers (``survey.demo.generate.regenerate`` calls it)."""
    later = json.loads(later_file.read_text(encoding="utf-8"))
    rng = random.Random(2024)
    answers = {entry["organisation"]: earlier_answers(q, entry["answers"], rng) for entry in later["responses"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(answers_document(q, answers), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path


def ensure_demo_2024(session: Session, secret: str) -> Round | None:
    """The fictional 2024 round (created once); None when the 2024 definition is not loaded."""
    from survey.reflection import publish
    from survey.responses.transfer import import_answers
    from survey.results import freeze_round
    from survey.rounds.lifecycle import create_round, organisations_for

    found = session.scalar(select(Round).where(Round.name == ROUND_NAME))
    if found is not None:
        return found
    version = session.scalar(select(QuestionnaireVersion)
                             .where(QuestionnaireVersion.questionnaire_id == QUESTIONNAIRE_ID)
                             .order_by(QuestionnaireVersion.id.desc()).limit(1))
    if version is None:
        return None
    round_ = create_round(session, version, organisations_for(session, "region"), OPENS, CLOSES, ROUND_NAME,
                          secret=secret)
    round_.state = "open"
    import_answers(session, round_, ANSWERS_FILE.read_bytes(), ACTOR, ANSWERS_FILE.name, now=SUBMITTED_AT)
    round_.state = "closed"
    session.flush()
    freeze_round(session, round_, ACTOR, "Resultat 2024 (fiktivt underlag för demo)", now=PUBLISHED_AT)
    publish(session, round_, ACTOR, now=PUBLISHED_AT)
    return round_


def ensure_demo_reflection(session: Session, secret: str, base_url: str) -> tuple[str, list[Link]]:
    """The 2024 round, and the 2025 demo round published with themes and quotes: one region's
    reflection link to try it (the caller commits)."""
    from survey.demo.data_2025 import ACTOR as ACTOR_2025
    from survey.demo.data_2025 import ROUND_NAME as ROUND_2025
    from survey.reflection import is_published, publish

    ensure_demo_2024(session, secret)
    round_ = session.scalar(select(Round).where(Round.name == ROUND_2025))
    if round_ is None:
        return ("Reflektion: ingen demo-omgång 2025 finns.", [])
    if not is_published(session, round_):
        _demo_themes(session, round_)
        publish(session, round_, ACTOR_2025, now=datetime(2025, 11, 20, 9, 0, tzinfo=UTC))
    links = [link for link in round_links(round_, secret, base_url) if link.code == DEMO_REGION]
    reflect = [Link(link.code, f"{link.name} (reflektion)", link.kind, link.county,
                    link.url.replace("/svar/", "/reflektion/")) for link in links]
    return (f"{round_.name} – publicerad; en regions reflektion, med jämförelse mot 2024:", reflect)


def _demo_themes(session: Session, round_: Round) -> None:
    """Tag the demo's free-text answers by keyword and quote the 2025 deck's examples."""
    from survey.themes import choose_quote, entries, seed_default_themes, set_themes

    themes = {theme.name: theme.id for theme in seed_default_themes(session, round_)}
    for entry in entries(session, round_):
        text = entry.text.lower()
        tagged = {themes[name] for name, words in KEYWORDS.items() if any(word in text for word in words)}
        if entry.answer_id == "q22":
            set_themes(session, round_, entry.response_id, entry.answer_id, tagged, ACTOR)
        published = next((name for name, quotes in PUBLISHED_QUOTES.items()
                          if any(entry.text.startswith(quote[:40]) for quote in quotes)), None)
        if published or entry.answer_id == "q01_kommentar" and entry.organisation == "09":
            choose_quote(session, round_, entry.response_id, entry.answer_id, entry.text,
                         themes.get(published or ""), ACTOR)
