"""Matrices: determinants, inverses and products of small integer matrices, answered exactly.

Difficulty knobs (operations, sizes, entry range):

=====  ===========================  ===============================  ==============================
level  determinant                  product                          inverse
=====  ===========================  ===============================  ==============================
1      2x2, entries 0..9            -                                -
2      2x2, entries -9..9           2x2 times 2x2, entries 0..5      -
3      3x3, entries -5..5           2x2 times 2x2, entries -6..6     2x2, entries -5..5, |det| <= 2
4      3x3, entries -9..9           2x3 times 3x2 (or 3x2 times      2x2, entries -8..8, |det| <= 6
                                    2x3), entries -5..5
5      4x4, entries -4..4           3x3 times 3x3, entries -6..6     3x3, entries -4..4, |det| <= 5
=====  ===========================  ===============================  ==============================

Answer format (``docs/math-answers.md``): a determinant is an integer (``answer_type`` ``number``);
a product or an inverse is a matrix written as a list of rows, ``[[a, b], [c, d]]``
(``answer_type`` ``matrix``), with non-integer entries as reduced fractions ``p/q``, e.g.
``[[2, -1/2], [-3, 1]]``. All arithmetic is on Python integers and ``fractions.Fraction``: the
inverse is the adjugate divided by the determinant. Matrices with a prescribed small determinant
are drawn by rejection from the rng alone. ``metadata`` holds ``operation`` and the operands
``A`` (and ``B``) as lists of rows of ints.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

Matrix = list[list[int]]
FORMAT = (
    "Write the matrix as a list of rows, like [[1, 0], [0, 1]], with every non-integer entry as a "
    "reduced fraction p/q (for example -3/2). Give the final answer inside \\boxed{{}}."
)
PROMPTS = {
    "determinant": "Let A = {A}.\n\nCompute the determinant of A. Give the final answer as an "
    "integer inside \\boxed{{}}.",
    "product": "Let A = {A} and B = {B}.\n\nCompute the matrix product AB. " + FORMAT,
    "inverse": "Let A = {A}.\n\nCompute the inverse matrix A^(-1). " + FORMAT,
}
MAX_TRIES = 10_000


@dataclass(frozen=True)
class Op:
    operation: str
    shape: tuple[int, ...]  # determinant/inverse: (n,); product: (rows of A, inner, cols of B)
    low: int
    high: int
    max_det: int = 0  # inverse only: 0 < |det A| <= max_det


LEVELS: dict[int, tuple[Op, ...]] = {
    1: (Op("determinant", (2,), 0, 9),),
    2: (Op("determinant", (2,), -9, 9), Op("product", (2, 2, 2), 0, 5)),
    3: (
        Op("determinant", (3,), -5, 5),
        Op("product", (2, 2, 2), -6, 6),
        Op("inverse", (2,), -5, 5, max_det=2),
    ),
    4: (
        Op("determinant", (3,), -9, 9),
        Op("product", (2, 3, 2), -5, 5),
        Op("product", (3, 2, 3), -5, 5),
        Op("inverse", (2,), -8, 8, max_det=6),
    ),
    5: (
        Op("determinant", (4,), -4, 4),
        Op("product", (3, 3, 3), -6, 6),
        Op("inverse", (3,), -4, 4, max_det=5),
    ),
}


def determinant(m: Matrix) -> int:
    """Exact determinant by cofactor expansion along the first row (fine for n <= 4)."""
    n = len(m)
    if n == 1:
        return m[0][0]
    if n == 2:
        return m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return sum((-1) ** j * m[0][j] * determinant(minor(m, 0, j)) for j in range(n) if m[0][j] != 0)


def minor(m: Matrix, row: int, col: int) -> Matrix:
    return [r[:col] + r[col + 1 :] for i, r in enumerate(m) if i != row]


def inverse(m: Matrix) -> list[list[Fraction]]:
    """Exact inverse, the adjugate over the determinant; ``ZeroDivisionError`` if singular."""
    n, det = len(m), determinant(m)
    if det == 0:
        raise ZeroDivisionError("the matrix is singular")
    if n == 1:
        return [[Fraction(1, det)]]
    return [
        [Fraction((-1) ** (i + j) * determinant(minor(m, j, i)), det) for j in range(n)]
        for i in range(n)
    ]


def product(a: Matrix, b: Matrix) -> Matrix:
    return [
        [sum(x * y for x, y in zip(row, col, strict=True)) for col in zip(*b, strict=True)]
        for row in a
    ]


def render(m: list[list[int]] | list[list[Fraction]]) -> str:
    """Plain notation of a matrix: ``[[1, -1/2], [0, 3]]``."""
    return "[" + ", ".join("[" + ", ".join(str(x) for x in row) + "]" for row in m) + "]"


def _random(rng: random.Random, rows: int, cols: int, low: int, high: int) -> Matrix:
    return [[rng.randint(low, high) for _ in range(cols)] for _ in range(rows)]


def _invertible(rng: random.Random, n: int, low: int, high: int, max_det: int) -> Matrix:
    for _ in range(MAX_TRIES):
        m = _random(rng, n, n, low, high)
        if 0 < abs(determinant(m)) <= max_det:
            return m
    # practically unreachable; a unit upper-triangular matrix has determinant 1
    upper = [[rng.randint(low, high) if j > i else 0 for j in range(n)] for i in range(n)]
    return [[1 if i == j else x for j, x in enumerate(row)] for i, row in enumerate(upper)]


class MatrixSource(ProceduralSource):
    """Determinant, inverse or product of small integer matrices, computed exactly."""

    family: ClassVar[str] = "matrices"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        op = rng.choice(LEVELS[difficulty])
        metadata: dict[str, object] = {"operation": op.operation}
        if op.operation == "product":
            rows, inner, cols = op.shape
            a = _random(rng, rows, inner, op.low, op.high)
            b = _random(rng, inner, cols, op.low, op.high)
            prompt = PROMPTS["product"].format(A=render(a), B=render(b))
            answer, answer_type = render(product(a, b)), "matrix"
            metadata.update(A=a, B=b)
        elif op.operation == "inverse":
            a = _invertible(rng, op.shape[0], op.low, op.high, op.max_det)
            prompt = PROMPTS["inverse"].format(A=render(a))
            answer, answer_type = render(inverse(a)), "matrix"
            metadata.update(A=a)
        else:
            n = op.shape[0]
            a = _random(rng, n, n, op.low, op.high)
            prompt = PROMPTS["determinant"].format(A=render(a))
            answer, answer_type = str(determinant(a)), "number"
            metadata.update(A=a)
        metadata["answer_type"] = answer_type
        return Problem(prompt=prompt, answer=answer, metadata=metadata)
