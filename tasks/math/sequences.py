"""Sequences and series: terms of arithmetic and geometric sequences, finite and infinite sums.

Difficulty knobs (which formula, how large):

=====  ================================================================================
level  tasks
=====  ================================================================================
1      next term, or the n-th term (n <= 25), of an arithmetic sequence shown by 4 terms
2      n-th term of an arithmetic sequence (n <= 100) or a geometric one with an integer
       ratio (n <= 9); n-th term of an arithmetic sequence given two of its terms
3      sum of the first n terms of an arithmetic (n <= 60) or geometric (integer ratio,
       n <= 10) sequence; n-th term of a geometric sequence with a fractional ratio
4      ``sum_{k=1}^{n} (a*k^2 + b*k + c)``, finite geometric sums with a fractional ratio,
       infinite geometric series ``sum_{k=0}^{oo} a*r^k`` with ``|r| < 1``
5      ``sum_{k=m}^{n}`` of a cubic, telescoping ``sum_{k=1}^{n} 1/(k*(k + c))``,
       ``sum_{k=m}^{oo} a*r^k``, ``sum_{k=1}^{oo} a*k*r^k``
=====  ================================================================================

Golds come from closed forms (``n*(n + 1)*(2*n + 1)/6``, ``a/(1 - r)``, ...) evaluated with
Python integers and :class:`fractions.Fraction`; no sympy, no floats.

Answer format: ``answer_type`` ``"number"``; the gold is an integer or a reduced fraction ``p/q``
(``str(Fraction)``). Metadata: ``kind``; for term tasks ``first``, ``difference`` or ``ratio``
(strings) and ``n`` (plus ``shown``, the terms in the prompt, or ``given``, pairs ``[i, a_i]``);
for sums ``term`` (the summand in k, plain notation), ``start`` and ``end`` (an int, or ``"oo"``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

FORMAT = "Give the exact value as an integer or a reduced fraction p/q inside \\boxed{{}}."
NEXT_PROMPT = "What is the next term of the arithmetic sequence {terms}, ...?\n\n" + FORMAT
NTH_PROMPT = "What is the {nth} term of the {name} sequence {terms}, ...?\n\n" + FORMAT
TWO_TERMS_PROMPT = (
    "In an arithmetic sequence a_1, a_2, a_3, ..., the term a_{p} = {u} and a_{q} = {v}. "
    "What is a_{n}?\n\n" + FORMAT
)
SEQUENCE_SUM_PROMPT = (
    "What is the sum of the first {n} terms of the {name} sequence {terms}, ...?\n\n" + FORMAT
)
SUM_PROMPT = (
    "Compute the exact value of the sum, over every integer k from {start} to {upper}, of\n\n"
    "{term}\n\n(in sigma notation: sum_{{k={start}}}^{{{end}}} ({term})). "
    "Notation: ^ is a power, * is multiplication.\n\n" + FORMAT
)

Made = tuple[str, Fraction, dict[str, Any]]
"""(prompt, gold, metadata)."""


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([c for c in range(low, high + 1) if c != 0])


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _atom(value: Fraction) -> str:
    """A number as a power base or factor: parenthesised when negative or a fraction."""
    text = str(value)
    return f"({text})" if value < 0 or value.denominator != 1 else text


def _scaled(a: Fraction | int, rest: str) -> str:
    """``a*rest`` with the factor 1 or -1 left out: ``3*(1/2)^k``, ``-(1/2)^k``, ``(1/2)^k``."""
    if a == 1:
        return rest
    if a == -1:
        return f"-{rest}"
    return f"{a}*{rest}"


def _poly_text(coeffs: list[int], var: str = "k") -> str:
    """``coeffs[i]`` multiplies ``var^i``; highest power first: ``3*k^2 - k + 4``."""
    parts = []
    for power in range(len(coeffs) - 1, -1, -1):
        c = coeffs[power]
        if c == 0:
            continue
        mono = "" if power == 0 else var if power == 1 else f"{var}^{power}"
        body = str(abs(c)) if not mono else mono if abs(c) == 1 else f"{abs(c)}*{mono}"
        sign = "-" if c < 0 else "+"
        parts.append((sign, body))
    if not parts:
        return "0"
    head = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    return " ".join([head] + [f"{sign} {body}" for sign, body in parts[1:]])


def _power_sum(coeffs: list[int], n: int) -> int:
    """``sum_{k=1}^{n}`` of the polynomial with ``coeffs`` (degree <= 3), in closed form."""
    s = [n, n * (n + 1) // 2, n * (n + 1) * (2 * n + 1) // 6, (n * (n + 1) // 2) ** 2]
    return sum(c * s[i] for i, c in enumerate(coeffs))


def _terms(first: Fraction, step: Fraction, count: int, geometric: bool) -> list[Fraction]:
    out = [first]
    for _ in range(count - 1):
        out.append(out[-1] * step if geometric else out[-1] + step)
    return out


def _term_task(
    kind: str, first: Fraction, step: Fraction, n: int, geometric: bool, shown: int = 4
) -> Made:
    terms = _terms(first, step, shown, geometric)
    text = ", ".join(str(t) for t in terms)
    name = "geometric" if geometric else "arithmetic"
    gold = first * step ** (n - 1) if geometric else first + (n - 1) * step
    if kind == "arithmetic-next":
        prompt = NEXT_PROMPT.format(terms=text)
    else:
        prompt = NTH_PROMPT.format(nth=_ordinal(n), name=name, terms=text)
    key = "ratio" if geometric else "difference"
    metadata = {"kind": kind, "first": str(first), key: str(step), "n": n}
    return prompt, gold, {**metadata, "shown": [str(t) for t in terms]}


def _sum_task(kind: str, term: str, start: int, end: int | None, gold: Fraction) -> Made:
    upper = "oo" if end is None else str(end)
    prompt = SUM_PROMPT.format(
        start=start, end=upper, term=term, upper="infinity" if end is None else end
    )
    return prompt, gold, {"kind": kind, "term": term, "start": start, "end": upper}


def _sequence_sum(rng: random.Random, first: Fraction, step: Fraction, geometric: bool) -> Made:
    n = rng.randint(5, 10) if geometric else rng.randint(10, 60)
    terms = _terms(first, step, 3, geometric)
    if geometric:
        gold = first * (1 - step**n) / (1 - step)
        term = _scaled(first, f"{_atom(step)}^(k - 1)")
    else:
        gold = n * (2 * first + (n - 1) * step) / 2
        term = _poly_text([int(first - step), int(step)])
    name = "geometric" if geometric else "arithmetic"
    text = ", ".join(str(t) for t in terms)
    prompt = SEQUENCE_SUM_PROMPT.format(n=n, name=name, terms=text)
    kind = f"{name}-sum"
    return prompt, gold, {"kind": kind, "term": term, "start": 1, "end": str(n)}


def _small_ratio(rng: random.Random) -> Fraction:
    """A ratio ``p/q`` with ``0 < |p/q| < 1`` and ``q <= 6``."""
    q = rng.randint(2, 6)
    return Fraction(rng.randint(1, q - 1), q) * rng.choice((1, -1))


def _level1(rng: random.Random) -> Made:
    first, step = Fraction(rng.randint(-10, 20)), Fraction(_nonzero(rng, -5, 9))
    if rng.random() < 0.5:
        return _term_task("arithmetic-next", first, step, 5, geometric=False)
    return _term_task("arithmetic-nth", first, step, rng.randint(6, 25), geometric=False)


def _level2(rng: random.Random) -> Made:
    choice = rng.randrange(3)
    if choice == 0:
        first, step = Fraction(rng.randint(-50, 50)), Fraction(_nonzero(rng, -12, 12))
        return _term_task("arithmetic-nth", first, step, rng.randint(20, 100), geometric=False)
    if choice == 1:
        first, step = Fraction(_nonzero(rng, -5, 5)), Fraction(rng.choice((-3, -2, 2, 3)))
        return _term_task("geometric-nth", first, step, rng.randint(5, 9), geometric=True)
    first, step = rng.randint(-30, 30), _nonzero(rng, -9, 9)
    p, q = sorted(rng.sample(range(1, 31), 2))
    n = rng.choice([i for i in range(1, 61) if i not in (p, q)])
    u, v = first + (p - 1) * step, first + (q - 1) * step
    prompt = TWO_TERMS_PROMPT.format(p=p, u=u, q=q, v=v, n=n)
    metadata = {
        "kind": "arithmetic-two-terms",
        "first": str(first),
        "difference": str(step),
        "n": n,
        "given": [[p, u], [q, v]],
    }
    return prompt, Fraction(first + (n - 1) * step), metadata


def _level3(rng: random.Random) -> Made:
    choice = rng.randrange(3)
    if choice == 0:
        first, step = Fraction(rng.randint(-20, 30)), Fraction(_nonzero(rng, -9, 9))
        return _sequence_sum(rng, first, step, geometric=False)
    if choice == 1:
        first, step = Fraction(_nonzero(rng, -5, 5)), Fraction(rng.choice((-3, -2, 2, 3)))
        return _sequence_sum(rng, first, step, geometric=True)
    step = rng.choice((Fraction(1, 2), Fraction(-1, 2), Fraction(1, 3), Fraction(2, 3)))
    step = rng.choice((step, 1 / step))
    first = Fraction(_nonzero(rng, -4, 4) * step.denominator ** rng.randint(0, 3))
    return _term_task("geometric-nth", first, step, rng.randint(4, 7), geometric=True)


def _infinite_geometric(rng: random.Random, start: int) -> Made:
    a, r = _nonzero(rng, -9, 9), _small_ratio(rng)
    gold = a * r**start / (1 - r)
    term = _scaled(a, f"{_atom(r)}^k")
    return _sum_task("infinite-geometric", term, start, None, gold)


def _level4(rng: random.Random) -> Made:
    choice = rng.randrange(3)
    if choice == 0:
        coeffs = [rng.randint(-5, 5), rng.randint(-5, 5), _nonzero(rng, -3, 3)]
        n = rng.randint(10, 40)
        return _sum_task("power-sum", _poly_text(coeffs), 1, n, Fraction(_power_sum(coeffs, n)))
    if choice == 1:
        first, step = Fraction(_nonzero(rng, -9, 9)), _small_ratio(rng)
        first *= step.denominator ** rng.randint(0, 2)
        n = rng.randint(4, 8)
        term = _scaled(first, f"{_atom(step)}^(k - 1)")
        gold = first * (1 - step**n) / (1 - step)
        return _sum_task("geometric-sum", term, 1, n, gold)
    return _infinite_geometric(rng, 0)


def _level5(rng: random.Random) -> Made:
    choice = rng.randrange(4)
    if choice == 0:
        coeffs = [rng.randint(-6, 6), rng.randint(-6, 6), rng.randint(-4, 4), _nonzero(rng, -2, 2)]
        m = rng.randint(1, 10)
        n = m + rng.randint(10, 50)
        gold = _power_sum(coeffs, n) - _power_sum(coeffs, m - 1)
        return _sum_task("polynomial-sum", _poly_text(coeffs), m, n, Fraction(gold))
    if choice == 1:
        c, n = rng.randint(1, 3), rng.randint(10, 100)
        gold = sum(Fraction(1, j) - Fraction(1, n + j) for j in range(1, c + 1)) / c
        return _sum_task("telescoping", f"1/(k*(k + {c}))", 1, n, gold)
    if choice == 2:
        return _infinite_geometric(rng, rng.randint(1, 4))
    a, r = _nonzero(rng, -6, 6), _small_ratio(rng)
    term = _scaled(a, f"k*{_atom(r)}^k")
    return _sum_task("arithmetico-geometric", term, 1, None, a * r / (1 - r) ** 2)


LEVELS: dict[int, Callable[[random.Random], Made]] = {
    1: _level1,
    2: _level2,
    3: _level3,
    4: _level4,
    5: _level5,
}
KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"arithmetic-next", "arithmetic-nth"}),
    2: frozenset({"arithmetic-nth", "geometric-nth", "arithmetic-two-terms"}),
    3: frozenset({"arithmetic-sum", "geometric-sum", "geometric-nth"}),
    4: frozenset({"power-sum", "geometric-sum", "infinite-geometric"}),
    5: frozenset({"polynomial-sum", "telescoping", "infinite-geometric", "arithmetico-geometric"}),
}


class SequenceSource(ProceduralSource):
    """Terms and sums of sequences and series; the gold is an exact integer or fraction."""

    family: ClassVar[str] = "sequences-series"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        prompt, gold, metadata = LEVELS[difficulty](rng)
        return Problem(
            prompt=prompt, answer=str(gold), metadata={"answer_type": "number", **metadata}
        )
