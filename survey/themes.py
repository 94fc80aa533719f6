"""Free-text themes: the list staff keep per round, tags on answers, the quotes on the slides.

Staff read every free-text answer (the closing question, comments, «Annat» specifications),
tag it with any of the round's themes and choose quotes. Counts per theme go to the deck and
the Excel file; a quote of the closing question goes into its theme's box on the slides, a
quote of a comment becomes the footnote of its question's slide. Also here: the deck's whole
input for a round (``national_deck_input``), since themes and quotes are most of what the
database adds to the aggregation. Service functions flush at most; the caller commits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.aggregation.aggregate import RoundData
from survey.db import Organisation, Quote, Response, Round, Theme, ThemeAssignment
from survey.errors import Refused
from survey.questionnaire.model import ItemType, Questionnaire, Role
from survey.reports.deck import Conduct, DeckInput, FreeText, ThemeSummary
from survey.reports.headlines import Kind
from survey.results import round_data

DEFAULT_THEMES = ("Ledning och styrning", "Samverkan", "Patienten som medskapare", "Uppföljning",
                  "Adekvat kunskap och kompetens", "Metoder och arbetssätt")
NAME_LIMIT = 120


class ThemeError(Refused):
    """A change staff asked for that cannot be made; the message is shown to them."""


@dataclass(frozen=True)
class Entry:
    """One free-text answer with its tags and quote, as staff see it."""

    response_id: int
    organisation: str
    organisation_name: str
    answer_id: str
    question: str
    text: str
    theme_ids: frozenset[int]
    quote: str | None
    quote_theme_id: int | None


def themes(session: Session, round_: Round) -> list[Theme]:
    return list(session.scalars(select(Theme).where(Theme.round_id == round_.id)
                                .order_by(Theme.position, Theme.id)))


def seed_default_themes(session: Session, round_: Round) -> list[Theme]:
    """2025's six themes (the national plan's headings), if the round has none yet."""
    if not themes(session, round_):
        for position, name in enumerate(DEFAULT_THEMES):
            session.add(Theme(round_id=round_.id, name=name, position=position))
        session.flush()
    return themes(session, round_)


def add_theme(session: Session, round_: Round, name: str) -> Theme:
    name = " ".join(name.split())
    if not name or len(name) > NAME_LIMIT:
        raise ThemeError(f"Ett tema behöver ett namn på högst {NAME_LIMIT} tecken.")
    existing = themes(session, round_)
    if any(theme.name.casefold() == name.casefold() for theme in existing):
        raise ThemeError(f"Temat «{name}» finns redan.")
    theme = Theme(round_id=round_.id, name=name, position=len(existing))
    session.add(theme)
    session.flush()
    return theme


def rename_theme(session: Session, theme: Theme, name: str) -> None:
    name = " ".join(name.split())
    if not name or len(name) > NAME_LIMIT:
        raise ThemeError(f"Ett tema behöver ett namn på högst {NAME_LIMIT} tecken.")
    clash = session.scalar(select(Theme).where(Theme.round_id == theme.round_id, Theme.name == name,
                                               Theme.id != theme.id))
    if clash is not None:
        raise ThemeError(f"Temat «{name}» finns redan.")
    theme.name = name
    session.flush()


def delete_theme(session: Session, theme: Theme) -> None:
    """The theme's tags go with it; quotes filed under it stay, without a theme."""
    session.delete(theme)
    session.flush()


def free_text_fields(q: Questionnaire) -> list[str]:
    return [f.id for f in q.fields if f.type is ItemType.TEXT]


def entries(session: Session, round_: Round, data: RoundData | None = None) -> list[Entry]:
    """Every submitted free-text answer of the round, in questionnaire and organisation order."""
    data = data or round_data(session, round_)
    q = data.questionnaire
    ids = dict(session.execute(select(Organisation.code, Response.id).join(Response.organisation)
                               .where(Response.round_id == round_.id)).all())
    tags: dict[tuple[int, str], set[int]] = {}
    for assignment in session.scalars(select(ThemeAssignment).join(Theme).where(Theme.round_id == round_.id)):
        tags.setdefault((assignment.response_id, assignment.answer_id), set()).add(assignment.theme_id)
    quotes = {(quote.response_id, quote.answer_id): quote
              for quote in session.scalars(select(Quote).where(Quote.round_id == round_.id))}
    found = []
    for answer_id in free_text_fields(q):
        f = q.field(answer_id)
        question = q.item(f.item_id).text if f.role is Role.MAIN else f"{q.item(f.item_id).text} – {f.label}"
        for response in data.responses:
            text = response.answers.get(answer_id)
            if response.status != "submitted" or not isinstance(text, str) or not text.strip():
                continue
            rid = ids[response.organisation.code]
            quote = quotes.get((rid, answer_id))
            found.append(Entry(rid, response.organisation.code, response.organisation.name, answer_id,
                               question, text, frozenset(tags.get((rid, answer_id), ())),
                               quote.text if quote else None, quote.theme_id if quote else None))
    return found


