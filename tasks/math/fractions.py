"""Fractions and decimals: evaluate an expression exactly, or convert a decimal or a fraction.

Three tasks in four are expressions; difficulty knobs:

=====  ========  ========================================================  ===========
level  operands  numbers                                                   operators
=====  ========  ========================================================  ===========
1      2         proper fractions, denominators 2-9                        + -
2      2         improper fractions too, integers, denominators 2-12       + - × ÷
3      3         + mixed numbers such as 2 1/3                             + - × ÷
4      3-4       + terminating decimals such as 0.25, negative numbers     + - × ÷
5      4-5       all of the above, denominators 2-16                       + - × ÷
=====  ========  ========================================================  ===========

Parentheses appear wherever the random expression tree needs them (from level 3, when there are
three operands). A fraction ``a/b`` and a mixed number ``a b/c`` are single numbers; ``×`` and ``÷``
bind tighter than ``+`` and ``-``. A division by a sub-expression worth 0 becomes a
multiplication, and a task whose value is 0 or has a denominator above ``MAX_DENOMINATOR[level]``
is redrawn (from the same generator).

One task in four is a conversion instead: level 1 a decimal to a fraction (``0.75``), 2 a
fraction to a decimal (``3/8``), 3 a decimal with an integer part to a fraction (``2.375``), 4 a
signed improper fraction to a decimal (``-17/8``), 5 a repeating decimal to a fraction
(``0.1666...``, the block ``6`` repeating).

Answer format (``answer_type`` ``number``): an integer or a reduced fraction ``p/q``; for the
fraction-to-decimal conversions the gold is the exact terminating decimal (``0.375``,
``-2.125``) and ``metadata["form"]`` is ``"decimal"`` (``"fraction"`` for the other
conversions). All values are ``fractions.Fraction``. ``metadata["kind"]`` is ``evaluate`` (with
the ``expression`` shown and its number of ``operands``) or ``convert`` (with the ``decimal``, the
``fraction``, or the repeating decimal's ``whole`` part, ``prefix`` and repeating ``block``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.math.infix import render_infix

EXPRESSION_PROMPT = (
    "Compute the exact value of this expression. Here a/b is a fraction, 'a b/c' is the mixed "
    "number a + b/c (and -a b/c is its negative), and × and ÷ bind tighter than + and -."
    "\n\n{expression}\n\n"
    "Give the final answer as an integer or a fraction in lowest terms (for example -7/12) "
    "inside \\boxed{{}}."
)
TO_FRACTION_PROMPT = (
    "Write {number} as a fraction in lowest terms.\n\n"
    "Give the final answer as p/q (or an integer) inside \\boxed{{}}."
)
TO_DECIMAL_PROMPT = (
    "Write {number} as a decimal.\n\nGive the exact decimal (for example 0.125) inside \\boxed{{}}."
)


@dataclass(frozen=True)
class Level:
    operands: tuple[int, int]
    max_den: int
    leaves: str  # f: fraction, i: integer, m: mixed number, d: decimal
    ops: str
    negative: bool
    improper: bool


LEVELS: dict[int, Level] = {
    1: Level((2, 2), 9, "f", "+-", False, False),
    2: Level((2, 2), 12, "ffi", "+-×÷", False, True),
    3: Level((3, 3), 12, "fffim", "+-×÷", False, True),
    4: Level((3, 4), 12, "fffimd", "+-×÷", True, True),
    5: Level((4, 5), 16, "fffimd", "+-×÷", True, True),
}
MAX_DENOMINATOR = {1: 72, 2: 144, 3: 300, 4: 600, 5: 1200}


@dataclass(frozen=True)
class Node:
    value: Fraction
    text: str = ""  # leaves only
    op: str | None = None
    left: Node | None = None
    right: Node | None = None

    def render(self) -> str:
        return render_infix(self, lambda leaf: leaf.text)


def decimal_text(value: Fraction) -> str:
    """The exact decimal of a fraction whose denominator divides a power of 10."""
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    scaled = abs(value.numerator * 10**digits // value.denominator)
    sign = "-" if value < 0 else ""
    if digits == 0:
        return f"{sign}{scaled}"
    whole, frac = divmod(scaled, 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


def _decimal(rng: random.Random, places: int, whole_max: int) -> Fraction:
    """A decimal with exactly ``places`` places (last digit not 0) and integer part <= whole_max."""
    last = rng.randint(1, 9)
    rest = rng.randint(0, 10 ** (places - 1) - 1)
    return Fraction(rng.randint(0, whole_max)) + Fraction(rest * 10 + last, 10**places)


def leaf(rng: random.Random, level: Level) -> Node:
    kind = rng.choice(level.leaves)
    if kind == "i":
        value, text = Fraction(rng.randint(2, 9)), ""
    elif kind == "d":
        value = _decimal(rng, rng.randint(1, 2), 3)
        text = decimal_text(value)
    else:
        den = rng.randint(2, level.max_den)
        num = rng.randint(1, 2 * den if level.improper and kind == "f" else den - 1)
        value = Fraction(num, den)
        if kind == "m":
            value += rng.randint(1, 4)
            if value.denominator == 1:
                value += Fraction(1, den)
            whole, part = divmod(value.numerator, value.denominator)
            text = f"{whole} {part}/{value.denominator}"
        else:
            text = str(value)
    text = text or str(value)
    if level.negative and rng.random() < 0.3:
        return Node(-value, f"(-{text})")
    return Node(value, text)


def build(rng: random.Random, operands: int, level: Level) -> Node:
    if operands == 1:
        return leaf(rng, level)
    split = rng.randint(1, operands - 1)
    left, right = build(rng, split, level), build(rng, operands - split, level)
    op = rng.choice(level.ops)
    if op == "÷" and right.value == 0:
        op = "×"
    value = {
        "+": lambda: left.value + right.value,
        "-": lambda: left.value - right.value,
        "×": lambda: left.value * right.value,
        "÷": lambda: left.value / right.value,
    }[op]()
    return Node(value, op=op, left=left, right=right)


def _conversion(rng: random.Random, difficulty: int) -> Problem:
    form = "fraction"
    if difficulty == 5:
        whole, lead = rng.randint(0, 3), rng.randint(0, 2)
        prefix = "".join(str(rng.randint(0, 9)) for _ in range(lead))
        size = rng.randint(1, 3)
        while True:
            block = "".join(str(rng.randint(0, 9)) for _ in range(size))
            if block.strip("0") and block.strip("9"):
                break
        value = whole + Fraction(
            int(prefix + block) - int(prefix or "0"), 10**lead * (10**size - 1)
        )
        shown = f"{whole}.{prefix}{block * (1 + 6 // size)}..."
        number = f"the repeating decimal {shown} (the block {block} repeats forever)"
        metadata = {"whole": whole, "prefix": prefix, "block": block}
    elif difficulty in (2, 4):
        den = rng.choice((2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 125))
        num = rng.randint(1, den - 1) if difficulty == 2 else rng.randint(den + 1, 4 * den)
        value = Fraction(num, den) * (rng.choice((1, -1)) if difficulty == 4 else 1)
        if value.denominator == 1:
            value += Fraction(1, den)
        number, form = str(value), "decimal"
        metadata = {"fraction": number}
    else:
        value = _decimal(rng, rng.randint(1, 2) if difficulty == 1 else 3, 5 * (difficulty - 1))
        number = decimal_text(value)
        metadata = {"decimal": number}
    answer = decimal_text(value) if form == "decimal" else str(value)
    prompt = (TO_DECIMAL_PROMPT if form == "decimal" else TO_FRACTION_PROMPT).format(number=number)
    return Problem(
        prompt=prompt,
        answer=answer,
        metadata={"answer_type": "number", "kind": "convert", "form": form, **metadata},
    )


class FractionsSource(ProceduralSource):
    """Exact arithmetic on fractions, mixed numbers and decimals, and conversions between them."""

    family: ClassVar[str] = "fractions"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        if rng.random() < 0.25:
            return _conversion(rng, difficulty)
        level = LEVELS[difficulty]
        while True:
            operands = rng.randint(*level.operands)
            tree = build(rng, operands, level)
            if tree.value and tree.value.denominator <= MAX_DENOMINATOR[difficulty]:
                break
        expression = tree.render()
        return Problem(
            prompt=EXPRESSION_PROMPT.format(expression=expression),
            answer=str(tree.value),
            metadata={
                "answer_type": "number",
                "kind": "evaluate",
                "expression": expression,
                "operands": operands,
            },
        )
