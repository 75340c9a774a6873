"""Arithmetic with precedence and parentheses: evaluate an integer expression exactly.

Difficulty knobs (operands, magnitude, operators):

=====  ========  ===========  =========================================
level  operands  leaf range   operators
=====  ========  ===========  =========================================
1      2         0..20        + -
2      3         0..50        + - *
3      4         0..100       + - *, parentheses
4      5         -100..200    + - * /, negative numbers
5      6-7       -500..1000   + - * /, nested parentheses
=====  ========  ===========  =========================================

Division is always exact (the divisor is chosen among the divisors of the dividend), so every
gold answer is an integer, computed with Python integers, never floats. Multiplication and
division take a small leaf on the right so magnitudes stay readable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.math.infix import render_infix

PROMPT = (
    "Compute the value of this expression. Multiplication and division bind tighter than addition "
    "and subtraction; '/' is exact division.\n\n{expression}\n\n"
    "Give the final answer as an integer inside \\boxed{{}}."
)


@dataclass(frozen=True)
class Level:
    operands: tuple[int, int]
    low: int
    high: int
    ops: str
    factor_max: int


LEVELS: dict[int, Level] = {
    1: Level((2, 2), 0, 20, "+-", 1),
    2: Level((3, 3), 0, 50, "+-*", 9),
    3: Level((4, 4), 0, 100, "+-*", 12),
    4: Level((5, 5), -100, 200, "+-*/", 12),
    5: Level((6, 7), -500, 1000, "+-*/", 15),
}
T = TypeVar("T")


class Node:
    """An expression tree node: a leaf (``op is None``) or a binary operation."""

    __slots__ = ("left", "op", "right", "value")

    def __init__(
        self, value: int, op: str | None = None, left: Node | None = None, right: Node | None = None
    ) -> None:
        self.value, self.op, self.left, self.right = value, op, left, right

    def render(self) -> str:
        return render_infix(self, _leaf_text)


def _leaf_text(leaf: Node) -> str:
    return f"({leaf.value})" if leaf.value < 0 else str(leaf.value)


def _int(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high] (one C call: much faster than ``rng.randint``)."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, options: Sequence[T]) -> T:
    return options[int(rng.random() * len(options))]


def _small_divisor(rng: random.Random, value: int, limit: int) -> int | None:
    divisors = [d for d in range(2, limit + 1) if value % d == 0]
    return _pick(rng, divisors) if divisors else None


def build(rng: random.Random, operands: int, level: Level) -> Node:
    """A random expression tree over ``operands`` leaves, evaluated exactly as it is built."""
    if operands == 1:
        return Node(_int(rng, level.low, level.high))
    op = _pick(rng, level.ops)
    if op in "*/":
        left = build(rng, operands - 1, level)
        if op == "/":
            divisor = _small_divisor(rng, left.value, level.factor_max)
            if divisor is not None:
                return Node(left.value // divisor, "/", left, Node(divisor))
            op = "*"
        factor = _int(rng, 2, level.factor_max)
        return Node(left.value * factor, "*", left, Node(factor))
    split = _int(rng, 1, operands - 1)
    left, right = build(rng, split, level), build(rng, operands - split, level)
    value = left.value + right.value if op == "+" else left.value - right.value
    return Node(value, op, left, right)


class ArithmeticSource(ProceduralSource):
    """Integer expressions with + - * / and parentheses; the gold answer is the exact value."""

    family: ClassVar[str] = "arithmetic"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        level = LEVELS[difficulty]
        operands = _int(rng, *level.operands)
        tree = build(rng, operands, level)
        expression = tree.render()
        return Problem(
            prompt=PROMPT.format(expression=expression),
            answer=str(tree.value),
            metadata={"expression": expression, "operands": operands},
        )
