"""Systems of linear equations with integer coefficients and a unique solution.

Difficulty knobs (size, coefficients, kind of solution):

=====  ==========  =============  ======================================================
level  unknowns    coefficients   solution
=====  ==========  =============  ======================================================
1      x, y        -5..5, not 0   integers in -5..5
2      x, y        -9..9, not 0   integers in -10..10
3      x, y, z     -5..5          integers in -6..6
4      x, y, z     -6..6          rationals v/d, common denominator d in 2..5, |value| <= 5
5      w, x, y, z  -5..5          rationals v/d, common denominator d in 2..4, |value| <= 4
=====  ==========  =============  ======================================================

The solution ``v/d`` is chosen first. So that the right-hand sides ``A v / d`` are integers, one
column (drawn at random) is completed row by row: its entry is drawn among the values in range that
make the row's dot product with ``v`` divisible by ``d`` (the solution's entry in that column is
prime to ``d``, so at least one value is a proper fraction). The coefficient matrix is redrawn until
its determinant (integer Bareiss elimination) is non-zero, so the solution is unique; everything
is integer or ``fractions.Fraction`` arithmetic.

Answer format (``answer_type`` ``tuple``): the ordered tuple of values in the variable order
stated in the prompt, integers or reduced fractions, e.g. ``(2, -1)`` or ``(1/2, 3, -4/3)``.
``metadata`` holds the ``equations`` shown, the ``variables`` (in order), the integer
``coefficients`` (one row per equation) and the right-hand ``constants``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

PROMPT = (
    "Solve the system of equations:\n\n{equations}\n\n"
    "Give the solution as the ordered tuple {order} inside \\boxed{{}}, with exact values "
    "(integers or fractions in lowest terms), for example \\boxed{{{example}}}."
)
EXAMPLES = {2: "(3, -1/2)", 3: "(3, -1/2, 0)", 4: "(1, 3, -1/2, 0)"}
VARIABLES = {2: ("x", "y"), 3: ("x", "y", "z"), 4: ("w", "x", "y", "z")}


@dataclass(frozen=True)
class Level:
    unknowns: int
    coeff: int
    zero_ok: bool
    bound: int
    denominators: tuple[int, ...]


LEVELS: dict[int, Level] = {
    1: Level(2, 5, False, 5, (1,)),
    2: Level(2, 9, False, 10, (1,)),
    3: Level(3, 5, True, 6, (1,)),
    4: Level(3, 6, True, 5, (2, 3, 4, 5)),
    5: Level(4, 5, True, 4, (2, 3, 4)),
}


def determinant(matrix: list[list[int]]) -> int:
    """The determinant of an integer matrix by fraction-free (Bareiss) elimination."""
    a = [row[:] for row in matrix]
    n, sign, prev = len(a), 1, 1
    for k in range(n - 1):
        if a[k][k] == 0:
            swap = next((i for i in range(k + 1, n) if a[i][k] != 0), None)
            if swap is None:
                return 0
            a[k], a[swap] = a[swap], a[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                a[i][j] = (a[i][j] * a[k][k] - a[i][k] * a[k][j]) // prev
        prev = a[k][k]
    return sign * a[n - 1][n - 1]


def _system(rng: random.Random, level: Level) -> tuple[list[list[int]], list[int], int]:
    """A matrix ``A``, numerators ``v`` and a denominator ``d`` with ``A v`` divisible by ``d``."""
    n, c, d = level.unknowns, level.coeff, rng.choice(level.denominators)
    values = [a for a in range(-c, c + 1) if a or level.zero_ok]
    special = rng.randrange(n)
    v = [rng.randint(-d * level.bound, d * level.bound) for _ in range(n)]
    while math.gcd(v[special], d) != 1:
        v[special] = rng.randint(-d * level.bound, d * level.bound)
    inverse = pow(v[special], -1, d)
    while True:
        matrix = []
        for _ in range(n):
            row = [rng.choice(values) for _ in range(n)]
            rest = sum(a * x for j, (a, x) in enumerate(zip(row, v, strict=True)) if j != special)
            residue = (-rest * inverse) % d
            row[special] = rng.choice([a for a in values if (a - residue) % d == 0])
            matrix.append(row)
        if determinant(matrix) != 0:
            return matrix, v, d


def render_equation(coeffs: list[int], names: tuple[str, ...], constant: int) -> str:
    text = ""
    for c, name in zip(coeffs, names, strict=True):
        if c == 0:
            continue
        body = name if abs(c) == 1 else f"{abs(c)}{name}"
        if not text:
            text = body if c > 0 else f"-{body}"
        else:
            text += f" {'+' if c > 0 else '-'} {body}"
    return f"{text} = {constant}"


class LinearSystemSource(ProceduralSource):
    """Square linear systems (2x2 to 4x4); the gold is the solution tuple."""

    family: ClassVar[str] = "linear-systems"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        level = LEVELS[difficulty]
        n = level.unknowns
        matrix, v, d = _system(rng, level)
        rhs = [sum(a * x for a, x in zip(row, v, strict=True)) // d for row in matrix]
        solution = [Fraction(x, d) for x in v]
        names = VARIABLES[n]
        equations = [render_equation(row, names, b) for row, b in zip(matrix, rhs, strict=True)]
        return Problem(
            prompt=PROMPT.format(
                equations="\n".join(equations),
                order="(" + ", ".join(names) + ")",
                example=EXAMPLES[n],
            ),
            answer="(" + ", ".join(str(v) for v in solution) + ")",
            metadata={
                "answer_type": "tuple",
                "equations": equations,
                "variables": list(names),
                "coefficients": matrix,
                "constants": rhs,
            },
        )
