"""Boolean satisfiability: give every variable a value so that each clause is true.

=====  =======  =========  =======
level  kind     variables  clauses
=====  =======  =========  =======
1      2-SAT    4          6
2      3-SAT    6          20
3      3-SAT    10         40
4      3-SAT    15         62
5      3-SAT    20         85
=====  =======  =========  =======

Levels 4 and 5 sit near the hard ratio of random 3-SAT (about 4.26 clauses per variable).
Formulas are satisfiable by construction: an assignment is planted and a random clause is kept
only if the planted assignment makes at least one of its literals true *and* at least one false
(so the complement of the planted assignment satisfies it too, and the signs of the literals give
no hint of the planted values). Every variable occurs in some clause; clauses are distinct.

Answer format: ``x1 = true, x2 = false, …`` with one entry per variable, inside
``<answer>…</answer>``; values ``true``/``false``, ``1``/``0`` or ``T``/``F`` (any case), and
``:`` or ``->`` may replace ``=``. Each entry holds exactly one value (``x1 = true/false``
cannot be read). Any satisfying assignment is correct, not just the planted one.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import (
    AnswerFormatError,
    PuzzleSource,
    RuleResult,
    read_entries,
    read_int,
    shorten,
)
from rlvr.types import Task

LEVELS = {1: (2, 4, 6), 2: (3, 6, 20), 3: (3, 10, 40), 4: (3, 15, 62), 5: (3, 20, 85)}
"""level -> (literals per clause, variables, clauses)"""

PROMPT = (
    "Find values (true or false) for the Boolean variables x1 to x{n} that make every one of "
    "these {m} clauses true. Each clause is an OR of its literals; 'not x3' is true when x3 is "
    "false.\n\n{clauses}\n\n"
    "Give the value of every variable inside <answer></answer> as a comma-separated list, for "
    "example: x1 = true, x2 = false, x3 = true (one entry for each of x1 to x{n})."
)
_PAIR = re.compile(r"(?<![A-Za-z0-9_])[xX]_?(\d+)\s*(?:=|:|->|\bis\b)\s*([A-Za-z0-9]+)")
_STRAY_VALUE = re.compile(r"\d|\b(?:true|false)\b|[~!¬]|-$", re.IGNORECASE)
"""a value outside any ``x1 = true`` entry (``x1 = true, or false``), or a negation sign right
before one (``-x2 = true``, ``¬x2 = true``: does it mean x2 is false?)"""
_VALUES = {"true": True, "t": True, "1": True, "false": False, "f": False, "0": False}

Clause = list[int]  # DIMACS style: 3 means x3, -3 means not x3


def literal_true(literal: int, values: dict[int, bool]) -> bool:
    value = values.get(abs(literal))
    return value is not None and value == (literal > 0)


def render_clause(clause: Clause) -> str:
    return "(" + " or ".join(f"x{v}" if v > 0 else f"not x{-v}" for v in clause) + ")"


def render_assignment(values: dict[int, bool]) -> str:
    return ", ".join(f"x{v} = {'true' if values[v] else 'false'}" for v in sorted(values))


def critical_variables(clauses: list[Clause], values: dict[int, bool]) -> list[int]:
    """Variables that are the only true literal of some clause (flipping one breaks it)."""
    found: list[int] = []
    for clause in clauses:
        true = [abs(lit) for lit in clause if literal_true(lit, values)]
        if len(true) == 1 and true[0] not in found:
            found.append(true[0])
    return found


def random_formula(rng: random.Random, k: int, n: int, m: int) -> tuple[list[Clause], list[bool]]:
    while True:
        planted = [rng.random() < 0.5 for _ in range(n)]
        values = {v + 1: planted[v] for v in range(n)}
        clauses: list[Clause] = []
        seen: set[tuple[int, ...]] = set()
        while len(clauses) < m:
            variables = rng.sample(range(1, n + 1), k)
            clause = [v if rng.random() < 0.5 else -v for v in variables]
            true = sum(literal_true(lit, values) for lit in clause)
            key = tuple(sorted(clause))
            if 0 < true < k and key not in seen:
                seen.add(key)
                clauses.append(clause)
        used = {abs(lit) for clause in clauses for lit in clause}
        if len(used) == n and len(critical_variables(clauses, values)) >= 2:
            return clauses, planted


class SatSource(PuzzleSource):
    """Planted random k-SAT formulas; every formula is satisfiable."""

    family: ClassVar[str] = "sat"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        k, n, m = LEVELS[difficulty]
        clauses, planted = random_formula(rng, k, n, m)
        text = "\n".join(f"{i}. {render_clause(c)}" for i, c in enumerate(clauses, 1))
        values = {v + 1: planted[v] for v in range(n)}
        return Problem(
            PROMPT.format(n=n, m=m, clauses=text),
            render_assignment(values),
            {"n": n, "clauses": clauses, "solution": planted},
        )


def parse(answer: str, n: int) -> dict[int, bool]:
    values: dict[int, bool] = {}
    for match in read_entries(answer, _PAIR, _STRAY_VALUE):
        number, raw = match.groups()
        variable = read_int(number, what="variable number")
        if not 1 <= variable <= n:
            raise AnswerFormatError(f"there is no variable x{number}: the variables are x1 to x{n}")
        value = _VALUES.get(raw.lower())
        if value is None:
            raise AnswerFormatError(f"x{variable} = {shorten(raw)!r}: values must be true or false")
        if values.setdefault(variable, value) != value:
            raise AnswerFormatError(f"x{variable} is given two different values")
    if not values:
        raise AnswerFormatError("no 'x1 = true' style assignments found")
    return values


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per clause, plus one for "every variable has a value"."""
    n: int = task.metadata["n"]
    clauses: list[Clause] = task.metadata["clauses"]
    values = parse(answer, n)
    broken = []
    missing = [v for v in range(1, n + 1) if v not in values]
    if missing:
        broken.append(f"x{missing[0]} has no value: give every variable from x1 to x{n} a value")
    broken += [
        f"clause {i} {render_clause(clause)} is false under your assignment"
        for i, clause in enumerate(clauses, 1)
        if not any(literal_true(lit, values) for lit in clause)
    ]
    total = len(clauses) + 1
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    planted = task.metadata["solution"]
    return render_assignment({v + 1: planted[v] for v in range(len(planted))})


def mutations(task: Task) -> dict[str, str]:
    planted = task.metadata["solution"]
    values = {v + 1: planted[v] for v in range(len(planted))}
    first, second = critical_variables(task.metadata["clauses"], values)[:2]
    flipped_first = {**values, first: not values[first]}
    flipped_second = {**values, second: not values[second]}
    missing = {v: value for v, value in values.items() if v != first}
    return {
        "variable_flipped": render_assignment(flipped_first),
        "other_variable_flipped": render_assignment(flipped_second),
        "variable_missing": render_assignment(missing),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """Every variable true, every variable false, and alternating values."""
    n: int = task.metadata["n"]
    return {
        "all_true": render_assignment({v: True for v in range(1, n + 1)}),
        "all_false": render_assignment({v: False for v in range(1, n + 1)}),
        "alternating": render_assignment({v: v % 2 == 1 for v in range(1, n + 1)}),
    }
