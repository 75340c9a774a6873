"""Integrals: an antiderivative of a function of x, or the exact value of a definite integral.

Difficulty knobs (which technique the integrand needs):

=====  ================================================================================
level  integrands
=====  ================================================================================
1      polynomials of degree 1-2, coefficients -6..6
2      polynomials of degree 2-3 plus, half of the time, ``c/x^2`` or ``c*sqrt(x)``
3      one of ``a*exp(k*x)``, ``a*sin(k*x)``, ``a*cos(k*x)``, ``a/x``, half of the time plus
       ``c*x + d``
4      substitution: ``a*x*exp(k*x^2)``, ``a*(p*x + q)^n``, ``a*x/(x^2 + b)``,
       ``a*x*(x^2 + b)^n``, ``a*sin(k*x)^n*cos(k*x)``, ``a*cos(k*x)^n*sin(k*x)``
5      integration by parts: ``a*x*exp(k*x)``, ``a*x*sin(k*x)``, ``a*x*cos(k*x)``,
       ``a*log(x)``, ``a*x^n*log(x)``, ``a*x^2*exp(x)``
=====  ================================================================================

Half of the tasks are indefinite, half definite. Every integrand comes with its antiderivative,
written from the rule that integrates it (no ``sympy.integrate`` at generation time).

Answer format (plain notation of ``docs/math-answers.md``, rendered by
:func:`rlvr.tasks.math.render.to_plain`):

* indefinite: ``answer_type`` ``"antiderivative"``, ``metadata["variable"] == "x"``; the gold
  is one antiderivative without ``+ C``. Any antiderivative is right (the prompt says so).
* definite: ``answer_type`` ``"number"``; the gold is the exact value. It is rational, or an exact
  constant built from rationals, ``pi``, ``e``, ``exp(..)``, ``log(..)`` and ``sqrt(..)`` (for
  example ``pi/4``, ``-1/2 + exp(2)/2``, ``log(2)/2``): bounds are chosen so that the value is
  exact. ``metadata["lower"]`` and ``metadata["upper"]`` hold the bounds in plain notation.

Metadata also holds ``integrand`` (plain notation) and ``kind``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, ClassVar

import sympy
from sympy import Rational as R

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.math.render import to_plain

x = sympy.Symbol("x")
pi, E = sympy.pi, sympy.E

NOTATION = (
    "Notation: ^ is a power, * is multiplication, log is the natural logarithm, exp(u) = e^u."
)
INDEFINITE_PROMPT = (
    "Find an antiderivative of the function, that is a function F(x) with F'(x) = f(x).\n\n"
    "f(x) = {integrand}\n\n{notation}\n\n"
    "Any antiderivative is accepted; the constant of integration (+ C) is optional. "
    "Give F(x) as an expression in x inside \\boxed{{}}."
)
DEFINITE_PROMPT = (
    "Compute the definite integral of f(x) from x = {lower} to x = {upper}.\n\n"
    "f(x) = {integrand}\n\n{notation}\n\n"
    "Give the exact value (an integer, a reduced fraction p/q, or an exact expression such as "
    "pi/4 - 1/2 or 2 - 2*exp(-1)) inside \\boxed{{}}."
)

Bounds = tuple[sympy.Expr, sympy.Expr]
Template = tuple[sympy.Expr, sympy.Expr, tuple[Bounds, ...], str]
"""(integrand, antiderivative, bounds to choose from for the definite form, kind)."""


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([c for c in range(low, high + 1) if c != 0])


def _int_bounds(rng: random.Random, low: int, high: int) -> tuple[Bounds, ...]:
    a, b = sorted(rng.sample(range(low, high + 1), 2))
    return ((sympy.Integer(a), sympy.Integer(b)),)


def _poly(rng: random.Random, degree: int, bound: int) -> tuple[sympy.Expr, sympy.Expr]:
    """A polynomial of exactly ``degree`` and its antiderivative."""
    coeffs = [rng.randint(-bound, bound) for _ in range(degree)] + [_nonzero(rng, -bound, bound)]
    f = sympy.Add(*(c * x**k for k, c in enumerate(coeffs)))
    antiderivative = sympy.Add(*(R(c, k + 1) * x ** (k + 1) for k, c in enumerate(coeffs)))
    return f, antiderivative


def _level1(rng: random.Random) -> Template:
    f, antiderivative = _poly(rng, rng.randint(1, 2), 6)
    return f, antiderivative, _int_bounds(rng, 0, 3), "polynomial"


def _level2(rng: random.Random) -> Template:
    f, antiderivative = _poly(rng, rng.randint(2, 3), 9)
    if rng.random() < 0.5:
        return f, antiderivative, _int_bounds(rng, -3, 3), "polynomial"
    c = _nonzero(rng, -6, 6)
    if rng.random() < 0.5:
        bounds = ((sympy.Integer(1), sympy.Integer(4)), (sympy.Integer(0), sympy.Integer(1)))
        return f + c * sympy.sqrt(x), antiderivative + R(2 * c, 3) * x ** R(3, 2), bounds, "power"
    return f + c / x**2, antiderivative - c / x, _int_bounds(rng, 1, 4), "power"


def _level3(rng: random.Random) -> Template:
    a, k = _nonzero(rng, -6, 6), rng.randint(1, 3)
    kind = rng.choice(("exp", "sin", "cos", "reciprocal"))
    if kind == "exp":
        k = _nonzero(rng, -3, 3)
        f, antiderivative = a * sympy.exp(k * x), R(a, k) * sympy.exp(k * x)
        bounds: tuple[Bounds, ...] = ((0, sympy.log(2)), (0, 1))
    elif kind == "sin":
        f, antiderivative = a * sympy.sin(k * x), -R(a, k) * sympy.cos(k * x)
        bounds = ((0, pi / k), (0, pi / (2 * k)), (0, pi / (3 * k)))
    elif kind == "cos":
        f, antiderivative = a * sympy.cos(k * x), R(a, k) * sympy.sin(k * x)
        bounds = ((0, pi / (2 * k)), (0, pi / (6 * k)), (0, pi / k))
    else:
        f, antiderivative = a / x, a * sympy.log(x)
        bounds = ((1, E), (1, E**2), (1, 2))
    if rng.random() < 0.5:
        c, d = rng.randint(-5, 5), _nonzero(rng, -9, 9)
        f, antiderivative = f + c * x + d, antiderivative + R(c, 2) * x**2 + d * x
    return f, antiderivative, bounds, kind


def _level4(rng: random.Random) -> Template:
    a, k, n = _nonzero(rng, -6, 6), rng.randint(1, 3), rng.randint(2, 5)
    kind = rng.choice(("exp", "linear-power", "log", "quadratic-power", "trig"))
    if kind == "exp":
        k = _nonzero(rng, -2, 2)
        f = a * x * sympy.exp(k * x**2)
        return f, R(a, 2 * k) * sympy.exp(k * x**2), ((0, 1),), "substitution-exp"
    if kind == "linear-power":
        p, q = _nonzero(rng, -3, 3), _nonzero(rng, -4, 4)
        f, antiderivative = a * (p * x + q) ** n, R(a, p * (n + 1)) * (p * x + q) ** (n + 1)
        return f, antiderivative, _int_bounds(rng, -2, 2), "substitution-power"
    b = rng.randint(1, 9)
    if kind == "log":
        f, antiderivative = a * x / (x**2 + b), R(a, 2) * sympy.log(x**2 + b)
        return f, antiderivative, ((0, rng.randint(1, 3)),), "substitution-log"
    if kind == "quadratic-power":
        f, antiderivative = a * x * (x**2 + b) ** n, R(a, 2 * (n + 1)) * (x**2 + b) ** (n + 1)
        return f, antiderivative, _int_bounds(rng, -1, 2), "substitution-power"
    n = rng.randint(1, 4)
    sin, cos = sympy.sin(k * x), sympy.cos(k * x)
    bounds = ((0, pi / (2 * k)), (0, pi / k))
    if rng.random() < 0.5:
        return a * sin**n * cos, R(a, k * (n + 1)) * sin ** (n + 1), bounds, "substitution-trig"
    return a * cos**n * sin, -R(a, k * (n + 1)) * cos ** (n + 1), bounds, "substitution-trig"


def _level5(rng: random.Random) -> Template:
    a, k = _nonzero(rng, -5, 5), rng.randint(1, 3)
    kind = rng.choice(("exp", "sin", "cos", "log", "power-log", "quadratic-exp"))
    if kind == "exp":
        k = _nonzero(rng, -3, 3)
        f = a * x * sympy.exp(k * x)
        antiderivative = a * sympy.exp(k * x) * (x / k - R(1, k**2))
        return f, antiderivative, ((0, 1),), "parts-exp"
    if kind == "sin":
        f = a * x * sympy.sin(k * x)
        antiderivative = a * (-x * sympy.cos(k * x) / k + sympy.sin(k * x) / k**2)
        return f, antiderivative, ((0, pi / k), (0, pi / (2 * k))), "parts-trig"
    if kind == "cos":
        f = a * x * sympy.cos(k * x)
        antiderivative = a * (x * sympy.sin(k * x) / k + sympy.cos(k * x) / k**2)
        return f, antiderivative, ((0, pi / (2 * k)), (0, pi / k)), "parts-trig"
    if kind == "log":
        f, antiderivative = a * sympy.log(x), a * (x * sympy.log(x) - x)
        return f, antiderivative, ((1, E), (1, E**2)), "parts-log"
    if kind == "power-log":
        n = rng.randint(1, 3)
        f = a * x**n * sympy.log(x)
        antiderivative = a * (x ** (n + 1) * sympy.log(x) / (n + 1) - x ** (n + 1) / (n + 1) ** 2)
        return f, antiderivative, ((1, E),), "parts-log"
    f = a * x**2 * sympy.exp(x)
    return f, a * sympy.exp(x) * (x**2 - 2 * x + 2), ((0, 1),), "parts-exp"


LEVELS: dict[int, Callable[[random.Random], Template]] = {
    1: _level1,
    2: _level2,
    3: _level3,
    4: _level4,
    5: _level5,
}
KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"polynomial"}),
    2: frozenset({"polynomial", "power"}),
    3: frozenset({"exp", "sin", "cos", "reciprocal"}),
    4: frozenset(
        {"substitution-exp", "substitution-power", "substitution-log", "substitution-trig"}
    ),
    5: frozenset({"parts-exp", "parts-trig", "parts-log"}),
}


class IntegralSource(ProceduralSource):
    """Indefinite and definite integrals; the gold is an antiderivative or the exact value."""

    family: ClassVar[str] = "integrals"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        integrand, antiderivative, bounds, kind = LEVELS[difficulty](rng)
        text = to_plain(integrand)
        metadata: dict[str, Any] = {"integrand": text, "variable": "x", "kind": kind}
        if rng.random() < 0.5:
            metadata["answer_type"] = "antiderivative"
            prompt = INDEFINITE_PROMPT.format(integrand=text, notation=NOTATION)
            return Problem(prompt=prompt, answer=to_plain(antiderivative), metadata=metadata)
        lower, upper = (sympy.sympify(bound) for bound in rng.choice(bounds))
        value = antiderivative.subs(x, upper) - antiderivative.subs(x, lower)
        metadata.update(answer_type="number", lower=to_plain(lower), upper=to_plain(upper))
        prompt = DEFINITE_PROMPT.format(
            integrand=text, notation=NOTATION, lower=metadata["lower"], upper=metadata["upper"]
        )
        return Problem(prompt=prompt, answer=to_plain(value), metadata=metadata)
