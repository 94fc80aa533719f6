"""Headline titles and summary sentences written from the numbers, in the 2025 deck's style.

«19 regioner har en handlingsplan …», «Ingen region har …», «Tre regioner har …», «I 15 av
de 20 regionerna är de dokumenterade rutinerna en del av ledningssystemet». The sentence is
made from the question's own wording (a question «Har regionen som vårdgivare X?» answered
ja by 19 becomes «19 regioner har X»), so a new questionnaire year gets headlines without
code changes; the report definition may give a better one per item (``headlines:``).

Every function returns complete sentences, best first (``options``): a caller that has too
little room takes a shorter full sentence, never a cut one. ``tidy`` makes the Swedish right
whatever the numbers: the noun agrees with its number, and a number of at most twelve that
starts a sentence is written as a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey.aggregation.aggregate import ItemResult
from survey.questionnaire.model import Field, Item, ItemType, Questionnaire
from survey.reports.definition import fill

YES = "ja"
WORDS = ("ingen", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")
_ORG_VERBS = ("Har", "Mäter", "Genomför", "Bedömer", "Använder", "Arbetar", "Erbjuder", "Följer",
              "Tillämpar", "Gör", "Tar")


@dataclass(frozen=True)
class Kind:
    """The respondent kind's words: region/regioner/regionerna, kommun/kommuner/kommunerna."""

    one: str
    many: str
    the_many: str
    the_one: str
    of_the_one: str

    @classmethod
    def of(cls, q: Questionnaire) -> Kind:
        t = q.terms
        base = "region" if q.respondent_kind == "region" else "kommun"
        return cls(t.get("organisation", base), t.get("organisationer", base + "er"),
                   t.get("organisationerna", base + "erna"), t.get("organisationen", base + "en"),
                   t.get("organisationens", base + "ens"))

    def count(self, k: int, capital: bool = True) -> str:
        """«Ingen region», «1 region», «19 regioner» (``tidy`` words a sentence's first number)."""
        if k == 0:
            return ("Ingen " if capital else "ingen ") + self.one
        return f"{k} {self.noun(k)}"

    def noun(self, k: int) -> str:
        return self.one if k == 1 else self.many

    def n(self, k: int) -> str:
        return f"n = {k} {self.noun(k)}"

    def of_n(self, n: int, who: str = "besvarade frågan") -> str:
        """«de 20 regioner som besvarade frågan», «den enda region som besvarade frågan»."""
        return f"den enda {self.one} som {who}" if n == 1 else f"de {n} {self.many} som {who}"


def number_word(k: int) -> str:
    return WORDS[k] if 0 <= k < len(WORDS) else str(k)


def tidy(text: str, kind: Kind) -> str:
    """Agreement and number words, whatever numbers were filled in."""
    one, many, the_many = map(re.escape, (kind.one, kind.many, kind.the_many))
    text = re.sub(rf"\b([Dd])e 1 {the_many}\b", lambda m: f"{m.group(1)}en enda {kind.the_one}", text)
    text = re.sub(rf"\b([Dd])e 1 (?:{many}|{one})\b", lambda m: f"{m.group(1)}en enda {kind.one}", text)
    text = re.sub(rf"\b(\d+) (?:{many}|{one})\b(?!\w)", lambda m: f"{m.group(1)} {kind.noun(int(m.group(1)))}",
                  text)
    text = re.sub(rf"(?<![\d,])\b0 (?:{many}|{one})\b(?!\w)", f"ingen {kind.one}", text)
    text = re.sub(r"(?<![\d,])\b0 av\b", "ingen av", text)

    def word(match: re.Match[str]) -> str:
        k = int(match.group(1))
        return _cap(number_word(k)) + " " if k <= 12 else match.group(0)

    text = re.sub(r"^(\d+) ", word, text)
    return _cap(text)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip("?").rstrip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def quoted(text: str) -> str:
    """Swedish quotation marks: ”Politisk nivå”."""
    return f"\u201d{text}\u201d"


def answer_words(labels: Sequence[str]) -> str:
    """Answers as they stand in a sentence: Ja and Nej as words, every other option quoted, so
    a label that opens with a capital reads as a quotation («Ni svarade ”I fler än hälften av
    alla verksamheter”», not «Ni svarade I fler än …»)."""
    return " och ".join(label if label in ("Ja", "Nej") else quoted(label) for label in labels)


def listing(parts: Sequence[str]) -> str:
    """«a, b och c»."""
    return ", ".join(parts[:-1]) + f" och {parts[-1]}" if len(parts) > 1 else "".join(parts)


