"""An organisation's reflection deck: its own answers marked in the national charts.

The same slide plan as the national deck (``exports.pptx_plan``), drawn with the
organisation's answers: its bar is in the theme's second accent colour and named in words
under the chart («Ni svarade Ja. Det gjorde 19 av 21 regioner.»), with last year's answer
where the questions compare. Then where it differs from most others, its free-text answers
and the reflection questions with its own notes. Plain data in, bytes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from exports.pptx_common import Deck, Para
from exports.pptx_deck import bullets, deck_properties, deck_title
from exports.pptx_plan import Plan, question_slides, render
from survey.aggregation.aggregate import RoundResults
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.values import Value
from survey.reports import headlines as hl
from survey.reports.definition import report_for
from survey.reports.differences import differences, lead
from survey.reports.reflection import Reflection, free_text_answers, question_keys


@dataclass(frozen=True)
class ReflectionDeckInput:
    reflection: Reflection
    results: RoundResults
    own: Mapping[str, Value]
    notes: Mapping[str, str] = field(default_factory=dict)  # question key → the organisation's text


def build_reflection_deck(data: ReflectionDeckInput) -> bytes:
    reflection = data.reflection
    q, org = reflection.questionnaire, reflection.organisation
    kind = hl.Kind.of(q)
    report = report_for(q)
    deck = Deck()
    subtitle = f"{deck_title(q)} – resultatredovisning {q.year}"
    deck.title_slide(f"{org.name}: reflektion över enkätresultatet", subtitle)
    _about(deck, data, kind)
    _differing(deck, data, kind)
    last_year = {f.answer_id: f.last_year for s in reflection.sections for f in s.fields if f.last_year}
    asked = frozenset(applicable_ids(q, data.own)) if data.own else frozenset()
    plan = Plan(q, data.results, own=data.own, notes=last_year, asked=asked, report=report)
    for section in q.sections:
        deck.section_slide(section.title)
        for item in section.items:
            for spec in question_slides(plan, item):
                render(deck, spec)
    texts = free_text_answers(q, data.own)
    if texts:
        bullets(deck, "Era fritextsvar", [p for question, text in texts
                                          for p in (Para(question, bold=True), Para(hl.quoted(text), 1))])
    _notes(deck, data)
    properties = deck_properties(q, report, f"{org.name}: reflektion, {subtitle}")
    return deck.to_bytes(properties)


def _about(deck: Deck, data: ReflectionDeckInput, kind: hl.Kind) -> None:
    reflection = data.reflection
    paras = [
        Para(f"Här ser ni {reflection.organisation.name}s svar bredvid hur alla {kind.many} svarade. "
             "Ert svar är markerat med en egen färg i varje diagram och skrivet under diagrammet.", 1),
        Para(f"Siffrorna i diagrammen är antal {kind.many}, och stapelns hela bredd är samtliga "
             f"{data.results.population} {kind.many}; n är antalet {kind.many} som besvarade frågan.", 1),
    ]
    if reflection.compared_year:
        paras.append(Para(f"Där frågan ställdes likadant {reflection.compared_year} står också ert svar "
                          "det året.", 1))
    paras.append(Para("Sist finns reflektionsfrågorna med era egna anteckningar.", 1))
    bullets(deck, "Om er reflektion", paras)


def _differing(deck: Deck, data: ReflectionDeckInput, kind: hl.Kind) -> None:
    groups = differences(data.reflection)
    if not groups:
        paras = [Para(f"Ert svar är detsamma som flertalet {kind.many}s i alla frågor.", 1)]
    else:
        paras = [Para(lead(groups, kind))]
        for group in groups:
            paras.append(Para(group.section, bold=True))
            for question in group.questions:
                if question.items[0].topic:
                    paras.append(Para(f"Fråga {question.number}: {question.question}", 1))
                    paras += [Para(f"{d.topic}: {d.direction}", 2) for d in question.items]
                else:
                    paras.append(Para(f"Fråga {question.number}: {question.question} {question.items[0].direction}", 1))
    bullets(deck, f"Här skiljer sig era svar från de flesta {kind.many}s", paras)


def _notes(deck: Deck, data: ReflectionDeckInput) -> None:
    questions = data.reflection.questions
    deck.section_slide("Reflektion")
    for number, (key, question) in enumerate(zip(question_keys(questions), questions, strict=False), start=1):
        paras = [Para(question.stem, bold=True)] + [Para(item, 1) for item in question.items]
        own = data.notes.get(key, "").strip()
        paras.append(Para("Era anteckningar:", bold=True))
        paras += [Para(text, italic=not own) for text in (own.split("\n\n") if own else ["(inga anteckningar ännu)"])]
        bullets(deck, f"Reflektionsfråga {number} ({len(questions)})" if len(questions) > 1 else "Reflektionsfråga",
                paras)
    general = data.notes.get(question_keys(questions)[-1], "").strip()
    if general:
        bullets(deck, "Övriga anteckningar", [Para(text) for text in general.split("\n\n")])
