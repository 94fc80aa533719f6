"""Headline titles and summary sentences written from the numbers, in the 2025 deck's style.

«19 regioner har en handlingsplan …», «Ingen region har …», «1 region har …», «I 15 av de
20 regionerna är de dokumenterade rutinerna en del av ledningssystemet». The sentence is
made from the question's own wording (a question «Har regionen som vårdgivare X?» answered
ja by 19 becomes «19 regioner har X»), so a new questionnaire year gets headlines without
code changes; a question whose wording fits no rule gets a plain, still numeric headline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from survey.aggregation.aggregate import ItemResult
from survey.questionnaire.model import Field, Item, Questionnaire

YES = "ja"
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
        """«Ingen region», «1 region», «19 regioner»."""
        if k == 0:
            return ("Ingen " if capital else "ingen ") + self.one
        return f"{k} {self.one if k == 1 else self.many}"

    def n(self, k: int) -> str:
        return f"n = {k} {self.one if k == 1 else self.many}"


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip("?").rstrip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    return f"{subject} {clause[0]} {clause[1]}" if clause else None


def _inverted(text: str, kind: Kind, count: int, n: int) -> str | None:
    """A question whose subject is not the organisation: «I 15 av de 20 regionerna är …»."""
    match = re.match(r"^([A-ZÅÄÖ][a-zåäö]+) (.+)$", _clean(text))
    if not match or match.group(1) in ("Vilka", "Vilken", "Vilket", "Hur", "När", "Var", "Vad", "På", "I"):
        return None
    verb, rest = match.group(1).lower(), match.group(2)
    if count == n and n > 1:
        return f"I samtliga {n} {kind.many} {verb} {rest}"
    if count == 0:
        return f"I ingen av de {n} {kind.the_many} {verb} {rest}"
    return f"I {count} av de {n} {kind.the_many} {verb} {rest}"


def yes_sentence(text: str, kind: Kind, result: ItemResult, code: str = YES) -> str:
    """A yes/no (or ja-first single choice) question's result as one sentence."""
    count, n = result.counts.get(code, 0), result.answered
    sentence = org_sentence(text, kind, kind.count(count)) or _inverted(text, kind, count, n)
    if sentence:
        return sentence
    return f"{count} av {n} {kind.many} svarade ja: {_clean(text)}"


def choice_sentence(f: Field, kind: Kind, result: ItemResult, main: bool) -> str:
    """«I 12 av de 20 regioner som besvarade frågan var svaret «Politisk nivå»»."""
    if not result.answered:
        return f"Ingen {kind.one} besvarade frågan"
    code, count = max(result.counts.items(), key=lambda pair: pair[1])
    who = f"de {result.answered} {kind.many} som besvarade frågan" if not main else (
        f"de {result.answered} {kind.the_many}" if result.answered > 1 else f"{kind.count(1)}")
    verb = "var" if f.type.value != "multiple" else "valdes"
    return f"I {count} av {who} {verb} svaret «{f.label_of(code)}»"


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
    """A row label without its examples: «Verksamhetsnära chefer (t ex. …)» → «Verksamhetsnära chefer»."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", label).strip()


def matrix_headline(q: Questionnaire, item: Item, rows: Sequence[tuple[str, int]]) -> str:
    """Rows of yes/no: «Rutin för X är vanligast för A, B och C» or «Mellan 12 och 15 regioner har …»."""
    kind = Kind.of(q)
    counts = [count for _, count in rows]
    match = re.match(rf"^Har {re.escape(kind.the_one)}(?: som vårdgivare)? (.+?) för följande [\wåäö]+$",
                     _clean(item.text))
    if match and rows:
        ranked = sorted(rows, key=lambda row: -row[1])
        top = [short_label(label)[:1].lower() + short_label(label)[1:] for label, _ in ranked[:3]]
        listed = ", ".join(top[:-1]) + f" och {top[-1]}" if len(top) > 1 else top[0]
        return f"{_cap(match.group(1))} är vanligast för {listed}"
    low, high = (min(counts), max(counts)) if counts else (0, 0)
    subject = kind.count(low) if low == high else f"Mellan {low} och {high} {kind.many}"
    stem = item.text.rstrip(".… ").rstrip(".")
    sentence = org_sentence(stem, kind, subject)
    if sentence:
        return sentence + " …"
    return f"{_clean(item.text).rstrip('.…')}: {low}–{high} {kind.many} svarade ja"


def list_headline(q: Questionnaire, rows: Sequence[tuple[str, int]], n: int) -> str:
    """A yes/no list (q15b): the most common answer and how many chose it."""
    kind = Kind.of(q)
    if not rows or n == 0:
        return f"Ingen {kind.one} besvarade frågan"
    best = max(count for _, count in rows)
    top = [label for label, count in rows if count == best]
    first = short_label(top[0])
    more = f" och {len(top) - 1} alternativ till" if len(top) > 1 else ""
    return f"Vanligast är «{first}»{more}: {best} av {n} {kind.many}"
