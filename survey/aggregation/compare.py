"""Year over year: two rounds of one questionnaire family, compared per answer id.

Pure (no Flask, no database). An answer id is comparable only when both definitions ask the
same thing in the same way: the same type, the same question wording (the item's text and,
for a matrix row or follow-up, the row's label), the same codes with the same labels, and the
same routing. Anything else is flagged with the reason, never silently compared: a «Ja» to a
reworded question is not the same «Ja».
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from survey.aggregation.aggregate import ItemResult, RoundResults
from survey.questionnaire import conditions as cond
from survey.questionnaire.model import Field, Questionnaire, Role
from survey.questionnaire.values import Value

COMPARED_ROLES = (Role.MAIN, Role.FOLLOWUP)


@dataclass(frozen=True)
class ItemComparison:
    answer_id: str
    comparable: bool
    reasons: tuple[str, ...]  # why not (Swedish, for the pages)
    before: ItemResult | None
    after: ItemResult | None

    def change(self, code: str) -> int | None:
        """Change in the count of ``code`` (None when not comparable)."""
        if not self.comparable or self.before is None or self.after is None:
            return None
        return self.after.counts.get(code, 0) - self.before.counts.get(code, 0)


@dataclass(frozen=True)
class Comparison:
    before_id: str
    after_id: str
    before_year: int
    after_year: int
    items: dict[str, ItemComparison]

    def __getitem__(self, answer_id: str) -> ItemComparison:
        return self.items[answer_id]

    @property
    def not_comparable(self) -> list[ItemComparison]:
        return [item for item in self.items.values() if not item.comparable]


def _wording(q: Questionnaire, f: Field) -> str:
    return q.item(f.item_id).text


def differences(before: Questionnaire, after: Questionnaire, answer_id: str) -> tuple[str, ...]:
    """Why ``answer_id`` cannot be compared between the two definitions (empty: it can)."""
    if not before.has_field(answer_id):
        return (f"Frågan fanns inte {before.year}.",)
    if not after.has_field(answer_id):
        return (f"Frågan finns inte {after.year}.",)
    old, new = before.field(answer_id), after.field(answer_id)
    reasons = []
    if old.type is not new.type:
        reasons.append("Frågetypen har ändrats.")
    if _wording(before, old) != _wording(after, new) or (old.row and old.label != new.label):
        reasons.append("Frågans formulering har ändrats.")
    if [c.code for c in old.codes] != [c.code for c in new.codes]:
        reasons.append("Svarsalternativen har ändrats.")
    elif [c.label for c in old.codes] != [c.label for c in new.codes]:
        reasons.append("Svarsalternativens formulering har ändrats.")
    if _routing(old) != _routing(new):
        reasons.append("Villkoret för när frågan ställs har ändrats.")
    return tuple(reasons)


def _routing(f: Field) -> tuple[str | None, str | None]:
    return f.gate, cond.to_text(f.condition) if f.condition is not None else None


def same_family(before: Questionnaire, after: Questionnaire) -> bool:
    return before.family == after.family and before.respondent_kind == after.respondent_kind


def compare(before: Questionnaire, before_results: RoundResults, after: Questionnaire,
            after_results: RoundResults) -> Comparison:
    """National (or any group's) results of two rounds, per answer id of the later definition
    and every answer id the earlier one had that the later one dropped."""
    if not same_family(before, after):
        raise ValueError(f"{before.id} and {after.id} are not the same questionnaire family and kind")
    ids = [f.id for f in after.fields if f.role in COMPARED_ROLES and f.codes]
    ids += [f.id for f in before.fields if f.role in COMPARED_ROLES and f.codes and not after.has_field(f.id)]
    items = {}
    for answer_id in ids:
        reasons = differences(before, after, answer_id)
        items[answer_id] = ItemComparison(answer_id, not reasons, reasons,
                                          before_results.items.get(answer_id), after_results.items.get(answer_id))
    return Comparison(before.id, after.id, before.year, after.year, items)


@dataclass(frozen=True)
class OwnChange:
    """One organisation's answer to one answer id in both years."""

    answer_id: str
    comparable: bool
    before: Value
    after: Value
    reasons: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.comparable and self.before != self.after


def compare_own(comparison: Comparison, before: Mapping[str, Value],
                after: Mapping[str, Value]) -> dict[str, OwnChange]:
    """An organisation's answers side by side (its effective answers of each round)."""
    return {aid: OwnChange(aid, item.comparable, before.get(aid), after.get(aid), item.reasons)
            for aid, item in comparison.items.items()}
