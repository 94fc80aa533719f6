"""The national results deck, as Socialstyrelsen publishes it, built in seconds.

``build_national_deck(DeckInput) -> bytes``: plain data in (the questionnaire, the one
aggregation's results, how the round was run, themes and chosen quotes, reflection
questions), a .pptx out. Slides, in the order of the 2025 deck: title; about the results;
background and purpose; summary; per section a divider and one slide per question with native
charts; free-text examples by theme; reflection questions; «Genomförande av enkäten». Every
number comes from ``RoundResults``; the wording follows the respondent kind's terms.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.util import Cm

from exports.pptx_charts import Panel, place_panels
from exports.pptx_common import (
    BODY_BOTTOM,
    BODY_TOP,
    MARGIN,
    SLIDE_W,
    Bars,
    Deck,
    Para,
    fits,
    fitting_size,
    shorten,
    text_box,
)
from exports.pptx_plan import Plan, question_slides, render
from survey.aggregation.aggregate import RoundResults
from survey.formatting import long_date
from survey.questionnaire.model import Item, ItemType, Questionnaire, Role
from survey.reports import headlines as hl
from survey.reports.deck import DeckInput, FreeText, ReflectionQuestion, ThemeSummary, default_reflection_questions

BACKGROUND = ("Regeringen har gett i uppdrag till Socialstyrelsen att ansvara för uppdatering av den "
              "nationella handlingsplanen och fortsätta samordna och förstärka det nationella arbetet "
              "på patientsäkerhetsområdet")
PURPOSE = ("Att genom årlig uppföljning få en bild av hur regioner och kommuner skapat förutsättningar "
           "för ett proaktivt och systematiskt patientsäkerhetsarbete",
           "Att ge underlag för det fortsatta nationella arbetet att stödja regioners och kommuners "
           "systematiska patientsäkerhetsarbete")
QUOTE_LIMIT = 220


def deck_title(q: Questionnaire) -> str:
    """«Uppföljning av regionernas patientsäkerhetsarbete» (the year goes in the subtitle)."""
    return q.title.removesuffix(str(q.year)).strip()


def build_national_deck(data: DeckInput) -> bytes:
    deck = Deck()
    q, kind = data.questionnaire, hl.Kind.of(data.questionnaire)
    deck.title_slide(deck_title(q), f"Resultatredovisning av enkätundersökning {q.year}")
    _about(deck, data, kind)
    _background(deck, kind)
    deck.section_slide("Redovisning av resultat")
    _summary(deck, data)
    plan = Plan(q, data.results, data.footnotes)
    for section in q.sections:
        deck.section_slide(section.title)
        for item in section.items:
            for spec in question_slides(plan, item):
                render(deck, spec)
            if item.type is ItemType.TEXT:
                _free_text(deck, data, item, kind)
    reflection_slides(deck, data.reflection_questions or default_reflection_questions(q))
    _conduct(deck, data, kind)
    return deck.to_bytes()


def _bullets(deck: Deck, title: str, paras: list[Para], largest: float = 22, smallest: float = 12) -> None:
    """Bulleted text, continued on further slides («forts.») when it does not fit at ``smallest``."""
    box = (MARGIN, BODY_TOP, SLIDE_W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    pages: list[list[Para]] = [[]]
    for para in paras:
        if pages[-1] and not fits([*pages[-1], para], box[2], box[3], smallest):
            pages.append([])
        pages[-1].append(para)
    for index, page in enumerate(pages):
        slide = deck.content_slide(title if index == 0 else f"{title} (forts.)")
        text_box(slide, box, page, largest, min(11, smallest), name="body")


def _about(deck: Deck, data: DeckInput, kind: hl.Kind) -> None:
    results = data.results
    if results.submitted == results.population:
        answered = f"Samtliga {results.population} {kind.many} har svarat på enkäten"
    else:
        answered = (f"{results.submitted} av {results.population} {kind.many} "
                    f"({round(100 * results.response_rate)} procent) har svarat på enkäten")
    _bullets(deck, "Om resultatredovisningen", [
        Para(answered, 1),
        Para("Enkätresultatet redovisas i:", 1),
        Para(f"Excelfil med samtliga {kind.many}s svar", 2),
        Para(f"Powerpoint med sammanställning av {kind.the_many}s svar på nationell nivå. "
             "I dokumentet finns förslag på reflektionsfrågor.", 2),
        Para(f"Varje {kind.one} kan via sin länk se sina egna svar bredvid övriga {kind.many}s, skriva "
             "egna reflektioner och ladda ner dem", 2),
        Para("Socialstyrelsen kommer att analysera resultaten vidare, exempelvis genom kvalitativ "
             "analys av fritextsvar.", 1),
        Para("Socialstyrelsen vill tacka alla som bidragit till informationsinsamlingen!", bold=True),
    ])


def _background(deck: Deck, kind: hl.Kind) -> None:
    _bullets(deck, f"Bakgrund och syfte med enkäten om {kind.the_many}s patientsäkerhetsarbete", [
        Para("Bakgrund", bold=True), Para(BACKGROUND, 1),
        Para("Syfte", bold=True), *[Para(text, 1) for text in PURPOSE],
    ])


def summary_sentences(q: Questionnaire, results: RoundResults) -> list[str]:
    """One sentence group per main question, from the same headlines as the slides."""
    kind = hl.Kind.of(q)
    sentences = []
    for item in (item for section in q.sections for item in section.items):
        if item.type in (ItemType.TEXT, ItemType.NUMBER, ItemType.DATE):
            continue
        if item.has_rows:
            rows = [f for f in q.fields_of_item(item.id) if f.role is Role.MAIN]
            first = hl.matrix_headline(q, item, [(f.label, results[f.id].counts.get(hl.YES, 0)) for f in rows])
            sentences.append(first.rstrip(" …") + ".")
            continue
        parts = [hl.question_headline(q, item, results[item.id])]
        for follow in item.followups:
            if follow.per_row or follow.has_rows or not q.has_field(follow.id):
                continue
            f = q.field(follow.id)
            if hl.YES in f.code_set:
                parts.append(hl.yes_sentence(follow.text, kind, results[f.id]))
            elif f.codes:
                parts.append(hl.choice_sentence(f, kind, results[f.id], main=False))
        sentences.append(". ".join(parts) + ".")
    return sentences


def _summary(deck: Deck, data: DeckInput) -> None:
    box_w, box_h = SLIDE_W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP
    pages: list[list[Para]] = [[]]
    for sentence in summary_sentences(data.questionnaire, data.results):
        para = Para(sentence, 1)
        if pages[-1] and not fits([*pages[-1], para], box_w, box_h, 14):
            pages.append([])
        pages[-1].append(para)
    for index, paras in enumerate(pages, start=1):
        slide = deck.content_slide(f"Sammanfattning av enkätens resultat {index} ({len(pages)})")
        size = fitting_size(paras, box_w, box_h, 16, 14)
        text_box(slide, (MARGIN, BODY_TOP, box_w, box_h), paras, size, 11, name="body")


def _free_text(deck: Deck, data: DeckInput, item: Item, kind: hl.Kind) -> None:
    found = data.free_text.get(item.id)
    title = f"Exempel på {kind.the_many}s svar: {item.text}"
    if found is None or not found.themes:
        answered = found.answered if found else data.results[item.id].answered
        _bullets(deck, title, [Para(f"{kind.count(answered)} har lämnat ett svar på frågan. "
                                    "Svaren har ännu inte tematiserats.")])
        return
    _theme_chart(deck, item, found, kind)
    with_quotes = [theme for theme in found.themes if theme.quotes]
    for start in range(0, len(with_quotes), 6):
        _theme_grid(deck, title, with_quotes[start:start + 6])


def _theme_chart(deck: Deck, item: Item, found: FreeText, kind: hl.Kind) -> None:
    themes = sorted(found.themes, key=lambda t: -t.count)
    top = themes[0]
    title = (f"«{top.name}» är det vanligaste temat: {top.count} av {found.answered} "
             f"{kind.many}s svar tar upp det")
    bars = Bars(tuple(t.name for t in themes), (("Antal svar", tuple(t.count for t in themes)),),
                maximum=max(1, found.answered))
    slide = deck.content_slide(title)
    question = f"Teman i svaren på frågan: {item.text}"
    place_panels(slide, [Panel(f"themes:{item.id}", question, bars, kind.n(found.answered))],
                 "Ett svar kan ha flera teman. Teman och citat har valts av Socialstyrelsen.")


def _theme_grid(deck: Deck, title: str, themes: Sequence[ThemeSummary]) -> None:
    """Up to six themes, three per row, each a heading with its quotes."""
    slide = deck.content_slide(title, largest=22)
    columns, gap = 3, Cm(0.6)
    rows = 1 if len(themes) <= 3 else 2
    width = int((SLIDE_W - 2 * MARGIN - (columns - 1) * gap) / columns)
    height = int((BODY_BOTTOM - BODY_TOP - (rows - 1) * gap) / rows)
    for index, theme in enumerate(themes):
        left = MARGIN + (index % columns) * (width + gap)
        top = BODY_TOP + (index // columns) * (height + gap)
        paras = [Para(theme.name, bold=True, scale=1.1)]
        paras += [Para(f"«{shorten(quote, QUOTE_LIMIT)}»", 1, italic=True) for quote in theme.quotes[:3]]
        text_box(slide, (left, top, width, height), paras, 16, 9, name=f"theme:{theme.name}")


def reflection_slides(deck: Deck, questions: Sequence[ReflectionQuestion]) -> None:
    deck.section_slide("Förslag på frågor som kan användas vid reflektion om enkätresultaten")
    paras = []
    for question in questions:
        paras.append(Para(question.stem, 1, bold=not question.items))
        paras += [Para(text, 2) for text in question.items]
    _bullets(deck, "Förslag på frågor som kan användas vid reflektion om enkätresultatet", paras, 24)


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
    return "en fråga" if k == 1 else f"{k} frågor"


def conduct_paras(data: DeckInput, kind: hl.Kind) -> list[Para]:
    q, results, conduct = data.questionnaire, data.results, data.conduct
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
        Para(f"Vid frågor om undersökningen skriv till {conduct.contact}"),
    ]


def _conduct(deck: Deck, data: DeckInput, kind: hl.Kind) -> None:
    deck.section_slide("Genomförande av enkäten")
    _bullets(deck, "Genomförande av enkätundersökningen", conduct_paras(data, kind))
