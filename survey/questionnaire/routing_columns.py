"""Routing of many responses at once: for each field, which responses it applies to.

Why this exists: the SPSS and Stata files (``exports.stats``) must cost at most 1.5 times
pyreadstat writing the same table bare (issue 13, ``bench/bench_xlsx.py``), and routing every
one of 100,000 responses field by field through ``routing.route`` cost several times the write
itself. This module walks the same fields in the same order, but each step handles one field
for all responses with numpy: a gate is a mask, a comparison an elementwise equality.

One semantics, two evaluation orders: ``routing.route`` is the definition (one response, field
by field); this is the same rule over columns, and ``tests/test_routing_columns.py`` proves the
two equal on hypothesis-generated questionnaires and hostile answers (lists, blanks, numbers
with a comma, dates, «NaN»-like text). Only the plain case is vectorised (a column holding
texts and nothing else, and ``=``, ``!=``, ``in``); anything else (a list of options, an
ordering, a value of another type) calls the very comparison the scalar walk calls
(``conditions.compiled_comparison``), one value at a time.

A field with options is read as a ``Factor`` where it can be: each answer one byte, the index
of its option (or of a blank), so a condition compares bytes and the files take codes from a
table (no second pass over the values). A column holding anything else (a list, another text,
a number) is no factor, and is read and compared as values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import compress, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from survey.questionnaire import conditions as cond
from survey.questionnaire.model import ItemType, Questionnaire

Mask = npt.NDArray[np.bool_]
Values = npt.NDArray[np.object_]
_PLAIN = frozenset({str, type(None)})
BLANK_LEVELS: tuple[None, str] = (None, "")  # the blanks that are no list (conditions.is_blank)
MAX_LEVELS = 255  # a level is one byte, and byte 255 marks a value that is none
_NONE = bytes([MAX_LEVELS])


@dataclass(frozen=True)
class Factor:
    """A field's answers as small integers: ``codes[i]`` is the index in ``levels`` of response
    ``i``'s answer; ``levels`` are the field's options in order, then ``None`` and ``""``."""

    levels: tuple[str | None, ...]
    codes: npt.NDArray[np.uint8]

    @property
    def options(self) -> int:
        return len(self.levels) - len(BLANK_LEVELS)

    def blank(self) -> Mask:
        return self.codes >= self.options

    def equal(self, target: str) -> Mask:
        """Where the answer is ``target`` (an option; no answer is any other text)."""
        try:
            level = self.levels.index(target, 0, self.options)
        except ValueError:
            return np.zeros(len(self.codes), dtype=bool)
        found: Mask = self.codes == level
        return found

    def values(self) -> Values:
        levels = np.empty(len(self.levels), dtype=object)
        levels[:] = self.levels
        found: Values = levels[self.codes]
        return found


class _Levels(dict[object, bytes]):
    """An option or blank → its level as one byte; any other value → ``_NONE`` (one call each)."""

    def __missing__(self, key: object) -> bytes:
        return _NONE


class AnswerColumns(Mapping[str, Values]):
    """The answers of each id across the responses (``None`` where a response has none), read
    a column at a time when first asked for: routing reads only the fields its conditions
    name, and a caller that needs a field only where it applies reads just those responses
    (``read``).

    A column is one pass of C calls (``dict.get`` over the responses). At 100,000 responses
    this was faster than one table of every response's answers read a row at a time (also
    with ``{**template, **answers}``) and cut into columns. Answers that are no ``dict`` are
    read through their own ``get``. A field given ``options`` can also be read as a
    ``Factor`` (``factor``): one byte per answer, from one more dictionary pass, instead of a
    column of values and then a comparison per target and a code lookup per answer.
    """

    def __init__(self, ids: Sequence[str], answers: Sequence[Mapping[str, cond.Value]],
                 options: Mapping[str, Sequence[str]] | None = None) -> None:
        self.ids, self.answers = list(ids), list(answers)
        self._dicts = all(isinstance(a, dict) for a in self.answers)
        self._arrays: dict[str, Values] = {}
        self._levels = {fid: (*codes, *BLANK_LEVELS) for fid, codes in (options or {}).items()
                        if fid in self.ids and len(codes) + len(BLANK_LEVELS) < MAX_LEVELS}
        self._factors: dict[str, tuple[Mask | None, Factor | None]] = {}  # the first read: where, and what
        self._last_selection: tuple[bytes, list[Mapping[str, cond.Value]]] = (b"", [])

    def factor(self, fid: str, where: Mask | None = None) -> Factor | None:
        """The answers of ``fid`` (where ``where`` is true) as a ``Factor``, or ``None`` when the
        field has no options given, or an answer there is neither an option nor a blank. The
        first read is kept, and a later one within it is taken from it."""
        levels = self._levels.get(fid)
        if levels is None:
            return None
        kept = self._factors.get(fid)
        if kept is None:
            made = self._factored(levels, self.read(fid, where))
            self._factors[fid] = (where, made)
            return made
        kept_where, found = kept
        if kept_where is not None and (where is None or (where & ~kept_where).any()):
            return self._factored(levels, self.read(fid, where))  # not within the first read
        if found is None or where is None:  # within a read that is none: none (the general way)
            return found
        return Factor(levels, found.codes[where if kept_where is None else where[kept_where]])

    @staticmethod
    def _factored(levels: tuple[str | None, ...], values: Iterable[cond.Value]) -> Factor | None:
        lookup = _Levels({level: bytes([i]) for i, level in enumerate(levels)})
        try:
            codes = np.frombuffer(b"".join(map(lookup.__getitem__, values)), dtype=np.uint8)
        except TypeError:  # a list (of options, or blank) is no level
            return None
        return None if (codes == MAX_LEVELS).any() else Factor(levels, codes)

    def read(self, fid: str, where: Mask | None = None) -> Iterable[cond.Value]:
        """The answers of ``fid``, of every response or of those where ``where`` is true (taken
        from its array when that is made already)."""
        made = self._arrays.get(fid)
        if made is not None:
            taken: list[cond.Value] = made.tolist() if where is None else made[where].tolist()
            return taken
        answers = self.answers if where is None or where.all() else self._selected(where)
        if self._dicts:
            return map(dict.get, answers, repeat(fid))  # type: ignore[arg-type]
        return (a.get(fid) for a in answers)

    def _selected(self, where: Mask) -> list[Mapping[str, cond.Value]]:
        """The responses where ``where`` is true; the last selection is kept, for the fields
        that follow it with the same mask (the rows of a matrix, the follow-ups of a question)."""
        key = where.tobytes()
        if self._last_selection[0] != key:
            self._last_selection = (key, list(compress(self.answers, where.tolist())))
        return self._last_selection[1]

    def __getitem__(self, fid: str) -> Values:
        found = self._arrays.get(fid)
        if found is None:
            if fid not in self.ids:
                raise KeyError(fid)
            where, factor = self._factors.get(fid, (None, None))
            found = self._arrays[fid] = (factor.values() if factor is not None and where is None else
                                         np.fromiter(self.read(fid), dtype=object, count=len(self.answers)))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def plain_values(values: Values) -> set[str | None] | None:
    """The distinct values of a column of texts and ``None`` only (no list of options, nothing
    else), the case numpy takes; ``None`` for any other column (a list, unhashable, answers at
    once)."""
    try:
        distinct = set(values.tolist())  # a list is read faster than an array
    except TypeError:
        return None
    return distinct if set(map(type, distinct)) <= _PLAIN else None


def blank_mask(values: Values) -> Mask:
    """``conditions.is_blank`` of each value."""
    return _blank(values, plain_values(values))


def _blank(values: Values, distinct: set[str | None] | None) -> Mask:
    if distinct is None:
        return np.fromiter(map(cond.is_blank, values), dtype=bool, count=len(values))
    return _among(values, distinct, None) | _among(values, distinct, "")


def _among(values: Values, distinct: set[str | None], target: str | None) -> Mask:
    """``_equal`` of a plain column, without reading it when ``target`` is none of its values."""
    return _equal(values, target) if target in distinct else np.zeros(len(values), dtype=bool)


class _Effective:
    """One field's effective answers over the responses: its value where it applies and is
    not blank, ``None`` elsewhere (what ``route``'s ``effective`` dictionary holds). Each part
    is made when a condition first needs it."""

    def __init__(self, values: Values, applies: Mask) -> None:
        self.raw, self.applies = values, applies
        self.distinct = plain_values(values)
        self._present: Mask | None = None
        self._values: Values | None = None

    @property
    def plain(self) -> bool:
        return self.distinct is not None

    @property
    def present(self) -> Mask:
        if self._present is None:
            self._present = self.applies & ~_blank(self.raw, self.distinct)
        return self._present

    @property
    def values(self) -> Values:
        if self._values is None:
            self._values = self.raw.copy()
            self._values[~self.present] = None
        return self._values

    def equal(self, target: str) -> Mask:
        """Where the effective answer is the text ``target`` (plain columns only): a blank or
        absent answer equals no target, and an empty target is never an effective answer."""
        assert self.distinct is not None, "equal is for plain columns (compare checks)"
        return _among(self.raw, self.distinct, target) & self.applies if target else np.zeros(len(self.raw), dtype=bool)


class _Factored:
    """``_Effective`` of a field read as a ``Factor`` where it applies: the same answers,
    compared as bytes."""

    plain = True

    def __init__(self, factor: Factor, applies: Mask) -> None:
        self.factor, self.applies = factor, applies
        self._present: Mask | None = None

    def _spread(self, there: Mask) -> Mask:
        """A mask of the responses where the field applies, as one over all responses."""
        found = np.zeros(len(self.applies), dtype=bool)
        found[self.applies] = there
        return found

    @property
    def present(self) -> Mask:
        if self._present is None:
            self._present = self._spread(~self.factor.blank())
        return self._present

    @property
    def values(self) -> Values:
        found = np.full(len(self.applies), None, dtype=object)
        found[self.applies] = self.factor.values()
        found[~self.present] = None
        return found

    def equal(self, target: str) -> Mask:
        return self._spread(self.factor.equal(target)) if target else np.zeros(len(self.applies), dtype=bool)


class _Walk:
    """The state of one walk: the masks so far and the effective answers asked for."""

    def __init__(self, columns: AnswerColumns, n: int) -> None:
        self.columns, self.n = columns, n
        self.applies: dict[str, Mask] = {}
        self.effective: dict[str, _Effective | _Factored] = {}
        self.none: Values = np.full(n, None, dtype=object)

    def of(self, ref: str) -> _Effective | _Factored:
        """A field not walked yet (or no field) has no effective answer, as in ``route``."""
        found = self.effective.get(ref)
        if found is None:
            applies = self.applies.get(ref)
            if applies is None:
                return _Effective(self.none, np.zeros(self.n, dtype=bool))
            factor = self.columns.factor(ref, applies)  # what it holds elsewhere is no effective answer
            found = self.effective[ref] = (_Factored(factor, applies) if factor is not None
                                           else _Effective(self.columns.get(ref, self.none), applies))
        return found

    def holds(self, expr: cond.Expr) -> Mask:
        if isinstance(expr, cond.Compare):
            results = [self.compare(self.of(ref), expr.op, expr.values) for ref in expr.refs]
            if expr.quantifier == "all":
                return reduce(np.logical_and, results, np.ones(self.n, dtype=bool))
            return reduce(np.logical_or, results, np.zeros(self.n, dtype=bool))
        if isinstance(expr, cond.Answered):
            return self.of(expr.ref).present
        if isinstance(expr, cond.Not):
            return ~self.holds(expr.operand)
        parts = [self.holds(operand) for operand in expr.operands]
        if isinstance(expr, cond.And):
            return reduce(np.logical_and, parts, np.ones(self.n, dtype=bool))
        return reduce(np.logical_or, parts, np.zeros(self.n, dtype=bool))

    def compare(self, column: _Effective | _Factored, op: str, targets: tuple[str, ...]) -> Mask:
        if column.plain and targets and all(t.__class__ is str for t in targets):
            if op == "=":
                return column.equal(targets[0])
            if op == "!=":
                return ~column.equal(targets[0]) & column.present
            if op == "in":
                return reduce(np.logical_or, [column.equal(target) for target in targets])
        one: Callable[[Any], bool] = cond.compiled_comparison(op, targets)
        return np.fromiter(map(one, column.values), dtype=bool, count=self.n)


def _equal(values: Values, target: str | None) -> Mask:
    """Elementwise ``value == target`` (numpy calls the values' own ``==``)."""
    return np.asarray(np.equal(values, np.array(target, dtype=object)), dtype=bool)


def single_options(q: Questionnaire) -> dict[str, list[str]]:
    """The options of each field answered with one of them (``AnswerColumns``' ``options``)."""
    return {f.id: [c.code for c in f.codes] for f in q.fields if f.codes and f.type is not ItemType.MULTIPLE}


def applicable_columns(q: Questionnaire, columns: AnswerColumns, n: int) -> dict[str, Mask]:
    """For each field, the responses it applies to: ``applies[f.id][i]`` is
    ``f.id in routing.applicable_ids(q, answers_i)`` for the answers of response ``i``."""
    walk = _Walk(columns, n)
    everyone = np.ones(n, dtype=bool)
    for f in q.fields:
        applies = everyone if f.gate is None else walk.applies.get(f.gate, ~everyone)
        if f.condition is not None:
            applies = applies & walk.holds(f.condition)
        walk.applies[f.id] = applies
    return walk.applies