def set_themes(session: Session, round_: Round, response_id: int, answer_id: str,
               theme_ids: set[int], actor: str) -> None:
    """Make the answer's tags exactly ``theme_ids`` (themes of this round only)."""
    valid = {theme.id for theme in themes(session, round_)}
    if theme_ids - valid:
        raise ThemeError("Okänt tema.")
    current = {a.theme_id: a for a in session.scalars(select(ThemeAssignment).where(
        ThemeAssignment.response_id == response_id, ThemeAssignment.answer_id == answer_id))}
    for theme_id, assignment in current.items():
        if theme_id not in theme_ids:
            session.delete(assignment)
    for theme_id in theme_ids - set(current):
        session.add(ThemeAssignment(theme_id=theme_id, response_id=response_id, answer_id=answer_id,
                                    assigned_by=actor))
    session.flush()


def choose_quote(session: Session, round_: Round, response_id: int, answer_id: str, text: str,
                 theme_id: int | None, actor: str) -> None:
    """Put the answer (or the excerpt ``text`` staff cut from it) on the slides; empty: remove."""
    found = session.scalar(select(Quote).where(Quote.response_id == response_id, Quote.answer_id == answer_id))
    text = " ".join(text.split())
    if not text:
        if found is not None:
            session.delete(found)
        session.flush()
        return
    if theme_id is not None and theme_id not in {theme.id for theme in themes(session, round_)}:
        raise ThemeError("Okänt tema.")
    if found is None:
        session.add(Quote(round_id=round_.id, response_id=response_id, answer_id=answer_id, text=text,
                          theme_id=theme_id, chosen_by=actor))
    else:
        found.text, found.theme_id, found.chosen_by = text, theme_id, actor
    session.flush()


def theme_counts(listed: list[Entry], theme_list: list[Theme]) -> dict[str, list[tuple[str, int]]]:
    """Per free-text answer id: each theme's number of answers (zeros included)."""
    result = {}
    for answer_id in dict.fromkeys(entry.answer_id for entry in listed):
        counter = Counter(theme_id for entry in listed if entry.answer_id == answer_id
                          for theme_id in entry.theme_ids)
        result[answer_id] = [(theme.name, counter.get(theme.id, 0)) for theme in theme_list]
    return result


def national_deck_input(session: Session, round_: Round) -> DeckInput:
    from survey.reflection import published_questions

    data = round_data(session, round_)
    q, results = data.questionnaire, data.results()
    theme_list = themes(session, round_)
    listed = entries(session, round_, data)
    names = {theme.id: theme.name for theme in theme_list}
    free_text: dict[str, FreeText] = {}
    footnotes: dict[str, tuple[str, ...]] = {}
    for answer_id in free_text_fields(q):
        f = q.field(answer_id)
        mine = [entry for entry in listed if entry.answer_id == answer_id]
        if f.role is Role.MAIN:
            free_text[answer_id] = FreeText(answer_id, len(mine), tuple(
                ThemeSummary(theme.name, sum(theme.id in e.theme_ids for e in mine),
                             tuple(e.quote for e in mine if e.quote and e.quote_theme_id == theme.id))
                for theme in theme_list) + _unthemed(mine, names))
        else:
            quotes = tuple(e.quote for e in mine if e.quote)
            if quotes:
                footnotes[f.item_id] = footnotes.get(f.item_id, ()) + quotes
    return DeckInput(q, results, _conduct(data), free_text, footnotes, published_questions(session, round_))


def _unthemed(mine: list[Entry], names: dict[int, str]) -> tuple[ThemeSummary, ...]:
    loose = tuple(e.quote for e in mine if e.quote and e.quote_theme_id not in names)
    return (ThemeSummary("Övrigt", 0, loose),) if loose else ()


def _conduct(data: RoundData) -> Conduct:
    q, info = data.questionnaire, data.info
    kind = Kind.of(q)
    whole_round = [ext for ext in info.extensions if not ext.organisation]
    extension = max((ext.days for ext in whole_round), default=0)
    who = q.terms.get("ansvarig")
    distribution = (f"Enkäten skickades till samtliga {kind.many} via {kind.of_the_one} registrator med "
                    f"vidarebefordran till {who} (målobjekten)." if who else None)
    return Conduct(info.opens_on, info.closes_on, extension, distribution)
