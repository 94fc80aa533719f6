"""The routing condition language: tokenizer, parser, AST and a safe evaluator.

Conditions are parsed once, when a questionnaire is loaded, into the small immutable AST
below. Evaluation compiles that tree once into nested closures (``compiled``), so routing a
response does not walk the tree again for every field; nothing is ever passed to ``eval``.
The same tree is serialised to JSON (``to_json``) for the browser's instant show and hide, so
the server and the page cannot disagree about what applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

PARENT = "$parent"
"""Placeholder reference for the shorthand form (``= ja``): the parent's value."""

COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=", "in")
ORDERING_OPS = ("<", "<=", ">", ">=")

Value = str | list[str] | None


def is_blank(value: object) -> bool:
    """No answer: nothing stored, an empty text or no option chosen. The one test for it."""
    return value is None or value == "" or value == []


class ConditionSyntaxError(ValueError):
    """A condition that does not parse; the message says where and what was expected."""


@dataclass(frozen=True)
class Compare:
    """``ref OP value`` or ``ref in (v1, v2)``; ``quantifier`` is ``any``/``all`` over refs."""

    refs: tuple[str, ...]
    op: str
    values: tuple[str, ...]
    quantifier: str | None = None


@dataclass(frozen=True)
class Answered:
    ref: str


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]


Expr = Compare | Answered | Not | And | Or

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op>!=|<=|>=|=|<|>)
      | (?P<punct>[(),])
      | "(?P<dq>[^"]*)"
      | '(?P<sq>[^']*)'
      | (?P<word>[A-Za-z0-9_.\-åäöÅÄÖ$]+)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "any", "all", "answered"}


@dataclass(frozen=True)
class Token:
    kind: str  # op, punct, string, word, keyword, end (and ref, number in XLSForm's syntax)
    text: str
    pos: int  # the column, counted from 1


