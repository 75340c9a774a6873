"""Derivatives: differentiate a function of x, or evaluate its derivative at a point.

Difficulty knobs (which rules a function needs):

=====  ================================================================================
level  functions
=====  ================================================================================
1      polynomials of degree 2-3, coefficients -9..9
2      polynomials of degree 3-4 plus a term ``c/x^n`` or ``c*sqrt(x)`` (power rule)
3      product ``polynomial * exp/sin/cos(x)``, or one chain rule: ``exp(a*x + b)``,
       ``sin(a*x + b)``, ``cos(a*x + b)``, ``(a*x + b)^n``
4      quotients of polynomials, ``log(polynomial)``, ``polynomial * exp(a*x)``,
       ``(x^2 + b)^n``
5      chain rule inside a product or quotient: ``exp(a*x^2)*sin(b*x)``,
       ``sqrt(a*x^2 + b)``, ``exp(sin(a*x))``, ``sin(a*x)^n``, ``sin(a*x)/(x^2 + b)``,
       ``x^n*log(x)``
=====  ================================================================================

From level 2 on, about a quarter of the tasks ask for ``f'(a)`` at a small integer ``a`` instead
(when one of four points tried gives a rational value).

Answer format: the derivative as an expression in ``x`` in the plain notation of
``docs/math-answers.md`` (``metadata["answer_type"] == "expression"``), rendered by
:func:`rlvr.tasks.math.render.to_plain` from :func:`differentiate` (the textbook rules; not
simplified: any equivalent form is right). For ``f'(a)`` the gold is a rational number
(``answer_type`` ``"number"``): points where the value is not rational (``sin(2)``) or where f is
not defined are never asked.
Metadata: ``function`` (plain notation), ``variable`` (``"x"``), ``kind``, and ``point``
(an int) for the evaluation tasks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, ClassVar

import sympy

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.math.render import to_plain

x = sympy.Symbol("x")

NOTATION = (
    "Notation: ^ is a power, * is multiplication, log is the natural logarithm, exp(u) = e^u."
)
PROMPT = (
    "Differentiate the function with respect to x.\n\nf(x) = {function}\n\n{notation}\n\n"
    "Give f'(x) as an expression in x (for example 6*x^2 - exp(2*x)) inside \\boxed{{}}."
)
POINT_PROMPT = (
    "Let f(x) = {function}.\n\n{notation}\n\n"
    "Compute f'({point}), the derivative of f at x = {point}. "
    "Give the exact value as an integer or a reduced fraction p/q inside \\boxed{{}}."
)
EVALUATE_FROM = 2
"""Levels from which a quarter of the tasks ask for the derivative's value at a point."""
POINTS = (-3, -2, -1, 0, 1, 2, 3)


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([c for c in range(low, high + 1) if c != 0])


def _poly(rng: random.Random, degree: int, bound: int = 9) -> sympy.Expr:
    """A polynomial of exactly ``degree`` with integer coefficients in ``-bound..bound``."""
    coeffs = [rng.randint(-bound, bound) for _ in range(degree)] + [_nonzero(rng, -bound, bound)]
    return sympy.Add(*(c * x**k for k, c in enumerate(coeffs)))


def _trig_or_exp(rng: random.Random, arg: sympy.Expr) -> sympy.Expr:
    return rng.choice((sympy.exp, sympy.sin, sympy.cos))(arg)


def _level1(rng: random.Random) -> tuple[sympy.Expr, str]:
    return _poly(rng, rng.randint(2, 3)), "polynomial"


def _level2(rng: random.Random) -> tuple[sympy.Expr, str]:
    c = _nonzero(rng, -6, 6)
    extra = c * sympy.sqrt(x) if rng.random() < 0.3 else c / x ** rng.randint(1, 3)
    return _poly(rng, rng.randint(3, 4), 6) + extra, "power"


def _level3(rng: random.Random) -> tuple[sympy.Expr, str]:
    if rng.random() < 0.5:
        return _poly(rng, rng.randint(1, 2), 5) * _trig_or_exp(rng, x), "product"
    inner = _nonzero(rng, -5, 5) * x + rng.randint(-5, 5)
    if rng.random() < 0.25:
        return _nonzero(rng, -3, 3) * inner ** rng.randint(3, 6), "chain"
    return _nonzero(rng, -4, 4) * _trig_or_exp(rng, inner), "chain"


def _level4(rng: random.Random) -> tuple[sympy.Expr, str]:
    kind = rng.choice(("quotient", "log", "product", "chain"))
    if kind == "quotient":
        return _poly(rng, rng.randint(1, 2), 5) / _poly(rng, rng.randint(1, 2), 5), kind
    if kind == "log":
        inner = rng.randint(1, 5) * x**2 + rng.randint(-4, 4) * x + rng.randint(1, 9)
        return _nonzero(rng, -4, 4) * sympy.log(inner), kind
    if kind == "product":
        return _poly(rng, rng.randint(1, 2), 5) * sympy.exp(_nonzero(rng, -3, 3) * x), kind
    inner = x**2 + _nonzero(rng, -6, 6)
    return _nonzero(rng, -3, 3) * inner ** rng.randint(2, 5), kind


