"""When two :data:`rlvr.verifiers.mathparse.MathValue` values are the same answer.

Rules, by the gold's kind:

* **Numbers** (no free symbols). Identical sympy values are equal. Two rationals are equal only
  exactly (or within ``tolerance``, relative to the gold, when one is set). A rational never equals
  a value sympy knows to be irrational (so ``3.14`` is not ``pi`` and 50 digits of ``pi`` are not
  ``pi`` either). Otherwise (radicals, ``pi``, logs) the difference ``answer - gold`` is formed by
  sympy (which often cancels it to exactly 0) and evaluated with mpmath at 60 significant digits:
  equal when ``|difference| <= 1e-40 * max(|gold|, |answer|)`` or ``<= 1e-50``. Infinities compare
  structurally only. ``nsimplify`` is never used.
* **Expressions** (free symbols). Identical values are equal. Otherwise both are evaluated with
  mpmath (60 digits, no expansion, so ``(x+1)^10000`` costs nothing) at up to 16 points drawn from a
  ``random.Random`` seeded by the caller: every variable is ``±u`` with ``u`` in ``[0.25, 2.5]``,
  all positive at even draws. A point where either side is undefined, or where exactly one side is
  non-real (``log(x^2)`` against ``2*log(x)`` at ``x < 0``), is skipped; any other point must agree
  to a relative ``1e-25``. Six agreeing points decide; with fewer than three usable points a cheap
  ``sympy.simplify(gold - answer) == 0`` (at most 30 operations) decides, else not equal.
* **Antiderivatives**: the answer's and the gold's derivatives by the variable must be equal
  expressions (so ``+ C`` and any constant are fine). A difference free of the variable is equal.
* **Percentages** (``percent`` rule): an answer written ``p%`` reads as ``p/100``. With the percent
  rule on, a gold or an unmarked answer ``v`` may also mean ``v%``: ``50%``, ``50``, ``1/2`` and
  ``0.5`` all match a gold of ``50`` or of ``1/2``. Without it the ``%`` sign is dropped.
* **Sets** ignore order and duplicates: every gold element equals some answer element and every
  answer element equals some gold element. **Tuples** and **matrices** compare elementwise, same
  shape. **Intervals** compare endpoints and, for finite endpoints, openness. Unions of intervals
  compare like sets of intervals.
* **Equations** are equal when ``lhs - rhs`` of one is a nonzero constant multiple of the other's
  (``y = 2x + 1``, ``2y - 4x = 2``). An equation with a lone variable on the left that is absent on
  the right (``x = 2``) stands for its right side where the gold is not an equation.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sympy
from mpmath.ctx_mp import MPContext

from rlvr.verifiers.mathvalues import (
    Equation,
    Interval,
    IntervalUnion,
    MathValue,
    Matrix,
    Scalar,
    SetValue,
    TupleValue,
    symbol,
)

DIGITS = 60
CONSTANT_REL = 1e-40
CONSTANT_ABS = 1e-50
POINT_REL = 1e-25
POINT_ABS = 1e-40
MAX_POINTS = 16
ENOUGH_POINTS = 6
MIN_POINTS = 3
SIMPLIFY_MAX_OPS = 30

_mp = MPContext()
_mp.dps = DIGITS
_INFINITE = (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan)


@dataclass(frozen=True)
class Rules:
    """How to compare: ``tolerance`` (relative, ``None`` = exact), the percent rule, the variable
    of an antiderivative (``None`` = not an antiderivative) and the seed of the sample points."""

    tolerance: float | None = None
    percent: bool = False
    antiderivative: str | None = None
    seed: int = 0


def equivalent(gold: MathValue, answer: MathValue, rules: Rules) -> bool:
    """Whether ``answer`` is the same answer as ``gold`` (see the module docs)."""
    if isinstance(answer, Equation) and not isinstance(gold, Equation):
        lhs = answer.lhs
        if not isinstance(lhs, sympy.Symbol) or lhs in answer.rhs.free_symbols:
            return False
        answer = Scalar(answer.rhs)
    if type(gold) is not type(answer):
        return False
    if isinstance(gold, Scalar):
        return _scalars_equal(gold, answer, rules)
    if isinstance(gold, SetValue):
        return _match_all(gold.items, answer.items, lambda g, a: equivalent(g, a, rules))
    if isinstance(gold, TupleValue):
        return len(gold.items) == len(answer.items) and all(
            equivalent(g, a, rules) for g, a in zip(gold.items, answer.items, strict=True)
        )
    if isinstance(gold, Interval):
        return _intervals_equal(gold, answer, rules)
    if isinstance(gold, IntervalUnion):
        return _match_all(gold.parts, answer.parts, lambda g, a: _intervals_equal(g, a, rules))
    if isinstance(gold, Matrix):
        shape = (len(gold.rows), len(gold.rows[0]))
        return shape == (len(answer.rows), len(answer.rows[0])) and all(
            exprs_equal(g, a, rules)
            for grow, arow in zip(gold.rows, answer.rows, strict=True)
            for g, a in zip(grow, arow, strict=True)
        )
    if isinstance(gold, Equation):
        return _equations_equal(gold, answer, rules)
    raise TypeError(f"not a math value: {gold!r}")


def _scalars_equal(gold: Scalar, answer: Scalar, rules: Rules) -> bool:
    hundred = sympy.Integer(100)
    answers = [answer.expr / hundred] if answer.percent and rules.percent else [answer.expr]
    golds = [gold.expr]
    if rules.percent:
        golds.append(gold.expr / hundred)
        if not answer.percent:
            answers.append(answer.expr / hundred)
    return any(exprs_equal(g, a, rules) for g in golds for a in answers)


def exprs_equal(gold: sympy.Expr, answer: sympy.Expr, rules: Rules) -> bool:
    """Whether two sympy values are equal as numbers, expressions or antiderivatives."""
    if gold == answer:
        return True
    if gold.has(*_INFINITE) or answer.has(*_INFINITE):
        return False
    if rules.antiderivative is not None:
        x = symbol(rules.antiderivative)
        if x not in (answer - gold).free_symbols:
            return True
        return _functions_equal(sympy.diff(gold, x), sympy.diff(answer, x), rules)
    if not gold.free_symbols and not answer.free_symbols:
        return _constants_equal(gold, answer, rules.tolerance)
    return _functions_equal(gold, answer, rules)


def _constants_equal(gold: sympy.Expr, answer: sympy.Expr, tolerance: float | None) -> bool:
    if tolerance:
        try:
            g, a = mp_value(gold, {}), mp_value(answer, {})
        except Undefined:
            return False
        return abs(a - g) <= tolerance * abs(g) if g != 0 else abs(a) <= tolerance
    if gold.is_Rational and answer.is_Rational:
        return False  # equal rationals are identical, and that was checked
    if (gold.is_Rational and answer.is_rational is False) or (
        answer.is_Rational and gold.is_rational is False
    ):
        return False
    difference = answer - gold
    if difference == 0:
        return True
    try:
        d = mp_value(difference, {})
        scale = max(abs(mp_value(gold, {})), abs(mp_value(answer, {})))
    except Undefined:
        return False
    return abs(d) <= CONSTANT_REL * scale or abs(d) <= CONSTANT_ABS


def _functions_equal(gold: sympy.Expr, answer: sympy.Expr, rules: Rules) -> bool:
    rel = max(rules.tolerance or 0.0, POINT_REL)
    agreed = 0
    for point in _points(gold.free_symbols | answer.free_symbols, rules.seed):
        try:
            g, a = mp_value(gold, point), mp_value(answer, point)
        except Undefined:
            continue
        if _is_real(g) != _is_real(a):
            continue
        if not _close(g, a, rel):
            return False
        agreed += 1
        if agreed == ENOUGH_POINTS:
            return True
    if agreed >= MIN_POINTS:
        return True
    return _cheap_simplify_is_zero(gold - answer)


def _equations_equal(gold: Equation, answer: Equation, rules: Rules) -> bool:
    if (gold.lhs, gold.rhs) in ((answer.lhs, answer.rhs), (answer.rhs, answer.lhs)):
        return True
    fg, fa = gold.lhs - gold.rhs, answer.lhs - answer.rhs
    ratio: Any = None
    agreed = 0
    for point in _points(fg.free_symbols | fa.free_symbols, rules.seed):
        try:
            g, a = mp_value(fg, point), mp_value(fa, point)
        except Undefined:
            continue
        if abs(g) <= POINT_ABS or abs(a) <= POINT_ABS:
            if (abs(g) <= POINT_ABS) != (abs(a) <= POINT_ABS):
                return False
            continue
        r = a / g
        if ratio is None:
            ratio = r
        elif not _close(r, ratio, POINT_REL):
            return False
        agreed += 1
        if agreed == ENOUGH_POINTS:
            break
    return agreed >= MIN_POINTS


def _intervals_equal(gold: Interval, answer: Interval, rules: Rules) -> bool:
    ends = (
        (gold.lo, answer.lo, gold.left_open, answer.left_open),
        (gold.hi, answer.hi, gold.right_open, answer.right_open),
    )
    for g, a, g_open, a_open in ends:
        if not exprs_equal(g, a, rules) or (g_open != a_open and g.is_finite is not False):
            return False
    return True


def _match_all(golds: tuple[Any, ...], answers: tuple[Any, ...], same: Callable) -> bool:
    """Every gold matches some answer and every answer matches some gold (order-free).

    Identical values match through a dict first, so large equal sets cost linear time."""
    index: dict[Any, set[int]] = {}
    for j, a in enumerate(answers):
        index.setdefault(a, set()).add(j)
    matched: set[int] = set()
    for g in golds:
        hits = index.get(g) or {j for j, a in enumerate(answers) if same(g, a)}
        if not hits:
            return False
        matched |= hits
    return all(j in matched or any(same(g, a) for g in golds) for j, a in enumerate(answers))


def _cheap_simplify_is_zero(difference: sympy.Expr) -> bool:
    if sympy.count_ops(difference) > SIMPLIFY_MAX_OPS:
        return False
    return sympy.simplify(difference) == 0


# -- numeric evaluation -------------------------------------------------------------------------


class Undefined(ArithmeticError):
    """The value is undefined, infinite or not supported at this point."""


def _points(symbols: set[sympy.Symbol], seed: int) -> Iterator[dict[sympy.Symbol, Any]]:
    ordered = sorted(symbols, key=lambda s: s.name)
    rng = random.Random(seed)
    for k in range(MAX_POINTS):
        point = {}
        for s in ordered:
            u = _mp.mpf(rng.uniform(0.25, 2.5))
            point[s] = u if k % 2 == 0 or rng.random() < 0.5 else -u
        yield point


def _is_real(v: Any) -> bool:
    return not isinstance(v, _mp.mpc) or abs(v.imag) <= POINT_REL * max(1, abs(v.real))


def _close(a: Any, b: Any, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) or abs(a - b) <= POINT_ABS


def _gamma_plus_one(x: Any) -> Any:
    return _mp.gamma(x + 1)


def _delta(x: Any) -> Any:
    if x == 0:
        raise Undefined("delta at 0")
    return _mp.zero


_MP_FUNCS: dict[type, Callable[..., Any]] = {
    sympy.sin: _mp.sin,
    sympy.cos: _mp.cos,
    sympy.tan: _mp.tan,
    sympy.sec: _mp.sec,
    sympy.csc: _mp.csc,
    sympy.cot: _mp.cot,
    sympy.asin: _mp.asin,
    sympy.acos: _mp.acos,
    sympy.atan: _mp.atan,
    sympy.acot: _mp.acot,
    sympy.sinh: _mp.sinh,
    sympy.cosh: _mp.cosh,
    sympy.tanh: _mp.tanh,
    sympy.log: _mp.log,
    sympy.exp: _mp.exp,
    sympy.Abs: abs,
    sympy.sign: _mp.sign,
    sympy.factorial: _gamma_plus_one,
    sympy.gamma: _mp.gamma,
    sympy.binomial: _mp.binomial,
    sympy.DiracDelta: _delta,
}


def mp_value(expr: sympy.Expr, point: dict[sympy.Symbol, Any]) -> Any:
    """``expr`` evaluated with mpmath at 60 digits, symbols taken from ``point``.

    Shared subexpressions are evaluated once. Raises :class:`Undefined` for a missing symbol, a
    division by zero, an infinite or NaN result, or a node this evaluator does not know.
    """
    try:
        value = _eval(expr, point, {})
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        raise Undefined(str(exc)) from None
    if not _mp.isfinite(value):
        raise Undefined("not finite")
    return value


def _eval(e: sympy.Expr, point: dict[sympy.Symbol, Any], memo: dict[sympy.Expr, Any]) -> Any:
    if e.is_Atom:
        return _atom(e, point)
    value = memo.get(e)
    if value is None:
        value = memo[e] = _node(e, point, memo)
    return value


def _atom(e: sympy.Expr, point: dict[sympy.Symbol, Any]) -> Any:
    if e.is_Symbol:
        if e not in point:
            raise Undefined(f"no value for {e}")
        return point[e]
    if e.is_Integer:
        return _mp.mpf(int(e))
    if e.is_Rational:
        return _mp.mpf(e.p) / e.q
    if e is sympy.pi:
        return +_mp.pi
    if e is sympy.E:
        return +_mp.e
    if e is sympy.I:
        return _mp.mpc(0, 1)
    raise Undefined(f"cannot evaluate {e}")


def _node(e: sympy.Expr, point: dict[sympy.Symbol, Any], memo: dict[sympy.Expr, Any]) -> Any:
    if e.is_Add:
        return _mp.fsum(_eval(a, point, memo) for a in e.args)
    if e.is_Mul:
        result = _mp.one
        for a in e.args:
            result *= _eval(a, point, memo)
        return result
    if e.is_Pow:
        base, exp = _eval(e.base, point, memo), e.exp
        if exp.is_Integer:
            return base ** int(exp)
        if exp == sympy.S.Half:
            return _mp.sqrt(base)
        return _mp.power(base, _eval(exp, point, memo))
    func = _MP_FUNCS.get(type(e))
    if func is None:
        raise Undefined(f"cannot evaluate {type(e).__name__}")
    value = func(*(_eval(a, point, memo) for a in e.args))
    if not _mp.isfinite(value):
        raise Undefined("not finite")
    return value
