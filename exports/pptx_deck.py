"""The national results deck, as Socialstyrelsen publishes it, built in seconds.

``build_national_deck(DeckInput) -> bytes``: plain data in (the questionnaire, the one
aggregation's results, how the round was run, themes and chosen quotes, reflection
questions), a .pptx out. Slides, in the order of the 2025 deck: title; about the results;
background and purpose; summary; per section a divider and one slide per question with native
charts; free-text examples by theme; reflection questions; «Genomförande av enkäten». Every
number comes from ``RoundResults``; the wording follows the respondent kind's terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pptx.util import Cm, Emu

from exports.pptx_charts import Panel, place_panels
from exports.pptx_common import (
    BODY_BOTTOM,
    BODY_MIN,
    BODY_SIZE,
    BODY_TOP,
    MARGIN,
    SLIDE_W,
    Bars,
    Deck,
    DeckProperties,
    Para,
    fits,
    fitting_size,
    shorten,
    text_box,
)
from exports.pptx_plan import Plan, question_slides, render
from exports.pptx_summary import summary_slides
from survey.aggregation.aggregate import RoundResults
from survey.formatting import long_date
from survey.questionnaire.model import Item, ItemType, Questionnaire, Role
from survey.reports import headlines as hl
from survey.reports.deck import DeckInput, FreeText, ReflectionQuestion, ThemeSummary, default_reflection_questions
from survey.reports.definition import ReportDefinition, fill, report_for

QUOTE_LIMIT = 220


def deck_title(q: Questionnaire) -> str:
    """«Uppföljning av regionernas patientsäkerhetsarbete» (the year goes in the subtitle)."""
    return q.title.removesuffix(str(q.year)).strip()


def deck_properties(q: Questionnaire, report: ReportDefinition, subject: str) -> DeckProperties:
    """Title, subject, the agency as author and the keywords, as File › Properties shows them."""
    return DeckProperties(f"{deck_title(q)} {q.year}", subject, report.agency or "Socialstyrelsen",
                          tuple(fill(word, q) for word in report.keywords))


def build_national_deck(data: DeckInput) -> bytes:
    deck = Deck()
    q, kind = data.questionnaire, hl.Kind.of(data.questionnaire)
    report = data.report or report_for(q)
    subtitle = f"Resultatredovisning av enkätundersökning {q.year}"
    deck.title_slide(deck_title(q), subtitle)
    _about(deck, data, kind, report)
    _background(deck, kind, report)
    deck.section_slide("Redovisning av resultat")
    summary_slides(deck, q, data.results, report)
    plan = Plan(q, data.results, data.footnotes, report=report)
    for section in q.sections:
        deck.section_slide(section.title)
        for item in section.items:
            for spec in question_slides(plan, item):
                render(deck, spec)
            if item.type is ItemType.TEXT:
                _free_text(deck, data, item, kind)
    reflection_slides(deck, data.reflection_questions or default_reflection_questions(q))
    _conduct(deck, data, kind, report)
    return deck.to_bytes(deck_properties(q, report, subtitle))


def bullets(deck: Deck, title: str, paras: list[Para], largest: float = BODY_SIZE) -> None:
    """Bulleted text at the body size, continued on further slides («forts.») when it does
    not fit at the smallest body size."""
    box = (MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    pages: list[list[Para]] = [[]]
    for para in [part for whole in paras for part in _split_to_fit(whole, box[2], box[3])]:
        if pages[-1] and not fits([*pages[-1], para], Emu(box[2]), Emu(box[3]), BODY_MIN):
            pages.append([])
        pages[-1].append(para)
    for before, after in zip(pages, pages[1:], strict=False):
        # A heading, or a point whose sub-points follow, goes with what it introduces.
        while len(before) > 1 and ((before[-1].bold and not before[-1].level) or before[-1].level < after[0].level):
            after.insert(0, before.pop())
    size = min(fitting_size(page, Emu(box[2]), Emu(box[3]), largest, BODY_MIN) for page in pages)
    for index, page in enumerate(pages):
        slide = deck.content_slide(title if index == 0 else f"{title} (forts.)")
        text_box(slide, box, page, size, size, name="body")



def _split_to_fit(para: Para, width: int, height: int) -> list[Para]:
    """A paragraph too long for a whole slide (an organisation's long note), split between
    words into parts that each fit; the first keeps the bullet, the rest continue it."""
    if fits([para], Emu(width), Emu(height), BODY_MIN):
        return [para]
    parts: list[Para] = []
    words = para.text.split(" ")
    while words:
        low, high = 1, len(words)
        while low < high:  # the most words that fit
            middle = (low + high + 1) // 2
            if fits([replace(para, text=" ".join(words[:middle]))], Emu(width), Emu(height), BODY_MIN):
                low = middle
            else:
                high = middle - 1
        parts.append(replace(para, text=" ".join(words[:low])))
        words = words[low:]
    return parts


def _link(report: ReportDefinition, key: str, lead: str) -> list[Para]:
    found = report.links.get(key)
    return [Para(lead, link=(found.text, found.url))] if found else []


def _about(deck: Deck, data: DeckInput, kind: hl.Kind, report: ReportDefinition) -> None:
    results = data.results
    if results.submitted == results.population:
        answered = f"Samtliga {results.population} {kind.many} har svarat på enkäten"
    else:
        answered = (f"{results.submitted} av {results.population} {kind.many} "
                    f"({round(100 * results.response_rate)} procent) har svarat på enkäten")
    bullets(deck, "Om resultatredovisningen", [
        Para(answered, 1),
        Para("Enkätresultatet redovisas i:", 1),
        Para(f"Excelfil med samtliga {kind.many}s svar", 2),
        Para(f"Powerpoint med sammanställning av {kind.the_many}s svar på nationell nivå. "
             "I dokumentet finns förslag på reflektionsfrågor.", 2),
        Para(f"Varje {kind.one} kan via sin länk se sina egna svar bredvid övriga {kind.many}s, skriva "
             "egna reflektioner och ladda ner dem", 2),
        Para("Socialstyrelsen kommer att analysera resultaten vidare, exempelvis genom kvalitativ "
             "analys av fritextsvar.", 1),
        *_link(report, "results", "Länk till webbsidan där alla resultat är publicerade:"),
        Para("Socialstyrelsen vill tacka alla som bidragit till informationsinsamlingen!", bold=True),
    ])


def _background(deck: Deck, kind: hl.Kind, report: ReportDefinition) -> None:
    if not report.background and not report.purpose:
        return
    paras = [Para("Bakgrund", bold=True), Para(report.background, 1)] if report.background else []
    if report.purpose:
        paras += [Para("Syfte", bold=True), *[Para(text, 1) for text in report.purpose]]
    paras += _link(report, "action_plan", "Länk:")
    bullets(deck, f"Bakgrund och syfte med enkäten om {kind.the_many}s patientsäkerhetsarbete", paras)


def _free_text(deck: Deck, data: DeckInput, item: Item, kind: hl.Kind) -> None:
    found = data.free_text.get(item.id)
    title = f"Exempel på {kind.the_many}s svar: {item.text}"
    if found is None or not found.themes:
        answered = found.answered if found else data.results[item.id].answered
        bullets(deck, title, [Para(hl.tidy(f"{kind.count(answered)} har lämnat ett svar på frågan. "
                                           "Svaren har ännu inte tematiserats.", kind))])
        return
    _theme_chart(deck, item, found, kind, data.results.population)
    with_quotes = [theme for theme in found.themes if theme.quotes]
    for start in range(0, len(with_quotes), 6):
        _theme_grid(deck, title, with_quotes[start:start + 6])


def _theme_chart(deck: Deck, item: Item, found: FreeText, kind: hl.Kind, population: int) -> None:
    themes = sorted(found.themes, key=lambda t: -t.count)
    top = themes[0]
    title = (f"{hl.quoted(top.name)} är det vanligaste temat: {top.count} av {found.answered} "
             f"{kind.many}s svar tar upp det")
    bars = Bars(tuple(t.name for t in themes), (("Antal svar", tuple(t.count for t in themes)),),
                maximum=max(1, population))
    slide = deck.content_slide(hl.tidy(title, kind))
    question = f"Teman i svaren på frågan: {item.text}"
    place_panels(slide, [Panel(f"themes:{item.id}", question, bars, kind.n(found.answered))],
                 "Ett svar kan ha flera teman. Teman och citat har valts av Socialstyrelsen.")


def _theme_grid(deck: Deck, title: str, themes: Sequence[ThemeSummary]) -> None:
    """Up to six themes, three per row, each a heading with its quotes."""
    slide = deck.content_slide(title)
    columns, gap = 3, Cm(0.6)
    rows = 1 if len(themes) <= 3 else 2
    width = int((SLIDE_W - 2 * MARGIN - (columns - 1) * gap) / columns)
    height = int((BODY_BOTTOM - BODY_TOP - (rows - 1) * gap) / rows)
    boxes = [(MARGIN + (index % columns) * (width + gap), BODY_TOP + (index // columns) * (height + gap),
              width, height) for index in range(len(themes))]
    texts = [[Para(theme.name, bold=True, scale=1.1),
              *[Para(hl.quoted(_whole_sentences(quote, QUOTE_LIMIT)), 1, italic=True) for quote in theme.quotes[:3]]]
             for theme in themes]
    # One type size for the whole grid (the fullest box's), so the themes read as equals.
    size = min(fitting_size(paras, Emu(width), Emu(height), 16, 12) for paras in texts)
    for theme, box, paras in zip(themes, boxes, texts, strict=True):
        text_box(slide, box, paras, size, size, name=f"theme:{theme.name}")


def _whole_sentences(quote: str, limit: int) -> str:
    """A quote as chosen by staff, or its first full sentences when it is long (never cut
    inside a sentence); a single overlong sentence is marked as shortened with «[…]»."""
    if len(quote) <= limit:
        return quote
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", quote):
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or shorten(quote, limit).removesuffix("…") + " […]"


def reflection_slides(deck: Deck, questions: Sequence[ReflectionQuestion]) -> None:
    deck.section_slide("Förslag på frågor som kan användas vid reflektion om enkätresultaten")
    paras = []
    for question in questions:
        paras.append(Para(question.stem, 1))
        paras += [Para(text, 2) for text in question.items]
    bullets(deck, "Förslag på frågor som kan användas vid reflektion om enkätresultatet", paras)


def partial_nonresponse(q: Questionnaire, results: RoundResults) -> int:
    """Main questions where some organisation left a required, applicable answer blank."""
    main_of = {}
    for section in q.sections:
        for item in section.items:
            for inner in item.walk():
                main_of[inner.id] = item.id
    affected = {main_of[f.item_id] for f in q.fields
                if f.role in (Role.MAIN, Role.FOLLOWUP) and results[f.id].not_answered}
    return len(affected)


def _count_words(k: int) -> str:
    return "en fråga" if k == 1 else f"{hl.number_word(k)} frågor"


def conduct_paras(data: DeckInput, kind: hl.Kind, report: ReportDefinition | None = None) -> list[Para]:
    report = report or report_for(data.questionnaire)
    q, results, conduct = data.questionnaire, data.results, data.conduct
    contact = report.contact or conduct.contact
    period = (f"Datasamlingen pågick under perioden {long_date(conduct.opens_on, with_year=False)} till "
              f"{long_date(conduct.closes_on)}")
    if conduct.extension_days:
        period += f" med en förlängning av {conduct.extension_days} dagar"
    rate = round(100 * results.response_rate)
    answered = f"{rate} procent ({results.submitted} st) {kind.many} har besvarat enkäten."
    missing = partial_nonresponse(q, results)
    if missing:
        answered += f" Det finns ett partiellt bortfall i {_count_words(missing)}."
    return [
        Para(conduct.distribution or f"Enkäten skickades till samtliga {results.population} {kind.many}.", 1),
        Para(period + ".", 1),
        Para(f"Enkäten består av {q.main_question_count} huvudfrågor samt {q.followup_count} följdfrågor "
             "beroende på hur respondenten svarat på huvudfrågan.", 1),
        Para(answered, 1),
        *[Para(p.text, 1, link=p.link) for p in _link(report, "questions", "Enkätfrågorna finns på")],
        Para("Vid frågor om undersökningen skriv till", link=(contact, f"mailto:{contact}")),
        *[Para(f"{more.lead}:", link=(more.text, more.url)) for more in report.read_more],
    ]


def _conduct(deck: Deck, data: DeckInput, kind: hl.Kind, report: ReportDefinition) -> None:
    deck.section_slide("Genomförande av enkäten")
    bullets(deck, "Genomförande av enkätundersökningen", conduct_paras(data, kind, report))
