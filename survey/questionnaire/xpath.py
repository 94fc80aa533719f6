"""Routing conditions in XLSForm's own expression syntax, both ways.

XLSForm's ``relevant`` column holds an XPath expression (``${q01} = 'ja'``,
``selected(${q02}, 'a')``, ``and``/``or``/``not()``). ``to_xpath`` writes a compiled
condition so that ODK, KoboToolbox and pyxform route exactly as our evaluator does; ``parse``
reads the subset of XPath that says the same things back into our condition tree. Anything
outside that subset is refused with a message, never guessed at.

Our semantics are kept: a missing answer compares false with ``=``, ``in``, ``<``… *and* with
``!=``, so ``q01 != ja`` is written ``(${q01} != '' and ${q01} != 'ja')``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from survey.questionnaire.conditions import And, Answered, Compare, Expr, Not, Or, Token, TokenStream
from survey.questionnaire.model import ItemType

TypeOf = Callable[[str], ItemType]


class XPathError(ValueError):
    """An expression outside the supported subset; the message says what and where."""


# -- writing ------------------------------------------------------------------------------
def _literal(value: str, kind: ItemType) -> str:
    if kind is ItemType.NUMBER:
        return value
    if kind is ItemType.DATE:
        return f"date('{value}')"
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise XPathError(f"the value {value!r} holds both kinds of quotes, which XPath cannot write")


def _one(ref: str, op: str, value: str, kind: ItemType) -> str:
    name = f"${{{ref}}}"
    if kind is ItemType.MULTIPLE:
        chosen = f"selected({name}, {_literal(value, kind)})"
        return f"({name} != '' and not({chosen}))" if op == "!=" else chosen
    if op == "!=":
        return f"({name} != '' and {name} != {_literal(value, kind)})"
    return f"{name} {op} {_literal(value, kind)}"


def _compare(expr: Compare, type_of: TypeOf) -> str:
    parts = []
    for ref in expr.refs:
        kind = type_of(ref)
        if expr.op == "in":
            alternatives = [_one(ref, "=", value, kind) for value in expr.values]
            parts.append(alternatives[0] if len(alternatives) == 1 else f"({' or '.join(alternatives)})")
        else:
            parts.append(_one(ref, expr.op, expr.values[0], kind))
    if len(parts) == 1:
        return parts[0]
    return f"({(' and ' if expr.quantifier == 'all' else ' or ').join(parts)})"


def to_xpath(expr: Expr, type_of: TypeOf) -> str:
    """The XLSForm ``relevant`` for a compiled condition (references are answer ids)."""
    if isinstance(expr, Compare):
        return _compare(expr, type_of)
    if isinstance(expr, Answered):
        return f"${{{expr.ref}}} != ''"
    if isinstance(expr, Not):
        return f"not({to_xpath(expr.operand, type_of)})"
    joiner = " and " if isinstance(expr, And) else " or "
    return joiner.join(_grouped(operand, type_of) for operand in expr.operands)


def _grouped(expr: Expr, type_of: TypeOf) -> str:
    text = to_xpath(expr, type_of)
    return f"({text})" if isinstance(expr, And | Or) else text


# -- reading ------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<name>[^}]*)\})
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<punct>[(),])
      | '(?P<sq>[^']*)'
      | "(?P<dq>[^"]*)"
      | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?![A-Za-z_]))
      | (?P<word>[A-Za-z_][A-Za-z0-9_.\-]*)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}


def _tokens(source: str) -> list[Token]:
    found = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or ""
        if kind == "name":
            kind = "ref"
        if kind == "bad":
            raise XPathError(f"unexpected {match.group('bad')!r} at column {match.start('bad') + 1}")
        if kind in ("sq", "dq"):
            found.append(Token("string", match.group(kind), match.start() + 1))
        elif kind == "ref":
            found.append(Token("ref", match.group("name").strip(), match.start() + 1))
        else:
            found.append(Token(kind, match.group(kind), match.start() + 1))
    found.append(Token("end", "", len(source) + 1))
    return found


class _Reader(TokenStream):
    """Recursive descent over the supported subset of XPath."""

    def __init__(self, source: str) -> None:
        super().__init__(_tokens(source))

    def fail(self, expected: str) -> XPathError:
        token = self.current
        shown = repr(token.text) if token.kind != "end" else "the end"
        return XPathError(f"expected {expected} at column {token.pos}, found {shown}")

    def read(self) -> Expr:
        expr = self.disjunction()
        if self.current.kind != "end":
            raise self.fail("'and', 'or' or the end")
        return expr

    def disjunction(self) -> Expr:
        operands = [self.conjunction()]
        while self.current.kind == "word" and self.current.text == "or":
            self.take()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction(self) -> Expr:
        operands = [self.primary()]
        while self.current.kind == "word" and self.current.text == "and":
            self.take()
            operands.append(self.primary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def primary(self) -> Expr:
        token = self.current
        if token.kind == "punct" and token.text == "(":
            self.take()
            inner = self.disjunction()
            self.expect("punct", ")")
            return inner
        if token.kind == "word" and token.text in ("not", "selected", "count-selected", "string-length"):
            return self.function(self.take().text)
        if token.kind == "ref":
            return self.comparison(self.take().text)
        if token.kind in ("string", "number"):
            value = self.take().text
            op = self.expect("op").text
            return self._compare(self.expect("ref").text, _FLIP[op], value)
        raise self.fail("${name}, not(…), selected(…) or '('")

    def function(self, name: str) -> Expr:
        self.expect("punct", "(")
        if name == "not":
            inner = self.disjunction()
            self.expect("punct", ")")
            return Not(inner)
        ref = self.expect("ref").text
        if name == "selected":
            self.expect("punct", ",")
            value = self.literal()
            self.expect("punct", ")")
            return Compare((ref,), "=", (value,))
        self.expect("punct", ")")
        op = self.expect("op").text
        number = self.expect("number").text
        if (op, number) in ((">", "0"), ("!=", "0"), (">=", "1")):
            return Answered(ref)
        if (op, number) in (("=", "0"), ("<", "1"), ("<=", "0")):
            return Not(Answered(ref))
        raise XPathError(f"{name}(${{{ref}}}) {op} {number} cannot be expressed: only whether it is answered")

    def literal(self) -> str:
        token = self.current
        if token.kind in ("string", "number"):
            return self.take().text
        if token.kind == "word" and token.text == "date":
            self.take()
            self.expect("punct", "(")
            value = self.expect("string").text
            self.expect("punct", ")")
            return value
        raise self.fail("a quoted value, a number or date('…')")

    def comparison(self, ref: str) -> Expr:
        op = self.expect("op").text
        return self._compare(ref, op, self.literal())

    @staticmethod
    def _compare(ref: str, op: str, value: str) -> Expr:
        if value == "" and op in ("=", "!="):
            return Answered(ref) if op == "!=" else Not(Answered(ref))
        if value == "":
            raise XPathError(f"${{{ref}}} {op} '' cannot be expressed")
        return Compare((ref,), op, (value,))


def parse(source: str) -> Expr:
    """Our condition tree for an XLSForm ``relevant``; references are XLSForm names."""
    if not source.strip():
        raise XPathError("empty expression")
    return simplify(_Reader(source).read())


def simplify(expr: Expr) -> Expr:
    """Undo what ``to_xpath`` spells out: ``answered and !=`` pairs and ``or``-ed equalities."""
    if isinstance(expr, Not):
        return Not(simplify(expr.operand))
    if isinstance(expr, And):
        operands = [simplify(operand) for operand in expr.operands]
        unequal = {ref for op in operands if isinstance(op, Compare) and op.op == "!=" for ref in op.refs}
        kept = [op for op in operands if not (isinstance(op, Answered) and op.ref in unequal)]
        return kept[0] if len(kept) == 1 else And(tuple(kept))
    if isinstance(expr, Or):
        operands = [simplify(operand) for operand in expr.operands]
        return _merge_equalities(operands)
    return expr


def _merge_equalities(operands: list[Expr]) -> Expr:
    """``a = x or a = y`` → ``a in (x, y)`` when every operand compares the same answer."""
    if all(isinstance(op, Compare) and op.op in ("=", "in") and len(op.refs) == 1 for op in operands):
        compares = [op for op in operands if isinstance(op, Compare)]
        if len({op.refs for op in compares}) == 1:
            values = tuple(value for op in compares for value in op.values)
            return Compare(compares[0].refs, "in", values)
    return Or(tuple(operands))


def quantified(expr: Expr, rows_of: Mapping[str, tuple[str, ...]]) -> Expr:
    """``q17_1 = ja or q17_2 = ja …`` over every row of q17 → ``any(q17) = ja`` (``all`` likewise)."""
    if isinstance(expr, Not):
        return Not(quantified(expr.operand, rows_of))
    if isinstance(expr, And | Or):
        operands = tuple(quantified(op, rows_of) for op in expr.operands)
        found = _over_rows(operands, rows_of, "all" if isinstance(expr, And) else "any")
        if found is not None:
            return found
        return And(operands) if isinstance(expr, And) else Or(operands)
    return expr


def _over_rows(operands: tuple[Expr, ...], rows_of: Mapping[str, tuple[str, ...]],
               quantifier: str) -> Compare | None:
    if not all(isinstance(op, Compare) and len(op.refs) == 1 and op.quantifier is None for op in operands):
        return None
    compares = [op for op in operands if isinstance(op, Compare)]
    if len({(op.op, op.values) for op in compares}) != 1:
        return None
    refs = tuple(op.refs[0] for op in compares)
    for item_id, rows in rows_of.items():
        if refs == rows:
            return Compare((item_id,), compares[0].op, compares[0].values, quantifier)
    return None


def to_source(expr: Expr, parent: str | None = None, top: bool = True) -> str:
    """Our condition language; a condition on ``parent`` alone uses the shorthand (``= ja``)."""
    if isinstance(expr, Compare):
        ref = expr.refs[0]
        subject = f"{expr.quantifier}({ref})" if expr.quantifier else ref
        shorthand = top and parent is not None and ref == parent and expr.quantifier is None
        values = ", ".join(_source_value(value) for value in expr.values)
        rest = f"in ({values})" if expr.op == "in" else f"{expr.op} {values}"
        return rest if shorthand else f"{subject} {rest}"
    if isinstance(expr, Answered):
        return f"answered({expr.ref})"
    if isinstance(expr, Not):
        return f"not ({to_source(expr.operand, parent, False)})"
    joiner = " and " if isinstance(expr, And) else " or "
    return joiner.join(
        f"({to_source(op, parent, False)})" if isinstance(op, And | Or) else to_source(op, parent, False)
        for op in expr.operands)


def _source_value(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_.\-åäöÅÄÖ]+", value):
        return value
    return f'"{value}"' if '"' not in value else f"'{value}'"
