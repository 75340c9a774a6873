"""Limits: the exact limit of a function of x at a point or at infinity.

Difficulty knobs (which idea resolves the limit):

=====  ================================================================================
level  limits
=====  ================================================================================
1      removable discontinuity: ``(x - a)*(x + b)`` (expanded) over ``x - a``, as x -> a
2      removable ``(x - a)*(x + b) / ((x - a)*(x + c))`` (both expanded), or a rational
       function of degrees <= 2 as x -> oo (ratio of leading coefficients, or 0)
3      removable with a cubic numerator, ``(x^n - a^n)/(x - a)``, or rational functions of
       degrees <= 3 as x -> oo or x -> -oo, including limits that are oo or -oo
4      standard limits at 0: ``sin(a*x)/(b*x)``, ``tan(a*x)/(b*x)``, ``(exp(a*x) - 1)/(b*x)``,
       ``log(1 + a*x)/(b*x)``, ``(1 - cos(a*x))/(b*x^2)``, ``sin(a*x)/sin(b*x)``, and the
       conjugate ``(sqrt(p*x + c^2) - c)/(b*x)``
5      ``(1 + a/x)^(b*x)`` and ``sqrt(x^2 + a*x + c) - x`` as x -> oo, ``x*sin(a/x)`` as
       x -> oo, ``(exp(a*x) - exp(b*x))/x`` and ``(1 - cos(a*x))/(x*sin(b*x))`` as x -> 0
=====  ================================================================================

Every gold is computed from the formula that resolves its limit (no ``sympy.limit`` at
generation time).

Answer format: ``answer_type`` ``"number"`` in the plain notation of ``docs/math-answers.md``
(rendered by :func:`rlvr.tasks.math.render.to_plain`). The gold is a rational number, ``exp(n)``
/ ``e`` (level 5), or **infinity written** ``oo`` **or** ``-oo`` (level 3: rational functions whose
numerator has the higher degree). Contract note: a ``"number"`` gold may be ``oo`` or ``-oo``;
the prompt tells the model to write ``oo`` / ``-oo`` (``\\infty`` is read the same). Every limit
asked exists as a real number or as a one-signed infinity (two-sided limits at a point are
always finite here).

Metadata: ``function`` (plain notation), ``point`` (``"2"``, ``"0"``, ``"oo"``, ``"-oo"``),
``variable`` (``"x"``), ``kind``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import ClassVar

import sympy
from sympy import Rational as R

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.math.render import to_plain

x = sympy.Symbol("x")
oo = sympy.oo

PROMPT = (
    "Compute the limit of f(x) as x -> {point}.\n\nf(x) = {function}\n\n"
    "Notation: ^ is a power, * is multiplication, log is the natural logarithm, exp(u) = e^u, "
    "oo is infinity.\n\n"
    "Give the exact value (an integer, a reduced fraction p/q, or an exact expression such as "
    "exp(2)) inside \\boxed{{}}. If the limit is infinite, write oo or -oo."
)

Limit = tuple[sympy.Expr, sympy.Expr, sympy.Expr, str]
"""(function, point, value, kind)."""


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([c for c in range(low, high + 1) if c != 0])


def _mul(p: list[int], q: list[int]) -> list[int]:
    """Product of two coefficient lists (index = power of x)."""
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


def _expr(coeffs: list[int]) -> sympy.Expr:
    return sympy.Add(*(c * x**k for k, c in enumerate(coeffs)))


def _value(coeffs: list[int], at: int) -> int:
    return sum(c * at**k for k, c in enumerate(coeffs))


def _random_coeffs(rng: random.Random, degree: int, bound: int) -> list[int]:
    return [rng.randint(-bound, bound) for _ in range(degree)] + [_nonzero(rng, -bound, bound)]


def _removable(top: list[int], bottom: list[int], a: int) -> Limit:
    """``(x - a)*top / ((x - a)*bottom)`` (expanded) as x -> a; ``bottom(a) != 0``."""
    num, den = _mul([-a, 1], top), _mul([-a, 1], bottom)
    value = R(_value(top, a), _value(bottom, a))
    return _expr(num) / _expr(den), sympy.Integer(a), value, "removable"


def _other_factor(rng: random.Random, degree: int, a: int, avoid: list[int]) -> list[int]:
    """A monic-ish factor of ``degree`` that does not vanish at ``a`` and differs from ``avoid``."""
    while True:
        coeffs = [rng.randint(-6, 6) for _ in range(degree)] + [rng.choice((1, 1, 2, -1))]
        if _value(coeffs, a) != 0 and coeffs != avoid:
            return coeffs


def _at_infinity(rng: random.Random, max_degree: int, allow_infinite: bool) -> Limit:
    dq = rng.randint(1, max_degree)
    dp = rng.randint(1, max_degree if allow_infinite else dq)
    p, q = _random_coeffs(rng, dp, 9), _random_coeffs(rng, dq, 9)
    point = oo if not allow_infinite or rng.random() < 0.5 else -oo
    if dp < dq:
        value: sympy.Expr = sympy.Integer(0)
    elif dp == dq:
        value = R(p[-1], q[-1])
    else:
        sign = (1 if p[-1] * q[-1] > 0 else -1) * (-1 if point == -oo and (dp - dq) % 2 else 1)
        value = sign * oo
    return _expr(p) / _expr(q), point, value, "infinity"


def _level1(rng: random.Random) -> Limit:
    a = _nonzero(rng, -5, 5)
    return _removable([rng.randint(-9, 9), 1], [1], a)


def _level2(rng: random.Random) -> Limit:
    if rng.random() < 0.5:
        return _at_infinity(rng, 2, allow_infinite=False)
    a = _nonzero(rng, -5, 5)
    top = [rng.randint(-9, 9), 1]
    return _removable(top, _other_factor(rng, 1, a, top), a)


def _level3(rng: random.Random) -> Limit:
    choice = rng.randrange(3)
    if choice == 0:
        return _at_infinity(rng, 3, allow_infinite=True)
    a = _nonzero(rng, -4, 4)
    if choice == 1:
        n = rng.randint(3, 5)
        return (x**n - a**n) / (x - a), sympy.Integer(a), sympy.Integer(n * a ** (n - 1)), "power"
    top = _random_coeffs(rng, 2, 5)
    return _removable(top, _other_factor(rng, rng.randint(1, 2), a, top), a)


def _level4(rng: random.Random) -> Limit:
    a, b = _nonzero(rng, -6, 6), _nonzero(rng, -6, 6)
    kind = rng.choice(("sin", "tan", "exp", "log", "cos", "sin-sin", "conjugate"))
    zero = sympy.Integer(0)
    if kind == "cos":
        return (1 - sympy.cos(a * x)) / (b * x**2), zero, R(a * a, 2 * b), "standard"
    if kind == "sin-sin":
        return sympy.sin(a * x) / sympy.sin(b * x), zero, R(a, b), "standard"
    if kind == "conjugate":
        c, p = rng.randint(1, 5), _nonzero(rng, -4, 4)
        function = (sympy.sqrt(p * x + c * c) - c) / (b * x)
        return function, zero, R(p, 2 * c * b), "conjugate"
    top = {
        "sin": sympy.sin(a * x),
        "tan": sympy.tan(a * x),
        "exp": sympy.exp(a * x) - 1,
        "log": sympy.log(1 + a * x),
    }[kind]
    return top / (b * x), zero, R(a, b), "standard"


def _level5(rng: random.Random) -> Limit:
    a, b = _nonzero(rng, -4, 4), _nonzero(rng, -4, 4)
    kind = rng.choice(("exp", "conjugate", "sin", "exp-difference", "cos-sin"))
    zero = sympy.Integer(0)
    if kind == "exp":
        return (1 + a / x) ** (b * x), oo, sympy.exp(a * b), "exp"
    if kind == "conjugate":
        function = sympy.sqrt(x**2 + a * x + rng.randint(-9, 9)) - x
        return function, oo, R(a, 2), "conjugate-infinity"
    if kind == "sin":
        return x * sympy.sin(a / x), oo, sympy.Integer(a), "standard-infinity"
    if kind == "exp-difference":
        while b == a:
            b = _nonzero(rng, -4, 4)
        function = (sympy.exp(a * x) - sympy.exp(b * x)) / x
        return function, zero, sympy.Integer(a - b), "standard"
    function = (1 - sympy.cos(a * x)) / (x * sympy.sin(b * x))
    return function, zero, R(a * a, 2 * b), "standard"


LEVELS: dict[int, Callable[[random.Random], Limit]] = {
    1: _level1,
    2: _level2,
    3: _level3,
    4: _level4,
    5: _level5,
}
KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"removable"}),
    2: frozenset({"removable", "infinity"}),
    3: frozenset({"removable", "power", "infinity"}),
    4: frozenset({"standard", "conjugate"}),
    5: frozenset({"exp", "conjugate-infinity", "standard-infinity", "standard"}),
}


class LimitSource(ProceduralSource):
    """Limits at a point or at infinity; the gold is the exact limit (possibly ``oo``/``-oo``)."""

    family: ClassVar[str] = "limits"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        function, point, value, kind = LEVELS[difficulty](rng)
        text, where = to_plain(function), to_plain(point)
        return Problem(
            prompt=PROMPT.format(point=where, function=text),
            answer=to_plain(value),
            metadata={
                "answer_type": "number",
                "function": text,
                "point": where,
                "variable": "x",
                "kind": kind,
            },
        )