def _level5(rng: random.Random) -> tuple[sympy.Expr, str]:
    kind = rng.choice(("product", "nested", "quotient", "log"))
    a, b = _nonzero(rng, -3, 3), _nonzero(rng, -4, 4)
    if kind == "product":
        trig = rng.choice((sympy.sin, sympy.cos))
        return sympy.exp(a * x**2) * trig(b * x), "chain-product"
    if kind == "nested":
        choice = rng.randrange(3)
        if choice == 0:
            return sympy.sqrt(rng.randint(1, 6) * x**2 + rng.randint(1, 9)), "chain-nested"
        if choice == 1:
            return sympy.exp(rng.choice((sympy.sin, sympy.cos))(a * x)), "chain-nested"
        return b * rng.choice((sympy.sin, sympy.cos))(a * x) ** rng.randint(2, 4), "chain-nested"
    if kind == "quotient":
        top = rng.choice((sympy.sin(a * x), sympy.cos(a * x), sympy.exp(a * x)))
        return top / (x**2 + rng.randint(1, 9)), "chain-quotient"
    return b * x ** rng.randint(1, 3) * sympy.log(x), "product-log"


LEVELS: dict[int, Callable[[random.Random], tuple[sympy.Expr, str]]] = {
    1: _level1,
    2: _level2,
    3: _level3,
    4: _level4,
    5: _level5,
}
KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"polynomial"}),
    2: frozenset({"power"}),
    3: frozenset({"product", "chain"}),
    4: frozenset({"quotient", "log", "product", "chain"}),
    5: frozenset({"chain-product", "chain-nested", "chain-quotient", "product-log"}),
}


def differentiate(expr: sympy.Expr) -> sympy.Expr:
    """d/dx of ``expr`` by the textbook rules (sum, product, power with a constant exponent,
    chain through exp/sin/cos/log). Built for the functions above: an order of magnitude faster
    than ``sympy.diff``, whose ``Derivative`` machinery dominates generation time otherwise."""
    if expr == x:
        return sympy.S.One
    if not expr.has(x):
        return sympy.S.Zero
    args = expr.args
    if expr.is_Add:
        return sympy.Add(*(differentiate(arg) for arg in args))
    if expr.is_Mul:
        return sympy.Add(
            *(
                sympy.Mul(*args[:i], differentiate(arg), *args[i + 1 :])
                for i, arg in enumerate(args)
                if arg.has(x)
            )
        )
    if expr.is_Pow and not expr.exp.has(x):
        return expr.exp * expr.base ** (expr.exp - 1) * differentiate(expr.base)
    inner = differentiate(args[0])
    if isinstance(expr, sympy.exp):
        return expr * inner
    if isinstance(expr, sympy.sin):
        return sympy.cos(args[0]) * inner
    if isinstance(expr, sympy.cos):
        return -sympy.sin(args[0]) * inner
    if isinstance(expr, sympy.log):
        return inner / args[0]
    raise TypeError(f"differentiate: unsupported {expr}")


def _rational_value(
    rng: random.Random, function: sympy.Expr, derivative: sympy.Expr
) -> tuple[int, sympy.Expr] | None:
    """A point among :data:`POINTS` where ``function`` is real and ``derivative`` rational, if
    one of the first four tried is such a point."""
    for point in rng.sample(POINTS, 4):
        value = derivative.subs(x, point)
        if value.is_Rational and function.subs(x, point).is_real:
            return point, value
    return None


class DerivativeSource(ProceduralSource):
    """Differentiate a function of x; the gold answer is its derivative (or f'(a))."""

    family: ClassVar[str] = "derivatives"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        function, kind = LEVELS[difficulty](rng)
        derivative = differentiate(function)
        text = to_plain(function)
        metadata: dict[str, Any] = {"function": text, "variable": "x", "kind": kind}
        if difficulty >= EVALUATE_FROM and rng.random() < 0.25:
            found = _rational_value(rng, function, derivative)
            if found is not None:
                point, value = found
                prompt = POINT_PROMPT.format(function=text, notation=NOTATION, point=point)
                metadata.update(answer_type="number", point=point)
                return Problem(prompt=prompt, answer=to_plain(value), metadata=metadata)
        metadata["answer_type"] = "expression"
        prompt = PROMPT.format(function=text, notation=NOTATION)
        return Problem(prompt=prompt, answer=to_plain(derivative), metadata=metadata)
