"""An organisation's reflection deck: its own answers marked in the national charts.

The same slide plan as the national deck (``exports.pptx_plan``), drawn with the
organisation's answers: its bar is in the theme's second accent colour and named in words
under the chart («Ni svarade Ja. 19 av 21 regioner svarade Ja.»), with last year's answer
where the questions compare. Then where it differs from most others, its free-text answers
and the reflection questions with its own notes. Plain data in, bytes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from exports.pptx_common import Deck, Para, shorten
from exports.pptx_deck import _bullets, deck_title
from exports.pptx_plan import Plan, question_slides, render
from survey.aggregation.aggregate import RoundResults
from survey.questionnaire.values import Value
from survey.reports.headlines import Kind
from survey.reports.reflection import Reflection, free_text_answers, question_keys

NOTE_LIMIT_ON_SLIDE = 900


@dataclass(frozen=True)
class ReflectionDeckInput:
    reflection: Reflection
    results: RoundResults
    own: Mapping[str, Value]
    notes: Mapping[str, str] = field(default_factory=dict)  # question key → the organisation's text


def build_reflection_deck(data: ReflectionDeckInput) -> bytes:
    reflection = data.reflection
    q, org = reflection.questionnaire, reflection.organisation
    kind = Kind.of(q)
    deck = Deck()
    deck.title_slide(f"{org.name}: reflektion över enkätresultatet",
                     f"{deck_title(q)} – resultatredovisning {q.year}")
    _about(deck, data, kind)
    _differing(deck, data, kind)
    last_year = {f.answer_id: f.last_year for s in reflection.sections for f in s.fields if f.last_year}
    plan = Plan(q, data.results, own=data.own, notes=last_year)
    for section in q.sections:
        deck.section_slide(section.title)
        for item in section.items:
            for spec in question_slides(plan, item):
                render(deck, spec)
    texts = free_text_answers(q, data.own)
    if texts:
        _bullets(deck, "Era fritextsvar", [p for question, text in texts
                                           for p in (Para(question, bold=True), Para(f"«{text}»", 1))], 18)
    _notes(deck, data)
    return deck.to_bytes()


def _about(deck: Deck, data: ReflectionDeckInput, kind: Kind) -> None:
    reflection = data.reflection
    paras = [
        Para(f"Här ser ni {reflection.organisation.name}s svar bredvid hur alla {kind.many} svarade. "
             "Ert svar är markerat med en egen färg i varje diagram och skrivet under diagrammet.", 1),
        Para(f"Siffrorna i diagrammen är antal {kind.many}; n är antalet {kind.many} som besvarade frågan.", 1),
    ]
    if reflection.compared_year:
        paras.append(Para(f"Där frågan ställdes likadant {reflection.compared_year} står också ert svar "
                          "det året.", 1))
    paras.append(Para("Sist finns reflektionsfrågorna med era egna anteckningar.", 1))
    _bullets(deck, "Om er reflektion", paras)


def _differing(deck: Deck, data: ReflectionDeckInput, kind: Kind) -> None:
    differing = data.reflection.differing
    if not differing:
        paras = [Para(f"Ert svar är detsamma som flertalet {kind.many}s i alla frågor.", 1)]
    else:
        paras = [Para(f"Fråga {f.number}: {shorten(f.question, 160)} {f.summary}", 1) for f in differing]
    _bullets(deck, f"Här skiljer sig era svar från de flesta {kind.many}s", paras, 18)


def _notes(deck: Deck, data: ReflectionDeckInput) -> None:
    questions = data.reflection.questions
    deck.section_slide("Reflektion")
    for key, question in zip(question_keys(questions), questions, strict=False):
        paras = [Para(question.stem, bold=True)] + [Para(item, 1) for item in question.items]
        own = data.notes.get(key, "").strip()
        paras.append(Para("Era anteckningar:", bold=True))
        paras.append(Para(shorten(own, NOTE_LIMIT_ON_SLIDE) if own else "(inga anteckningar ännu)",
                          italic=not own))
        _bullets(deck, "Reflektionsfråga", paras, 20)
    general = data.notes.get(question_keys(questions)[-1], "").strip()
    if general:
        _bullets(deck, "Övriga anteckningar", [Para(shorten(general, NOTE_LIMIT_ON_SLIDE * 2))], 18)