class TokenStream:
    """The cursor of a recursive-descent parser (this language's and XLSForm's ``relevant``)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def fail(self, expected: str) -> ValueError:
        """The error to raise; each language words its own (and its own exception class)."""
        return ValueError(f"expected {expected} at column {self.current.pos}")

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.current
        if token.kind != kind or (text is not None and token.text != text):
            raise self.fail(repr(text) if text else kind)
        return self.take()


def _tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    stripped = source.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if match is None or match.end() == pos:
            column = pos + len(stripped[pos:]) - len(stripped[pos:].lstrip()) + 1
            raise ConditionSyntaxError(f"unexpected character at column {column} in {source!r}")
        group = match.lastgroup or "word"
        text, start = match.group(group), match.start(group)
        kind = group
        if kind in ("dq", "sq"):
            kind = "string"
        elif kind == "word" and text in _KEYWORDS:
            kind = "keyword"
        tokens.append(Token(kind, text, start + 1))
        pos = match.end()
    tokens.append(Token("end", "", len(stripped) + 1))
    return tokens


class _Parser(TokenStream):
    """Recursive descent over the grammar in docs/questionnaire-format.md."""

    def __init__(self, source: str) -> None:
        super().__init__(_tokenize(source))
        self.source = source

    def fail(self, expected: str) -> ConditionSyntaxError:
        found = self.current.text or "the end"
        return ConditionSyntaxError(
            f"expected {expected} at column {self.current.pos} but found {found!r} in {self.source!r}"
        )

    def parse(self) -> Expr:
        expr = self.disjunction()
        if self.current.kind != "end":
            raise self.fail("'and', 'or' or the end")
        return expr

    def disjunction(self) -> Expr:
        operands = [self.conjunction()]
        while self.current.kind == "keyword" and self.current.text == "or":
            self.take()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction(self) -> Expr:
        operands = [self.negation()]
        while self.current.kind == "keyword" and self.current.text == "and":
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def negation(self) -> Expr:
        token = self.current
        if token.kind == "keyword" and token.text == "not":
            self.take()
            return Not(self.negation())
        if token.kind == "punct" and token.text == "(":
            self.take()
            inner = self.disjunction()
            self.expect("punct", ")")
            return inner
        return self.comparison()

    def comparison(self) -> Expr:
        token = self.current
        starts_with_operator = token.kind == "op" or (token.kind == "keyword" and token.text == "in")
        if self.index == 0 and starts_with_operator:
            return self.comparison_rest((PARENT,), None)
        if token.kind == "keyword" and token.text == "answered":
            self.take()
            self.expect("punct", "(")
            ref = self.expect("word").text
            self.expect("punct", ")")
            return Answered(ref)
        quantifier = None
        if token.kind == "keyword" and token.text in ("any", "all"):
            quantifier = self.take().text
            self.expect("punct", "(")
            ref = self.expect("word").text
            self.expect("punct", ")")
        elif token.kind == "word":
            ref = self.take().text
        else:
            raise self.fail("an answer id, 'any(', 'all(', 'answered(', 'not' or '('")
        return self.comparison_rest((ref,), quantifier)

    def comparison_rest(self, refs: tuple[str, ...], quantifier: str | None) -> Compare:
        token = self.current
        if token.kind == "keyword" and token.text == "in":
            self.take()
            self.expect("punct", "(")
            values = [self.value()]
            while self.current.kind == "punct" and self.current.text == ",":
                self.take()
                values.append(self.value())
            self.expect("punct", ")")
            return Compare(refs, "in", tuple(values), quantifier)
        if token.kind != "op":
            raise self.fail("a comparison (=, !=, <, <=, >, >=, in)")
        op = self.take().text
        return Compare(refs, op, (self.value(),), quantifier)

    def value(self) -> str:
        token = self.current
        if token.kind in ("word", "string"):
            return self.take().text
        raise self.fail("a value")


def parse(source: str) -> Expr:
    """Parse a condition; raise ``ConditionSyntaxError`` with the column on failure."""
    if not source or not source.strip():
        raise ConditionSyntaxError("empty condition")
    return _Parser(source).parse()


def references(expr: Expr) -> Iterator[str]:
    """Every answer or item id the expression mentions, in order."""
    if isinstance(expr, Compare):
        yield from expr.refs
    elif isinstance(expr, Answered):
        yield expr.ref
    elif isinstance(expr, Not):
        yield from references(expr.operand)
    else:
        for operand in expr.operands:
            yield from references(operand)


def rewrite(expr: Expr, resolve: Callable[[str, str | None], tuple[str, ...]]) -> Expr:
    """Return a copy with every reference replaced by ``resolve(ref, quantifier)``."""
    if isinstance(expr, Compare):
        refs = tuple(new for ref in expr.refs for new in resolve(ref, expr.quantifier))
        return Compare(refs, expr.op, expr.values, expr.quantifier)
    if isinstance(expr, Answered):
        return Answered(resolve(expr.ref, None)[0])
    if isinstance(expr, Not):
        return Not(rewrite(expr.operand, resolve))
    operands = tuple(rewrite(operand, resolve) for operand in expr.operands)
    return And(operands) if isinstance(expr, And) else Or(operands)


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_NUMBER_SPACES = re.compile("[ \u00a0\u202f]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def number(text: str) -> Decimal | None:
    """The one number grammar of conditions, the same in static/js/routing.js.

    ASCII digits, an optional minus sign (also «−»), one decimal comma or point, spaces
    between digit groups. Not ``NaN``, ``Infinity``, ``1e5``, ``1_0`` or other scripts'
    digits, which ``Decimal`` would take and the browser would not.
    """
    cleaned = _NUMBER_SPACES.sub("", text).replace(",", ".").replace("\u2212", "-")
    return Decimal(cleaned) if _NUMBER.fullmatch(cleaned) else None


def is_iso_date(text: str) -> bool:
    return _ISO_DATE.fullmatch(text) is not None


def _ordered(op: str, sign: int) -> bool:
    """``left op right`` from the sign of ``left - right``."""
    return {"<": sign < 0, "<=": sign <= 0, ">": sign > 0, ">=": sign >= 0}[op]


def _compare_one(value: Value, op: str, targets: tuple[str, ...]) -> bool:
    """One answer against the condition's values. A missing answer is never equal or unequal.

    An ordering holds only between two numbers or two ISO dates (which order as strings);
    anything else is simply not less or greater, on the server and in the browser alike.
    """
    if value is None or is_blank(value):  # «is None» tells the type checker
        return False
    if isinstance(value, list):  # multiple choice: "=" means "includes"
        if op == "!=":
            return targets[0] not in value
        return any(target in value for target in targets)
    if op == "=":
        return value == targets[0]
    if op == "!=":
        return value != targets[0]
    if op == "in":
        return value in targets
    left, right = number(value), number(targets[0])
    if left is not None and right is not None:
        return _ordered(op, (left > right) - (left < right))
    if is_iso_date(value) and is_iso_date(targets[0]):
        return _ordered(op, (value > targets[0]) - (value < targets[0]))
    return False


Check = Callable[[Mapping[str, Value]], bool]
"""A compiled condition: the effective answers in, whether it holds out."""


def evaluate(expr: Expr, values: Mapping[str, Value]) -> bool:
    """Evaluate against the *effective* answers (those of applicable items only)."""
    return compiled(expr)(values)


@lru_cache(maxsize=4096)
def compiled(expr: Expr) -> Check:
    """The condition as one closure, made once per tree (the tree is frozen, so it is the key).

    The closures keep ``_compare_one``'s meaning: a plain non-blank text takes the short way,
    anything else (a list of options, a blank, a number to order) goes through it.
    """
    if isinstance(expr, Compare):
        return _compiled_compare(expr)
    if isinstance(expr, Answered):
        ref = expr.ref
        return lambda values: not is_blank(values.get(ref))
    if isinstance(expr, Not):
        inner = compiled(expr.operand)
        return lambda values: not inner(values)
    parts = tuple(compiled(operand) for operand in expr.operands)
    if isinstance(expr, And):
        return lambda values: all(part(values) for part in parts)
    return lambda values: any(part(values) for part in parts)


def _compiled_compare(expr: Compare) -> Check:
    one = compiled_comparison(expr.op, expr.values)
    if len(expr.refs) == 1:
        ref = expr.refs[0]
        return lambda values: one(values.get(ref))
    refs, every = expr.refs, expr.quantifier == "all"
    if every:
        return lambda values: all(one(values.get(ref)) for ref in refs)
    return lambda values: any(one(values.get(ref)) for ref in refs)


def compiled_comparison(op: str, targets: tuple[str, ...]) -> Callable[[Value], bool]:
    """``_compare_one(value, op, targets)`` as a closure, with a short way for plain text."""
    if not targets:  # only a hand-made stored tree; the parser always gives a value
        return lambda value: _compare_one(value, op, targets)
    target = targets[0]
    if op == "=":
        return lambda value: (value == target if value.__class__ is str and value
                              else _compare_one(value, op, targets))
    if op == "!=":
        return lambda value: (value != target if value.__class__ is str and value
                              else _compare_one(value, op, targets))
    if op == "in":
        return lambda value: (value in targets if value.__class__ is str and value
                              else _compare_one(value, op, targets))
    return lambda value: _compare_one(value, op, targets)


def to_json(expr: Expr) -> dict[str, object]:
    """The serialised form evaluated by static/routing.js (same semantics as ``evaluate``)."""
    if isinstance(expr, Compare):
        return {"cmp": expr.op, "refs": list(expr.refs), "values": list(expr.values),
                "quantifier": expr.quantifier}
    if isinstance(expr, Answered):
        return {"answered": expr.ref}
    if isinstance(expr, Not):
        return {"not": to_json(expr.operand)}
    key = "and" if isinstance(expr, And) else "or"
    return {key: [to_json(operand) for operand in expr.operands]}


def from_json(data: Mapping[str, object]) -> Expr:
    """Inverse of ``to_json``, for definitions stored with a round."""
    if "cmp" in data:
        quantifier = data.get("quantifier")
        refs = tuple(str(r) for r in _json_list(data, "refs"))
        return Compare(refs, str(data["cmp"]), tuple(str(v) for v in _json_list(data, "values")),
                       str(quantifier) if quantifier else None)
    if "answered" in data:
        return Answered(str(data["answered"]))
    if "not" in data:
        return Not(from_json(_json_object(data["not"])))
    key = "and" if "and" in data else "or"
    operands = tuple(from_json(_json_object(op)) for op in _json_list(data, key))
    return And(operands) if key == "and" else Or(operands)


def _json_list(data: Mapping[str, object], key: str) -> list[object]:
    value = data[key]
    if not isinstance(value, list):
        raise ValueError(f"stored condition: {key!r} holds {value!r}, not a list")
    return value


def _json_object(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ValueError(f"stored condition: {value!r} is not an object")
    return value


def to_text(expr: Expr, label: Callable[[str, str], str] | None = None) -> str:
    """A readable form for the code book: ``q03_leg = ja``; ``label`` may name codes."""
    name = label or (lambda _ref, code: code)
    if isinstance(expr, Compare):
        subject = " eller ".join(expr.refs) if expr.quantifier != "all" else " och ".join(expr.refs)
        shown = [name(expr.refs[0], value) for value in expr.values]
        if expr.op == "in":
            return f"{subject} = {' eller '.join(shown)}"
        return f"{subject} {expr.op} {shown[0]}"
    if isinstance(expr, Answered):
        return f"{expr.ref} är besvarad"
    if isinstance(expr, Not):
        return f"inte ({to_text(expr.operand, label)})"
    joiner = " och " if isinstance(expr, And) else " eller "
    return joiner.join(f"({to_text(op, label)})" for op in expr.operands)
