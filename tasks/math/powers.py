"""Powers and roots: integer, zero, negative and fractional exponents; simplifying radicals.

Each level draws one of two kinds of task:

=====  =====================================  ================================================
level  kind                                   example (gold)
=====  =====================================  ================================================
1      power, square root of a square         ``(-3)^5`` (-243), ``sqrt(169)`` (13)
2      zero/negative exponent, cube root      ``(2/3)^(-3)`` (27/8), ``cbrt(-64)`` (-4)
3      fractional exponent, power rules       ``(27/8)^(-2/3)`` (4/9), ``2^5 * 2^(-3) / 2^4``
                                              (1/4)
4      simplify a radical, product of roots   ``sqrt(72)`` (6*sqrt(2)), ``cbrt(54)``
                                              (3*2^(1/3)), ``sqrt(6) * sqrt(15)`` (3*sqrt(10))
5      sum of like radicals, rationalise      ``sqrt(50) + sqrt(18) - 2*sqrt(8)`` (4*sqrt(2)),
                                              ``12/sqrt(18)`` (2*sqrt(2))
=====  =====================================  ================================================

Values are computed with ``fractions.Fraction`` and integer square-factor extraction; no floats.

Answer format: a rational value is an integer or a reduced fraction ``p/q`` (``answer_type``
``number``); an irrational value is ``c*sqrt(m)`` or ``c*m^(1/3)`` with ``m`` free of squares
(cubes) and the rational ``c`` written as ``p*sqrt(m)/q``, e.g. ``6*sqrt(2)``, ``-sqrt(3)/3``,
``3*2^(1/3)`` (``answer_type`` ``expression``, ``metadata["form"] = "simplified"``). The
verifier compares values, so an unsimplified answer (or a copy of the question) equals the gold:
checking the simplest radical form is the verifier's job; this family only records it.
``metadata`` holds the ``kind`` and the ``expression`` shown.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

PROMPT = (
    "{task}\n\n{expression}\n\n"
    "Notation: a^b is a power, sqrt(..) the square root and cbrt(..) the (real) cube root. {answer}"
)
RATIONAL_ANSWER = (
    "Give the exact value as an integer or a fraction in lowest terms inside \\boxed{}."
)
RADICAL_ANSWER = (
    "Give the answer in simplest radical form inside \\boxed{}: no square (cube) factor under "
    "a root and no root in a denominator, writing sqrt(n) for a square root and n^(1/3) for a "
    "cube root, for example \\boxed{3*sqrt(2)} or \\boxed{2*5^(1/3)}."
)
KINDS: dict[int, tuple[str, str]] = {
    1: ("power", "square-root"),
    2: ("negative-exponent", "cube-root"),
    3: ("fractional-exponent", "power-rules"),
    4: ("simplify-radical", "radical-product"),
    5: ("radical-sum", "rationalize"),
}
SQUAREFREE = (2, 3, 5, 6, 7, 10, 11, 13, 14, 15)
CUBEFREE = (2, 3, 4, 5, 6, 7, 9, 10)


def _atom(value: Fraction | int) -> str:
    """A base or an exponent: parenthesised unless it is a non-negative integer."""
    value = Fraction(value)
    return str(value) if value.denominator == 1 and value >= 0 else f"({value})"


def power_text(base: Fraction | int, exponent: Fraction | int) -> str:
    return f"{_atom(base)}^{_atom(exponent)}"


def square_part(n: int, root: int = 2) -> tuple[int, int]:
    """``(s, m)`` with ``n == s**root * m`` and ``m`` free of ``root``-th powers (``n >= 1``)."""
    s, i = 1, 2
    while i**root <= n:
        while n % i**root == 0:
            n //= i**root
            s *= i
        i += 1
    return s, n


def radical_text(coef: Fraction, m: int, root: int = 2) -> str:
    """``coef * m^(1/root)`` in plain notation: ``6*sqrt(2)``, ``-sqrt(3)/3``, ``3*2^(1/3)``."""
    if m == 1:
        return str(coef)
    rad = f"sqrt({m})" if root == 2 else f"{m}^(1/{root})"
    p, q = coef.numerator, coef.denominator
    body = rad if abs(p) == 1 else f"{abs(p)}*{rad}"
    return ("-" if p < 0 else "") + body + (f"/{q}" if q != 1 else "")


NON_SQUARES = tuple(n for n in range(2, 51) if square_part(n)[1] != 1)


def _sign(rng: random.Random, p: float) -> int:
    return -1 if rng.random() < p else 1


def _make(rng: random.Random, kind: str) -> tuple[str, Fraction, int, int]:
    """The expression shown and its value ``coef * m^(1/root)`` as ``(text, coef, m, root)``."""
    if kind == "power":
        base = rng.randint(2, 12) * _sign(rng, 0.3)
        top = max(e for e in range(2, 7) if abs(base) ** e <= 100_000)
        exponent = rng.randint(2, top)
        return power_text(base, exponent), Fraction(base) ** exponent, 1, 2
    if kind == "square-root":
        n = rng.randint(2, 25)
        return f"sqrt({n * n})", Fraction(n), 1, 2
    if kind == "cube-root":
        n = rng.randint(2, 10) * _sign(rng, 0.4)
        return f"cbrt({n**3})", Fraction(n), 1, 3
    if kind == "negative-exponent":
        if rng.random() < 0.5:
            base = Fraction(rng.randint(2, 10) * _sign(rng, 0.3))
        else:
            p, q = rng.sample(range(1, 7), 2)
            base = Fraction(p, q) * _sign(rng, 0.3)
        exponent = -rng.randint(0, 4)
        while max(abs(base.numerator), base.denominator) ** -exponent > 10_000:
            exponent += 1
        return power_text(base, exponent), base**exponent, 1, 2
    if kind == "fractional-exponent":
        q = rng.choice((2, 2, 3))
        r, s = rng.randint(2, 6 if q == 2 else 4), rng.choice((1, 1, 2, 3))
        if math.gcd(r, s) != 1:
            s = 1
        p = rng.choice([v for v in range(-3, 4) if v and v % q])
        base = Fraction(r, s) ** q
        return power_text(base, Fraction(p, q)), Fraction(r, s) ** p, 1, 2
    if kind == "power-rules":
        base = rng.randint(2, 5)
        while True:
            e1, e2, e3 = (rng.randint(-4, 6) for _ in range(3))
            if rng.random() < 0.5:
                text = f"{power_text(base, e1)} * {power_text(base, e2)} / {power_text(base, e3)}"
                total = e1 + e2 - e3
            else:
                e2 = rng.choice((-2, 2, 3))
                text = f"({power_text(base, e1)})^{_atom(e2)} / {power_text(base, e3)}"
                total = e1 * e2 - e3
            if -3 <= total <= 5 and base ** abs(total) <= 1000:
                return text, Fraction(base) ** total, 1, 2
    if kind == "simplify-radical":
        if rng.random() < 0.7:
            k, m = rng.randint(2, 12), rng.choice(SQUAREFREE)
            return f"sqrt({k * k * m})", Fraction(k), m, 2
        k, m = rng.randint(2, 5), rng.choice(CUBEFREE)
        return f"cbrt({k**3 * m})", Fraction(k), m, 3
    if kind == "radical-product":
        while True:  # two non-squares whose product has a square factor
            a, b = rng.sample(NON_SQUARES, 2)
            s, m = square_part(a * b)
            if s > 1:
                break
        return f"sqrt({a}) * sqrt({b})", Fraction(s), m, 2
    if kind == "radical-sum":
        m = rng.choice(SQUAREFREE[:6])
        while True:
            ks = rng.sample(range(1, 7), rng.randint(2, 3))
            cs = [rng.choice((-3, -2, -1, 1, 1, 2, 3)) for _ in ks]
            total = sum(c * k for c, k in zip(cs, ks, strict=True))
            if total:
                break
        text = ""
        for i, (c, k) in enumerate(zip(cs, ks, strict=True)):
            term = f"sqrt({k * k * m})" if abs(c) == 1 else f"{abs(c)}*sqrt({k * k * m})"
            sign = "-" if c < 0 else "+"
            text = (f"-{term}" if c < 0 else term) if i == 0 else f"{text} {sign} {term}"
        return text, Fraction(total), m, 2
    # rationalize: a/sqrt(b) or sqrt(a)/sqrt(b), with b not a square
    b = rng.choice(NON_SQUARES)
    if rng.random() < 0.5:
        a = rng.randint(1, 20)
        s, m = square_part(b)  # a/(s*sqrt(m)) = a*sqrt(m)/(s*m)
        return f"{a}/sqrt({b})", Fraction(a, s * m), m, 2
    a = rng.randint(1, 30)
    s, m = square_part(a * b)  # sqrt(a*b)/b
    return f"sqrt({a})/sqrt({b})", Fraction(s, b), m, 2


class PowersSource(ProceduralSource):
    """Exponents and radicals; the gold is an exact rational or a simplest radical form."""

    family: ClassVar[str] = "powers-roots"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        kind = rng.choice(KINDS[difficulty])
        expression, coef, m, root = _make(rng, kind)
        rational = m == 1
        metadata = {
            "answer_type": "number" if rational else "expression",
            "kind": kind,
            "expression": expression,
        }
        if not rational:
            metadata["form"] = "simplified"
        task = "Compute the exact value:" if difficulty <= 3 else "Simplify:"
        return Problem(
            prompt=PROMPT.format(
                task=task,
                expression=expression,
                answer=RATIONAL_ANSWER if rational else RADICAL_ANSWER,
            ),
            answer=radical_text(coef, m, root),
            metadata=metadata,
        )
