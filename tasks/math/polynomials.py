"""Polynomial equations: find every real root of a polynomial built from chosen roots.

Difficulty knobs (degree, kind of roots):

=====  ======  ==============================================================================
level  degree  roots
=====  ======  ==============================================================================
1      2       two distinct integers in -9..9 (monic)
2      2       two distinct rationals p/q, q <= 4, at least one not an integer
3      3       integers in -6..6, possibly one rational p/q (q <= 3), repeats allowed
4      2-3     a conjugate pair a ± b*sqrt(m), plus 0-1 integer or rational root
5      4-5     a pair (a ± b*sqrt(m))/c (c <= 2), plus a second pair or a quadratic factor with no
               real roots, plus 0-1 rational root
=====  ======  ==============================================================================

The polynomial is the product of the factors ``(q*x - p)`` (one per rational root ``p/q``) and
``c^2*x^2 - 2*a*c*x + (a^2 - b^2*m)`` (one per pair), divided by the gcd of its coefficients, so
every coefficient is an integer computed with Python integers: no floats and no symbolic solver.

Answer format (``answer_type`` ``set``): the set of distinct real roots in plain notation, sorted
by value, e.g. ``{-3, 1/2}`` or ``{-2, 1 - sqrt(3), 1 + sqrt(3)}``; a root of multiplicity two is
listed once. ``metadata`` holds the ``equation`` shown, the integer ``coefficients`` (highest
degree first) and the ``degree``.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

PROMPT = (
    "Find all real solutions of the equation\n\n{equation}\n\n"
    "Give the answer as the set of distinct real solutions inside \\boxed{{}}, for example "
    "\\boxed{{{{-2, 1/3, 1 + sqrt(5)}}}}. Write each solution exactly (fractions, sqrt(..) "
    "for square roots) and list a repeated solution once."
)
SQUAREFREE = (2, 3, 5, 6, 7, 10, 11, 13)

# A root: (a, b, m, c) standing for (a + b*sqrt(m))/c with gcd(a, b, c) == 1, c > 0; rational
# roots have b == 0 and m == 1.
Root = tuple[int, int, int, int]


def poly_mul(p: list[int], q: list[int]) -> list[int]:
    """The product of two integer polynomials (coefficient lists, highest degree first)."""
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for j, b in enumerate(q):
                out[i + j] += a * b
    return out


def render_poly(coeffs: list[int], var: str = "x", star: bool = False) -> str:
    """``3x^2 - x + 4`` (``star``: ``3*x^2 - x + 4``, the plain notation of golds)."""
    degree = len(coeffs) - 1
    parts: list[str] = []
    for i, c in enumerate(coeffs):
        if c == 0:
            continue
        k = degree - i
        power = "" if k == 0 else var if k == 1 else f"{var}^{k}"
        mag = abs(c)
        if not power:
            body = str(mag)
        elif mag == 1:
            body = power
        else:
            body = f"{mag}{'*' if star else ''}{power}"
        if not parts:
            parts.append(f"-{body}" if c < 0 else body)
        else:
            parts.append(f"{'-' if c < 0 else '+'} {body}")
    return " ".join(parts) if parts else "0"


def _reduce_root(a: int, b: int, m: int, c: int) -> Root:
    g = math.gcd(math.gcd(a, b), c)
    return (a // g, b // g, m, c // g)


def root_text(root: Root) -> str:
    """Plain notation of a root: ``-3``, ``2/5``, ``1 - sqrt(3)``, ``(-1 + 3*sqrt(2))/2``."""
    a, b, m, c = root
    if b == 0:
        return f"{a}/{c}" if c != 1 else str(a)
    rad = f"sqrt({m})" if abs(b) == 1 else f"{abs(b)}*sqrt({m})"
    if a == 0:
        num = ("-" if b < 0 else "") + rad
        return num if c == 1 else f"{num}/{c}"
    num = f"{a} {'-' if b < 0 else '+'} {rad}"
    return num if c == 1 else f"({num})/{c}"


def root_value(root: Root) -> float:
    a, b, m, c = root
    return (a + b * math.sqrt(m)) / c


def _rational(rng: random.Random, low: int, high: int, max_den: int) -> Fraction:
    return Fraction(rng.randint(low, high), rng.randint(1, max_den))


def _pair(rng: random.Random, a_max: int, b_max: int, c_max: int) -> tuple[list[int], list[Root]]:
    """A quadratic factor with the irrational roots (a ± b*sqrt(m))/c."""
    a, b = rng.randint(-a_max, a_max), rng.randint(1, b_max)
    m, c = rng.choice(SQUAREFREE), rng.randint(1, c_max)
    a, b, _, c = _reduce_root(a, b, m, c)
    factor = [c * c, -2 * a * c, a * a - b * b * m]
    return factor, [(a, b, m, c), (a, -b, m, c)]


def _no_real_roots(rng: random.Random) -> list[int]:
    b = rng.randint(-4, 4)
    return [1, b, rng.randint(b * b // 4 + 1, b * b // 4 + 6)]


class PolynomialRootsSource(ProceduralSource):
    """Polynomials with integer coefficients built from chosen roots; the gold is the root set."""

    family: ClassVar[str] = "polynomial-roots"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        factors: list[list[int]] = []
        roots: list[Root] = []

        def rational(value: Fraction) -> None:
            factors.append([value.denominator, -value.numerator])
            roots.append((value.numerator, 0, 1, value.denominator))

        def pair(a_max: int, b_max: int, c_max: int) -> None:
            factor, pair_roots = _pair(rng, a_max, b_max, c_max)
            factors.append(factor)
            roots.extend(pair_roots)

        if difficulty == 1:
            for r in rng.sample(range(-9, 10), 2):
                rational(Fraction(r))
        elif difficulty == 2:
            while True:
                r1, r2 = _rational(rng, -9, 9, 4), _rational(rng, -9, 9, 4)
                if r1 != r2 and (r1.denominator > 1 or r2.denominator > 1):
                    break
            rational(r1)
            rational(r2)
        elif difficulty == 3:
            values = [Fraction(rng.randint(-6, 6)) for _ in range(3)]
            if rng.random() < 0.5:
                values[0] = _rational(rng, -6, 6, 3)
            for value in values:
                rational(value)
        elif difficulty == 4:
            pair(5, 3, 1)
            if rng.random() < 0.6:
                rational(_rational(rng, -6, 6, 2))
        else:
            pair(5, 3, 2)
            if rng.random() < 0.5:
                pair(4, 2, 1)
            else:
                factors.append(_no_real_roots(rng))
            if rng.random() < 0.6:
                rational(_rational(rng, -6, 6, 3))
        coeffs = [1]
        for factor in factors:
            coeffs = poly_mul(coeffs, factor)
        g = math.gcd(*coeffs)
        coeffs = [c // g for c in coeffs]
        if coeffs[0] < 0:
            coeffs = [-c for c in coeffs]
        distinct = sorted(set(roots), key=root_value)
        equation = f"{render_poly(coeffs)} = 0"
        return Problem(
            prompt=PROMPT.format(equation=equation),
            answer="{" + ", ".join(root_text(r) for r in distinct) + "}",
            metadata={
                "answer_type": "set",
                "equation": equation,
                "coefficients": coeffs,
                "degree": len(coeffs) - 1,
            },
        )