def _org_clause(text: str, kind: Kind) -> tuple[str, str] | None:
    """«Har regionen som vårdgivare X?» → ("har", "X"); None if the question is not of that form."""
    verbs = "|".join(_ORG_VERBS)
    match = re.match(rf"^({verbs}) {re.escape(kind.the_one)}(?: som vårdgivare)? (.+)$", _clean(text))
    if match:
        return match.group(1).lower(), match.group(2)
    match = re.match(r"^Finns det (en|ett) (.+)$", _clean(text))
    if match:
        rest = match.group(2).replace(f" för {kind.of_the_one} ", " för sin ")
        return "har", f"{match.group(1)} {rest}"
    return None


def org_sentence(text: str, kind: Kind, subject: str) -> str | None:
    """The question turned into a statement with ``subject``: «19 regioner har X»."""
    clause = _org_clause(text, kind)
    return tidy(f"{subject} {clause[0]} {clause[1]}", kind) if clause else None


_SUBJECT = re.compile(r"^(Är|Anger|Används|Ingår|Omfattar|Beskriver) ((?:de|den|det) (?:\S+ )?\S+(?:na|en|et)) (.+)$")


def _inverted(text: str, kind: Kind, count: int, n: int) -> str | None:
    """A question whose subject is not the organisation: «I 15 av de 20 regionerna är …»."""
    match = re.match(r"^([A-ZÅÄÖ][a-zåäö]+) (.+)$", _clean(text))
    if not match or match.group(1) in ("Vilka", "Vilken", "Vilket", "Hur", "När", "Var", "Vad", "På", "I"):
        return None
    verb, rest = match.group(1).lower(), match.group(2)
    if n == 1:
        subject = _SUBJECT.match(_clean(text))
        if count == 1:
            return f"I den enda {kind.one} som besvarade frågan {verb} {rest}"
        if subject:
            return f"I den enda {kind.one} som besvarade frågan {verb} {subject.group(2)} inte {subject.group(3)}"
        return None
    if count == n:
        return f"I samtliga {n} {kind.many} som besvarade frågan {verb} {rest}"
    if count == 0:
        return f"I ingen av de {n} {kind.the_many} {verb} {rest}"
    return f"I {count} av de {n} {kind.the_many} {verb} {rest}"


def yes_sentence(text: str, kind: Kind, result: ItemResult, code: str = YES) -> str:
    """A yes/no (or ja-first single choice) question's result as one sentence."""
    count, n = result.counts.get(code, 0), result.answered
    sentence = org_sentence(text, kind, kind.count(count)) or _inverted(text, kind, count, n)
    if sentence:
        return tidy(sentence, kind)
    return tidy(f"{count} av {n} {kind.many} svarade ja på frågan", kind)


def choice_sentence(f: Field, kind: Kind, result: ItemResult, main: bool) -> str:
    """«12 av de 20 regioner som besvarade frågan svarade ”Politisk nivå”»."""
    if not result.answered:
        return f"Ingen {kind.one} besvarade frågan"
    code, count = max(result.counts.items(), key=lambda pair: pair[1])
    verb = "valde" if f.type is ItemType.MULTIPLE else "svarade"
    n = result.answered
    who = f"av {n} {kind.many}" if main and n > 1 else "av " + kind.of_n(n)
    if n == 1:
        return tidy(f"Den enda {kind.one} som besvarade frågan {verb} {quoted(f.label_of(code))}", kind)
    return tidy(f"{count} {who} {verb} {quoted(f.label_of(code))}", kind)


def own_answer(kind: Kind, labels: str, same: int, n: int) -> str:
    """«Ni svarade Nej. Det gjorde 7 av 21 regioner.» (no sentence starts with a digit)."""
    return tidy(f"Ni svarade {labels}. Det gjorde {same} av {n} {kind.many}.", kind)


def override(q: Questionnaire, item: Item, text: str, results: Mapping[str, ItemResult]) -> str:
    """A headline from the report definition with its numbers filled in: {n}, {<code>} (the
    count of that answer) and, for an item with rows, {mellan} («Mellan 13 och 14 regioner»)."""
    kind = Kind.of(q)
    fields = [f for f in q.fields_of_item(item.id) if f.id in results]
    numbers: dict[str, int | str] = {}
    if fields:
        main = results[fields[0].id]
        numbers["n"] = max(results[f.id].answered for f in fields)
        numbers.update({code: main.counts.get(code, 0) for code in fields[0].code_set})
        yes = [results[f.id].counts.get(YES, 0) for f in fields]
        low, high = min(yes), max(yes)
        numbers["mellan"] = kind.count(low) if low == high else f"Mellan {low} och {high} {kind.many}"
    return tidy(fill(text, q, numbers), kind)


def question_headline(q: Questionnaire, item: Item, result: ItemResult) -> str:
    """The title of a single question's slide."""
    kind = Kind.of(q)
    f = q.field(item.id)
    if YES in f.code_set:
        return yes_sentence(item.text, kind, result)
    if f.codes:
        return choice_sentence(f, kind, result, main=item.parent_id is None)
    return _cap(_clean(item.text))


