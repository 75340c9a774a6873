"""Read plain notation and LaTeX into sympy values, without ``eval``.

:func:`parse_math` tokenizes (:mod:`rlvr.verifiers.mathlex`), parses with a precedence-climbing
(Pratt) parser that builds sympy objects directly (``sympify``/``parse_expr`` are never called on
model text), then shapes the result into a :data:`MathValue` for the expected answer type.

Grammar (loosest binding first)::

    answer   := item ("," item)*                  a bare comma list
    item     := expr (relop expr)*                relop: = < <= > >= \\le \\ge \\in
    expr     := expr \\cup expr                   (bp 5) unions of intervals
              | expr (+|-) expr                   (bp 10)
              | expr (*|/|\\cdot|\\times|÷) expr    (bp 20), juxtaposition too: 2x, 2(x+1), (a)(b)
              | (-|+) expr                        (bp 25) so -x^2 = -(x^2)
              | expr (^|**) expr                  (bp 30, right-associative) 2^-1 is allowed
              | expr ! | expr %                   (bp 40) factorial (n <= 1000), percent (top only)
              | primary
    primary  := number | symbol | \\pi pi π | e | \\infty oo ∞ | ( list ) | [ list ] | { list }
              | \\{ list \\} | |expr| | \\frac{a}{b} | \\sqrt[n]{x} | \\binom{n}{k} | f(x) | f x
              | \\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} | \\emptyset | \\mathbb{R}

Juxtaposition never puts a number on the right (``2 3`` and ``x2`` are errors, which also stops
``1 2 3`` digit sprays), and a number directly before ``\\frac`` is refused as an ambiguous mixed
number (``2\\frac{1}{2}``). ``\\sin 2x`` is ``sin(2x)``: an argument without parentheses absorbs
juxtaposed symbols and constants, not a following function (``\\sin x \\cos x``). ``\\sin^2 x`` is
``sin(x)^2``; ``\\sin^{-1}`` is ``asin``; ``\\log_b x`` is ``log(x, b)``; ``log`` and ``ln`` are the
natural logarithm. ``\\sqrt[n]{x}`` of a negative number with odd ``n`` is the real root. Single
letters are real sympy symbols; ``e`` is always Euler's number.

Brackets become values by the expected answer type (``expect``): ``(a, b)`` is an open interval
where an interval is expected and a tuple elsewhere; ``[a, b]`` is a closed interval (a tuple
where a tuple is expected); ``[a, b)``/``(a, b]`` are intervals; ``{a, b}``/``\\{a, b\\}`` are
sets (``{x}`` alone is grouping); ``[[a, b], [c, d]]`` is a matrix; a bare comma list is a set or
a tuple. Where a set is expected a lone value is a one-element set. ``x = 2`` inside or instead of
a collection answer, ``(x, y) = (1, 2)`` and ``x \\in S`` keep only the right side (a tuple
remembers the names as :attr:`TupleValue.labels`, for the caller to order the values by);
inequalities (``1 < x <= 3``, ``x > 2``) are intervals where an interval is expected.

Limits, each a :class:`MathParseError`: 2,000 characters, nesting depth 100 (well inside Python's
recursion limit), and the size limits of :mod:`rlvr.verifiers.mathvalues` (no huge powers,
rationals, factorials or binomials are ever computed).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from rlvr.verifiers.mathlex import MathParseError, Token, prepare, tokenize
from rlvr.verifiers.mathvalues import (
    ANSWER_TYPES,
    Equation,
    Interval,
    IntervalUnion,
    MathValue,
    Matrix,
    Scalar,
    SetValue,
    TupleValue,
    binomial,
    checked,
    factorial,
    power,
    root,
    symbol,
)

__all__ = [
    "ANSWER_TYPES",
    "Equation",
    "Interval",
    "IntervalUnion",
    "MathParseError",
    "MathValue",
    "Matrix",
    "Scalar",
    "SetValue",
    "TupleValue",
    "parse_math",
    "symbol",
]

MAX_DEPTH = 100
_COLLECTIONS = frozenset({"set", "tuple", "interval", "matrix"})


def parse_math(text: str, expect: str | None = None, *, units: tuple[str, ...] = ()) -> MathValue:
    """Parse ``text`` (plain notation or LaTeX) into a :data:`MathValue`.

    ``expect`` is an answer type from :data:`ANSWER_TYPES` (or ``None``); it decides how brackets
    read (see the module docs). ``units`` are unit names stripped from the end of the answer.
    Raises :class:`MathParseError` for anything it does not read.
    """
    if expect is not None and expect not in ANSWER_TYPES:
        raise ValueError(f"unknown answer type {expect!r}; known: {sorted(ANSWER_TYPES)}")
    prepared = prepare(text, units)
    tokens = tokenize(prepared, thousands=expect not in _COLLECTIONS)
    if len(tokens) == 1:
        raise MathParseError("empty answer")
    try:
        return _coerce(_Parser(tokens).parse(), expect)
    except MathParseError:
        raise
    except RecursionError:
        raise MathParseError("answer is nested too deeply") from None
    except (ArithmeticError, TypeError, ValueError) as exc:  # sympy refusing a construction
        raise MathParseError(f"answer cannot be read ({type(exc).__name__})") from None


# -- raw parse results (before the expected type shapes them) -------------------------------------


@dataclass(frozen=True)
class _Seq:
    open: str  # "" for a bare top-level list
    close: str
    items: tuple[object, ...]


@dataclass(frozen=True)
class _Rel:
    terms: tuple[object, ...]
    ops: tuple[str, ...]


@dataclass(frozen=True)
class _Percent:
    value: sympy.Expr


@dataclass(frozen=True)
class _Rows:
    rows: tuple[tuple[sympy.Expr, ...], ...]


@dataclass(frozen=True)
class _Cup:
    parts: tuple[object, ...]


_EMPTY = _Seq("\\{", "\\}", ())
_REALS = object()
_PAIRS = {"(": ")", "[": "]", "{": "}", "\\{": "\\}", "<(": ")>"}
_MIXED = {("(", "]"), ("[", ")")}
_RELOPS = frozenset({"=", "<", "<=", ">", ">="})
_INFIX = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 30, "!": 40, "%": 40}
_IMPLICIT_BP = 20
_UNARY_BP = 25
_FUNCS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "log": sympy.log,
    "ln": sympy.log,
    "exp": sympy.exp,
    "abs": sympy.Abs,
    "sqrt": sympy.sqrt,
}
_ARGS = ("frac", "sqrt", "binom")
_INVERSE = {"sin": sympy.asin, "cos": sympy.acos, "tan": sympy.atan}


def _scalar(raw: object, what: str = "arithmetic") -> sympy.Expr:
    if isinstance(raw, sympy.Expr):
        return raw
    raise MathParseError(f"{what} needs numbers or expressions, not a list, set or relation")


class _Parser:
    """Pratt parser over a token list; see the module docs for the grammar."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.abs_depth = 0

    # -- token helpers

    def peek(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def at(self, kind: str, *values: str) -> bool:
        tok = self.tokens[self.i]
        return tok.kind == kind and (not values or tok.value in values)

    def expect_token(self, kind: str, *values: str) -> Token:
        if not self.at(kind, *values):
            tok = self.peek()
            found = "the end" if tok.kind == "end" else repr(tok.text)
            raise MathParseError(f"expected {' or '.join(values) or kind}, found {found}")
        return self.advance()

    # -- grammar

    def parse(self) -> object:
        items = self.parse_items()
        self.expect_token("end")
        return items[0] if len(items) == 1 else _Seq("", "", tuple(items))

    def parse_items(self) -> list[object]:
        items = [self.parse_relation()]
        while self.at("op", ","):
            self.advance()
            items.append(self.parse_relation())
        return items

    def parse_relation(self) -> object:
        terms = [self.parse_expr(0)]
        ops: list[str] = []
        while self.at("op", *_RELOPS) or self.at("cmd", "in"):
            ops.append(self.advance().value)
            terms.append(self.parse_expr(0))
        return terms[0] if not ops else _Rel(tuple(terms), tuple(ops))

    def parse_expr(self, min_bp: int) -> object:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise MathParseError(f"answer is nested more than {MAX_DEPTH} levels deep")
        left = self.parse_prefix()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in _INFIX:
                op, bp = tok.value, _INFIX[tok.value]
            elif tok.kind == "cmd" and tok.value == "cup":
                op, bp = "cup", 5
            elif self.starts_factor(tok):
                if tok.value == "frac" and self.tokens[self.i - 1].kind == "num":
                    raise MathParseError("a number before \\frac is an ambiguous mixed number")
                op, bp = "implicit", _IMPLICIT_BP
            else:
                break
            if bp <= min_bp:
                break
            if op != "implicit":
                self.advance()
            left = self.apply(op, left, bp)
        self.depth -= 1
        return left

    def starts_factor(self, tok: Token) -> bool:
        """Whether ``tok`` can begin the right operand of juxtaposition."""
        if tok.kind in ("name", "const", "func"):
            return True
        if tok.kind == "cmd":
            return tok.value in _ARGS
        if tok.kind == "open":
            return tok.value in ("(", "{")
        return tok.kind == "op" and tok.value == "|" and self.abs_depth == 0

    def apply(self, op: str, left: object, bp: int) -> object:
        if op == "!":
            return factorial(_scalar(left))
        if op == "%":
            return _Percent(_scalar(left))
        if op == "cup":
            right = self.parse_expr(bp)
            parts = left.parts if isinstance(left, _Cup) else (left,)
            return _Cup((*parts, right))
        right = self.parse_expr(bp - 1 if op == "^" else bp)
        a, b = _scalar(left), _scalar(right)
        if op == "^":
            return power(a, b)
        if op == "+":
            return checked(a + b)
        if op == "-":
            return checked(a - b)
        if op == "/":
            return checked(a / b)
        return checked(a * b)

    def parse_prefix(self) -> object:
        tok = self.advance()
        kind, value = tok.kind, tok.value
        if kind == "num":
            return value
        if kind == "name":
            return symbol(value)
        if kind == "const":
            return value
        if kind == "op" and value in ("-", "+"):
            operand = _scalar(self.parse_expr(_UNARY_BP))
            return checked(-operand) if value == "-" else operand
        if kind == "op" and value == "|":
            self.abs_depth += 1
            inner = _scalar(self.parse_expr(0))
            self.abs_depth -= 1
            self.expect_token("op", "|")
            return sympy.Abs(inner)
        if kind == "open":
            return self.parse_bracket(value)
        if kind == "func":
            return self.parse_function(value)
        if kind == "cmd":
            return self.parse_command(tok)
        if kind == "end":
            raise MathParseError("the answer ends too early")
        raise MathParseError(f"unexpected {tok.text!r} at position {tok.pos}")

    def parse_bracket(self, open_: str) -> object:
        if self.at("close"):
            close = self.advance().value
            if (open_, close) in (("{", "}"), ("\\{", "\\}")):
                return _EMPTY
            raise MathParseError("empty brackets")
        items = self.parse_items()
        close = self.expect_token("close").value
        if _PAIRS[open_] != close and (open_, close) not in _MIXED:
            raise MathParseError(f"{open_!r} closed by {close!r}")
        single = len(items) == 1
        if (open_, close) in _MIXED and single:
            raise MathParseError("an interval needs two endpoints")
        if single and open_ in ("(", "{"):
            return items[0]
        if single and open_ == "[" and not (isinstance(items[0], _Seq) and items[0].open == "["):
            return items[0]
        return _Seq(open_, close, tuple(items))

    def parse_group_arg(self) -> sympy.Expr:
        """A LaTeX argument: ``{...}``, one digit of a number, or one symbol or constant."""
        tok = self.peek()
        if tok.kind == "open" and tok.value == "{":
            self.advance()
            value = _scalar(self.parse_expr(0), "a {...} argument")
            self.expect_token("close", "}")
            return value
        if tok.kind == "num" and tok.text.isdigit() and len(tok.text) > 1:
            rest = tok.text[1:]
            self.tokens[self.i] = Token("num", rest, sympy.Integer(int(rest)), tok.pos + 1)
            return sympy.Integer(int(tok.text[0]))
        if tok.kind in ("num", "name", "const") or self.at("open", "(") or self.at("cmd", *_ARGS):
            return _scalar(self.parse_prefix(), "a command argument")
        raise MathParseError(f"missing argument at position {tok.pos}")

    def parse_function(self, name: str) -> sympy.Expr:
        func = _FUNCS[name]
        exponent: sympy.Expr | None = None
        base: sympy.Expr | None = None
        if self.at("op", "^"):
            self.advance()
            exponent = self.parse_group_arg()
            if exponent == -1 and name in _INVERSE:
                func, exponent = _INVERSE[name], None
        if name in ("log", "ln") and self.at("op", "_"):
            self.advance()
            base = self.parse_group_arg()
        if self.at("open", "("):
            arg = _scalar(self.parse_prefix(), f"{name}()")
        else:
            arg = _scalar(self.parse_expr(_IMPLICIT_BP), f"{name}")
            while self.peek().kind in ("name", "const"):
                arg = checked(arg * _scalar(self.parse_expr(_IMPLICIT_BP)))
        if func is sympy.exp:
            result = power(sympy.E, arg)
        elif func is sympy.sqrt:
            result = root(arg, sympy.Integer(2))
        elif base is not None:
            result = checked(sympy.log(arg, base))
        else:
            result = checked(func(arg))
        return result if exponent is None else power(result, exponent)

    def parse_command(self, tok: Token) -> object:
        name = tok.value
        if name == "frac":
            num = self.parse_group_arg()
            return checked(num / self.parse_group_arg())
        if name == "sqrt":
            index = sympy.Integer(2)
            if self.at("open", "["):
                self.advance()
                index = _scalar(self.parse_expr(0), "a root index")
                self.expect_token("close", "]")
            return root(self.parse_group_arg(), index)
        if name == "binom":
            n = self.parse_group_arg()
            return binomial(n, self.parse_group_arg())
        if name == "emptyset":
            return _EMPTY
        if name == "reals":
            return _REALS
        if name == "begin":
            return self.parse_matrix()
        raise MathParseError(f"unexpected {tok.text!r} at position {tok.pos}")

    def parse_matrix(self) -> _Rows:
        rows: list[list[sympy.Expr]] = [[]]
        while True:
            rows[-1].append(_scalar(self.parse_expr(0), "a matrix entry"))
            if self.at("op", "&"):
                self.advance()
            elif self.at("op", "\\\\"):
                self.advance()
                if self.at("cmd", "end"):
                    break
                rows.append([])
            else:
                break
        self.expect_token("cmd", "end")
        if len({len(row) for row in rows}) != 1:
            raise MathParseError("matrix rows have different lengths")
        return _Rows(tuple(tuple(row) for row in rows))


# -- shaping raw results by the expected answer type ---------------------------------------------


def _coerce(raw: object, expect: str | None) -> MathValue:
    if isinstance(raw, sympy.Expr):
        return SetValue((Scalar(raw),)) if expect == "set" else Scalar(raw)
    if isinstance(raw, _Percent):
        return Scalar(raw.value, percent=True)
    if isinstance(raw, _Rel):
        return _coerce_relation(raw, expect)
    if isinstance(raw, _Seq):
        return _coerce_seq(raw, expect)
    if isinstance(raw, _Rows):
        rows = raw.rows
        if expect == "tuple" and (len(rows) == 1 or len(rows[0]) == 1):
            return TupleValue(tuple(Scalar(x) for row in rows for x in row))
        return Matrix(rows)
    if isinstance(raw, _Cup):
        return IntervalUnion(tuple(_as_interval(part) for part in raw.parts))
    if raw is _REALS:
        return Interval(-sympy.oo, sympy.oo, True, True)
    raise MathParseError("unsupported answer")


def _as_interval(raw: object) -> Interval:
    value = _coerce(raw, "interval")
    if not isinstance(value, Interval):
        raise MathParseError("\\cup joins intervals only")
    return value


def _element(raw: object) -> MathValue:
    """An element of a set or tuple: ``x = 1`` with a lone symbol on the left counts as ``1``."""
    if isinstance(raw, _Rel) and raw.ops == ("=",) and isinstance(raw.terms[0], sympy.Symbol):
        raw = raw.terms[1]
    return _coerce(raw, None)


def _coerce_seq(seq: _Seq, expect: str | None) -> MathValue:
    items, pair = seq.items, (seq.open, seq.close)
    if seq.open in ("{", "\\{") or (seq.open == "" and expect == "set"):
        return SetValue(tuple(_element(x) for x in items))
    if pair in _MIXED or (pair == ("(", ")") and expect == "interval"):
        return _interval(items, seq.open == "(", seq.close == ")")
    if pair == ("[", "]") and expect != "tuple":
        if all(isinstance(x, _Seq) and x.open == "[" and x.close == "]" for x in items):
            rows = tuple(tuple(_scalar(v, "a matrix entry") for v in x.items) for x in items)
            if len({len(row) for row in rows}) != 1:
                raise MathParseError("matrix rows have different lengths")
            return Matrix(rows)
        if expect == "matrix":
            return Matrix((tuple(_scalar(v, "a matrix entry") for v in items),))
        if len(items) == 2:
            return _interval(items, False, False)
    return TupleValue(tuple(_element(x) for x in items), _labels(items))


def _labels(items: tuple[object, ...]) -> tuple[str | None, ...]:
    """The variable each item names (``x = 1`` names ``x``); ``()`` when none does."""
    labels = tuple(
        x.terms[0].name
        if isinstance(x, _Rel) and x.ops == ("=",) and isinstance(x.terms[0], sympy.Symbol)
        else None
        for x in items
    )
    return labels if any(labels) else ()


def _interval(items: tuple[object, ...], left_open: bool, right_open: bool) -> Interval:
    if len(items) != 2:
        raise MathParseError("an interval needs two endpoints")
    lo, hi = (_scalar(x, "an interval endpoint") for x in items)
    return Interval(lo, hi, left_open, right_open)


def _coerce_relation(rel: _Rel, expect: str | None) -> MathValue:
    terms, ops = rel.terms, rel.ops
    if ops == ("in",):
        if not isinstance(terms[0], sympy.Symbol):
            raise MathParseError("\\in needs a variable on its left")
        return _coerce(terms[1], expect)
    if ops == ("=",):
        lhs, rhs = terms
        lone = isinstance(lhs, sympy.Symbol)
        names = isinstance(lhs, _Seq) and all(isinstance(x, sympy.Symbol) for x in lhs.items)
        if (lone and expect in _COLLECTIONS) or names:
            value = _coerce(rhs, expect)
            if names and isinstance(value, TupleValue) and len(value.items) == len(lhs.items):
                return TupleValue(value.items, tuple(x.name for x in lhs.items))
            return value
        return Equation(_scalar(lhs, "an equation"), _scalar(rhs, "an equation"))
    if expect == "interval" and "=" not in ops:
        return _interval_from_inequality(terms, ops)
    raise MathParseError("only a single equation or an interval inequality is read")


def _interval_from_inequality(terms: tuple[object, ...], ops: tuple[str, ...]) -> Interval:
    ends = [_scalar(t, "an inequality") for t in terms]
    oo = sympy.oo
    if len(ends) == 3 and isinstance(ends[1], sympy.Symbol):
        lo, _, hi = ends
        if all(op in ("<", "<=") for op in ops):
            return Interval(lo, hi, ops[0] == "<", ops[1] == "<")
        if all(op in (">", ">=") for op in ops):
            return Interval(hi, lo, ops[1] == ">", ops[0] == ">")
    if len(ends) == 2:
        op = ops[0]
        if isinstance(ends[1], sympy.Symbol) and not isinstance(ends[0], sympy.Symbol):
            ends.reverse()
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
        if isinstance(ends[0], sympy.Symbol):
            bound = ends[1]
            if op in ("<", "<="):
                return Interval(-oo, bound, True, op == "<")
            return Interval(bound, oo, op == ">", True)
    raise MathParseError("this inequality is not an interval")
