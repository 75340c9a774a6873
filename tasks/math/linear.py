"""Linear equations in one variable: solve for x exactly.

Difficulty knobs (shape of the equation, kind of solution):

=====  ======================================================  ==================
level  shape                                                   solution
=====  ======================================================  ==================
1      a x + b = d                                             integer in -10..10
2      a x + b = c x + d                                       integer in -12..12
3      k(x + p) + e = c x + f, or parentheses on both sides    integer in -12..12
4      k1(a1 x + p1) + e = k2(a2 x + p2) + c x                 rational (any)
5      (a1 x + p1)/m1 ± (a2 x + p2)/m2 = r or (a3 x + p3)/m3   rational (any)
=====  ======================================================  ==================

At levels 1-3 the solution is chosen first and the last constant is computed from it; at levels
4-5 every coefficient is drawn and the equation is solved. Either way each side is kept as an
exact linear form ``coef*x + const`` (``fractions.Fraction``), the net coefficient of x is never
zero, so the solution is unique.

Answer format (``answer_type`` ``number``): the solution as an integer or a reduced fraction
``p/q``, e.g. ``-7`` or ``13/6``. ``metadata["equation"]`` is the equation shown (implicit
multiplication: ``3(x - 2)``, ``(2x + 1)/3``).
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

PROMPT = (
    "Solve for x:\n\n{equation}\n\n"
    "Give the exact value of x as an integer or a fraction in lowest terms (for example -7/3) "
    "inside \\boxed{{}}."
)

# A term of one side: (sign, text of its magnitude, coefficient of x, constant).
Term = tuple[int, str, Fraction, Fraction]
ZERO = Fraction(0)


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([v for v in range(low, high + 1) if v])


def lin(a: int, b: int) -> str:
    """``a x + b`` with implicit multiplication: ``3x - 5``, ``-x``, ``4``."""
    x = "" if a == 0 else "x" if a == 1 else "-x" if a == -1 else f"{a}x"
    if b == 0:
        return x or "0"
    if not x:
        return str(b)
    return f"{x} {'-' if b < 0 else '+'} {abs(b)}"


def x_term(a: int) -> Term:
    return (1 if a > 0 else -1, "x" if abs(a) == 1 else f"{abs(a)}x", Fraction(a), ZERO)


def const_term(c: int) -> Term:
    return (-1 if c < 0 else 1, str(abs(c)), ZERO, Fraction(c))


def group(k: int, a: int, b: int) -> Term:
    """``k(a x + b)``."""
    body = f"({lin(a, b)})" if abs(k) == 1 else f"{abs(k)}({lin(a, b)})"
    return (1 if k > 0 else -1, body, Fraction(k * a), Fraction(k * b))


def quotient(sign: int, a: int, b: int, m: int) -> Term:
    """``±(a x + b)/m``."""
    return (sign, f"({lin(a, b)})/{m}", Fraction(sign * a, m), Fraction(sign * b, m))


def side(terms: list[Term]) -> tuple[str, Fraction, Fraction]:
    """The text of a sum of terms, and its coefficient of x and constant."""
    text, coef, const = "", ZERO, ZERO
    for i, (sign, body, a, b) in enumerate(terms):
        if i == 0:
            text = body if sign > 0 else f"-{body}"
        else:
            text += f" {'+' if sign > 0 else '-'} {body}"
        coef, const = coef + a, const + b
    return text or "0", coef, const


def _closing(left: list[Term], right: list[Term], x0: int) -> list[Term]:
    """``right`` plus the constant that makes ``x0`` a solution (nothing if it is zero)."""
    _, a1, b1 = side(left)
    _, a2, b2 = side(right)
    missing = int(a1 * x0 + b1 - a2 * x0 - b2)
    return [*right, const_term(missing)] if missing else right or [const_term(0)]


def _equation(rng: random.Random, difficulty: int) -> tuple[list[Term], list[Term]]:
    if difficulty == 1:
        left = [x_term(rng.randint(2, 9)), const_term(_nonzero(rng, -20, 20))]
        return left, _closing(left, [], rng.randint(-10, 10))
    x0 = rng.randint(-12, 12)
    if difficulty == 2:
        a, c = rng.sample([v for v in range(-9, 10) if v], 2)
        left = [x_term(a), const_term(_nonzero(rng, -20, 20))]
        return left, _closing(left, [x_term(c)], x0)
    if difficulty == 3:
        k1, k2 = rng.sample([v for v in range(-6, 7) if v not in (-1, 0, 1)], 2)
        left = [group(k1, 1, _nonzero(rng, -9, 9))]
        if rng.random() < 0.5:
            left.append(const_term(_nonzero(rng, -15, 15)))
            return left, _closing(left, [x_term(k2)], x0)
        return left, _closing(left, [group(k2, 1, _nonzero(rng, -9, 9))], x0)
    if difficulty == 4:
        while True:
            k1, k2 = _nonzero(rng, -6, 6), _nonzero(rng, -6, 6)
            left = [
                group(k1, rng.randint(1, 4), _nonzero(rng, -9, 9)),
                const_term(_nonzero(rng, -15, 15)),
            ]
            right = [
                group(k2, rng.randint(1, 4), _nonzero(rng, -9, 9)),
                x_term(_nonzero(rng, -5, 5)),
            ]
            if side(left)[1] != side(right)[1]:
                return left, right
    while True:
        m1, m2 = rng.sample(range(2, 7), 2)
        left = [
            quotient(1, rng.randint(1, 5), _nonzero(rng, -9, 9), m1),
            quotient(rng.choice((1, -1)), rng.randint(1, 5), _nonzero(rng, -9, 9), m2),
        ]
        if rng.random() < 0.5:
            right = [const_term(_nonzero(rng, -9, 9))]
        else:
            right = [quotient(1, rng.randint(1, 5), _nonzero(rng, -9, 9), rng.randint(2, 6))]
        if side(left)[1] != side(right)[1]:
            return left, right


class LinearEquationSource(ProceduralSource):
    """Linear equations in x with a unique exact solution."""

    family: ClassVar[str] = "linear-equations"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        left, right = _equation(rng, difficulty)
        left_text, a1, b1 = side(left)
        right_text, a2, b2 = side(right)
        solution = (b2 - b1) / (a1 - a2)
        equation = f"{left_text} = {right_text}"
        return Problem(
            prompt=PROMPT.format(equation=equation),
            answer=str(solution),
            metadata={"answer_type": "number", "equation": equation},
        )
