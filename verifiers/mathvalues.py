"""The values :func:`rlvr.verifiers.mathparse.parse_math` returns: one small frozen dataclass per
kind of answer, each tagged with a ``kind`` class attribute, and :data:`MathValue`, their union.

Scalars hold sympy expressions built by the parser (never by ``sympify``); symbols are real.
The guarded constructors (:func:`power`, :func:`root`, :func:`factorial`, :func:`binomial`,
:func:`checked`) raise :class:`MathParseError` before sympy would compute anything huge: integer
exponents beyond 10,000 in size (numeric exponents are checked before anything is computed),
rationals over 50,000 bits, factorials beyond 1000!, binomials beyond n = 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import sympy

from rlvr.verifiers.mathlex import MathParseError

MAX_EXPONENT = 10_000
MAX_BITS = 50_000
MAX_FACTORIAL = 1_000
MAX_BINOMIAL = 10_000
ANSWER_TYPES = frozenset(
    {"number", "expression", "set", "tuple", "interval", "equation", "matrix", "antiderivative"}
)


@dataclass(frozen=True)
class Scalar:
    """A number or an expression; ``percent`` marks an answer written with ``%``."""

    kind: ClassVar[str] = "scalar"
    expr: sympy.Expr
    percent: bool = False


@dataclass(frozen=True)
class SetValue:
    """An unordered collection; duplicates are kept here and ignored when comparing."""

    kind: ClassVar[str] = "set"
    items: tuple[MathValue, ...]


@dataclass(frozen=True)
class TupleValue:
    """An ordered collection. ``labels`` are the variable names an answer wrote for its items
    (``y = 1, x = 2`` or ``(y, x) = (1, 2)``; ``None`` for an unlabelled item, ``()`` when none
    is labelled); they take no part in equality."""

    kind: ClassVar[str] = "tuple"
    items: tuple[MathValue, ...]
    labels: tuple[str | None, ...] = field(default=(), compare=False)

    def by_name(self, names: tuple[str, ...]) -> TupleValue | None:
        """The items in the order of the variables ``names``: ``self`` when unlabelled, ``None``
        when the labels do not name each of ``names`` exactly once."""
        if not any(self.labels):
            return self
        if sorted(self.labels, key=str) != sorted(names) or len(set(names)) != len(names):
            return None
        by_label = dict(zip(self.labels, self.items, strict=True))
        return TupleValue(tuple(by_label[name] for name in names))


@dataclass(frozen=True)
class Interval:
    """A real interval; ``left_open``/``right_open`` say whether each end is excluded."""

    kind: ClassVar[str] = "interval"
    lo: sympy.Expr
    hi: sympy.Expr
    left_open: bool
    right_open: bool


@dataclass(frozen=True)
class IntervalUnion:
    """A union of intervals (``A \\cup B``)."""

    kind: ClassVar[str] = "union"
    parts: tuple[Interval, ...]


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs``."""

    kind: ClassVar[str] = "equation"
    lhs: sympy.Expr
    rhs: sympy.Expr


@dataclass(frozen=True)
class Matrix:
    """Rows of scalar entries, all of one length."""

    kind: ClassVar[str] = "matrix"
    rows: tuple[tuple[sympy.Expr, ...], ...]


MathValue = Scalar | SetValue | TupleValue | Interval | IntervalUnion | Equation | Matrix


def symbol(name: str) -> sympy.Symbol:
    """The symbol the parser makes for ``name`` (real-valued)."""
    return sympy.Symbol(name, real=True)


# -- guarded construction: nothing huge is ever computed --------------------------------------


def checked(expr: sympy.Expr) -> sympy.Expr:
    """Reject results with huge rationals or huge integer powers (checks ``expr`` and its args)."""
    for node in (expr, *expr.args):
        if node.is_Rational and max(node.p.bit_length(), node.q.bit_length()) > MAX_BITS:
            raise MathParseError("a number in the answer is too large")
        if node.is_Pow and node.exp.is_Integer and abs(node.exp) > MAX_EXPONENT:
            raise MathParseError("an exponent in the answer is too large")
    return expr


def _too_big(value: sympy.Expr, limit: int) -> bool:
    """Whether the constant ``value`` is larger than ``limit`` in size (undecidable: no)."""
    if value.is_Rational:
        return abs(value) > limit
    try:
        return bool(abs(value) > limit)
    except TypeError:
        return False


def power(base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
    """``base ** exp``, refused when the exponent or the resulting rational would be huge."""
    if exp.is_number and not exp.has(sympy.zoo, sympy.nan) and _too_big(exp, MAX_EXPONENT):
        raise MathParseError("an exponent in the answer is too large")
    if base.is_Rational and exp.is_Integer:
        bits = max(base.p.bit_length(), base.q.bit_length()) * abs(int(exp))
        if bits > MAX_BITS:
            raise MathParseError("a power in the answer is too large")
    return checked(sympy.Pow(base, exp))


def root(x: sympy.Expr, n: sympy.Expr) -> sympy.Expr:
    """The ``n``-th root; the real one for a negative number and odd ``n``."""
    if n.is_Integer and n.is_odd and x.is_number and x.is_negative:
        return -power(-x, 1 / n)
    return power(x, 1 / n) if n != 2 else checked(sympy.sqrt(x))


def factorial(x: sympy.Expr) -> sympy.Expr:
    """``x!``, computed for integers up to 1000 only."""
    if x.is_Integer and not 0 <= x <= MAX_FACTORIAL:
        raise MathParseError(f"factorials are read for 0..{MAX_FACTORIAL} only")
    return sympy.factorial(x)


def binomial(n: sympy.Expr, k: sympy.Expr) -> sympy.Expr:
    """``binom(n, k)``, computed for ``|n| <= 10,000`` only."""
    if n.is_Integer and abs(n) > MAX_BINOMIAL:
        raise MathParseError("binomial coefficient too large")
    return checked(sympy.binomial(n, k))