def short_label(label: str) -> str:
    """A row label without its examples: «Verksamhetsnära chefer (t ex. …)» → «Verksamhetsnära chefer»,
    also when the examples hold parentheses of their own («… (t.ex. medicinskt ansvarig
    sjuksköterska (MAS), … (MAR))»)."""
    text = label.rstrip()
    if not text.endswith(")"):
        return text.strip()
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            return text[:index].strip() or text.strip()
    return text.strip()  # unbalanced: keep the label as written


def _continued(text: str) -> bool:
    return bool(re.search(r"(\.\.\.|…|\.)\s*$", text.strip()))


def _row_phrase(label: str) -> str:
    """«...hur anpassning … ska hanteras?» → «hur anpassning … ska hanteras»."""
    phrase = re.sub(r"^[.…\s]+", "", label).rstrip("?. ")
    return phrase[:1].lower() + phrase[1:]


def matrix_headlines(q: Questionnaire, item: Item, rows: Sequence[tuple[str, int]]) -> list[str]:
    """Rows of yes/no, best first: «Rutin för X är vanligast för A, B och C», «Mellan 12 och 15
    regioner har rutiner för a, b och c», and a short full sentence when those are too long."""
    kind = Kind.of(q)
    counts = [count for _, count in rows]
    match = re.match(rf"^Har {re.escape(kind.the_one)}(?: som vårdgivare)? (.+?) för följande [\wåäö]+$",
                     _clean(item.text))
    if match and rows:
        ranked = sorted(rows, key=lambda row: -row[1])
        top = [short_label(label)[:1].lower() + short_label(label)[1:] for label, _ in ranked[:3]]
        return [f"{_cap(match.group(1))} är vanligast för {listing(top[:k])}" for k in (3, 2, 1) if k <= len(top)]
    low, high = (min(counts), max(counts)) if counts else (0, 0)
    subject = kind.count(low) if low == high else f"Mellan {low} och {high} {kind.many}"
    options = []
    if _continued(item.text):
        stem = re.sub(r"[.…\s]+$", "", item.text.strip())
        sentence = org_sentence(f"{stem} {listing([_row_phrase(label) for label, _ in rows])}", kind, subject)
        if sentence:
            options.append(sentence)
    else:
        sentence = org_sentence(item.text, kind, subject)
        if sentence:
            options.append(sentence)
    number = item.number or item.id
    if low == high:
        every = "båda delfrågorna" if len(rows) == 2 else f"var och en av de {number_word(len(rows))} delfrågorna"
        options.append(tidy(f"{subject} svarade ja på {every} i fråga {number}", kind))
    else:  # «Mellan 15 och 16 regioner svarade ja på båda» would say that some said ja to both
        each = ", ".join(str(count) for count in counts[:-1]) + f" respektive {counts[-1]}"
        options.append(tidy(f"I fråga {number} svarade {each} {kind.many} ja på de "
                            f"{number_word(len(rows))} delfrågorna", kind))
    return options


def matrix_headline(q: Questionnaire, item: Item, rows: Sequence[tuple[str, int]]) -> str:
    return matrix_headlines(q, item, rows)[0]


def list_headlines(q: Questionnaire, rows: Sequence[tuple[str, int]], n: int) -> list[str]:
    """A yes/no list (q15b): the most common answers and how many chose them, best first."""
    kind = Kind.of(q)
    if not rows or n == 0:
        return [f"Ingen {kind.one} besvarade frågan"]
    best = max(count for _, count in rows)
    top = [short_label(label) for label, count in rows if count == best]
    who = f"Samtliga {n} {kind.many} som besvarade frågan" if n > 1 else _cap(kind.of_n(n))
    if best == n and len(top) > 1:
        return [tidy(f"{who} svarade ja på {number_word(len(top))} av de {number_word(len(rows))} alternativen",
                     kind)]
    if best == n:
        return [tidy(f"{who} svarade ja på {quoted(top[0])}", kind), tidy(f"{who} svarade ja på ett alternativ", kind)]
    if len(top) > 1:
        return [tidy(f"{_cap(number_word(len(top)))} alternativ är vanligast: {best} av {n} {kind.many} "
                     "svarade ja på vart och ett", kind)]
    return [tidy(f"{quoted(top[0])} är vanligast: {best} av {n} {kind.many} svarade ja", kind),
            tidy(f"Det vanligaste alternativet fick ja av {best} av {n} {kind.many}", kind)]


def list_headline(q: Questionnaire, rows: Sequence[tuple[str, int]], n: int) -> str:
    return list_headlines(q, rows, n)[0]
