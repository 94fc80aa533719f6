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


# What can change for one answer id between two definitions, and how the pages say it.
CHANGE_FLAGS = {
    "new": "Ny fråga",
    "removed": "Borttagen fråga",
    "type": "Frågetypen har ändrats",
    "wording": "Formuleringen har ändrats",
    "codes": "Svarsalternativen har ändrats",
    "labels": "Svarsalternativens formulering har ändrats",
    "routing": "Villkoret för när frågan ställs har ändrats",
}


def change_flags(before: Questionnaire, after: Questionnaire, answer_id: str) -> tuple[str, ...]:
    """The kinds of change of ``answer_id`` (keys of ``CHANGE_FLAGS``; empty: none)."""
    if not before.has_field(answer_id):
        return ("new",)
    if not after.has_field(answer_id):
        return ("removed",)
    old, new = before.field(answer_id), after.field(answer_id)
    flags = []
    if old.type is not new.type:
        flags.append("type")
    if _wording(before, old) != _wording(after, new) or (old.row and old.label != new.label):
        flags.append("wording")
    if [c.code for c in old.codes] != [c.code for c in new.codes]:
        flags.append("codes")
    elif [c.label for c in old.codes] != [c.label for c in new.codes]:
        flags.append("labels")
    if _routing(old) != _routing(new):
        flags.append("routing")
    return tuple(flags)


def differences(before: Questionnaire, after: Questionnaire, answer_id: str) -> tuple[str, ...]:
    """Why ``answer_id`` cannot be compared between the two definitions (empty: it can)."""
    flags = change_flags(before, after, answer_id)
    if flags == ("new",):
        return (f"Frågan fanns inte {before.year}.",)
    if flags == ("removed",):
        return (f"Frågan finns inte {after.year}.",)
    reasons = {"type": "Frågetypen har ändrats.", "wording": "Frågans formulering har ändrats.",
               "codes": "Svarsalternativen har ändrats.", "labels": "Svarsalternativens formulering har ändrats.",
               "routing": "Villkoret för när frågan ställs har ändrats."}
    return tuple(reasons[flag] for flag in flags)


@dataclass(frozen=True)
class DefinitionChange:
    """One answer id that differs between two versions of a questionnaire."""

    answer_id: str
    number: str
    label: str
    flags: tuple[str, ...]

    @property
    def described(self) -> str:
        return "; ".join(CHANGE_FLAGS[flag] for flag in self.flags)


def definition_changes(before: Questionnaire, after: Questionnaire) -> list[DefinitionChange]:
    """Every answer id that is new, removed or changed, in the later version's order."""
    ids = [f.id for f in after.fields] + [f.id for f in before.fields if not after.has_field(f.id)]
    changes = []
    for answer_id in ids:
        flags = change_flags(before, after, answer_id)
        if flags:
            q = after if after.has_field(answer_id) else before
            f = q.field(answer_id)
            changes.append(DefinitionChange(answer_id, q.item(f.item_id).number or "", f.label, flags))
    return changes


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
