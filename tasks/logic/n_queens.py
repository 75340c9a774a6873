"""N-queens completion: place the remaining queens so that no two attack each other.

=====  ==========  =============
level  board       queens given
=====  ==========  =============
1      4 x 4       2
2      5 x 5       2
3      6 x 6       2
4      8 x 8       2
5      10 x 10     1
=====  ==========  =============

Answer format: the board as N lines of N characters, ``Q`` for a queen and ``.`` for an empty
square (spaces between squares are allowed), inside ``<answer>…</answer>``. Any placement that
keeps the given queens and has one queen per row and column and at most one per diagonal is
correct, not just the stored one.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import cache
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import AnswerFormatError, PuzzleSource, RuleResult, parse_grid
from rlvr.types import Task

LEVELS = {1: (4, 2), 2: (5, 2), 3: (6, 2), 4: (8, 2), 5: (10, 1)}
PROMPT = (
    "Place {n} queens on a {n}x{n} chessboard so that no two queens attack each other (no two "
    "share a row, a column or a diagonal). These queens are already placed and must stay: "
    "{givens}. Rows and columns are numbered from 1, row 1 at the top.\n\n"
    "Give the full board inside <answer></answer>: {n} lines of {n} characters, Q for a queen "
    "and . for an empty square."
)


@cache
def all_solutions(n: int) -> tuple[tuple[int, ...], ...]:
    """Every solution of the n-queens problem (queen column per row), in lexicographic order."""
    found: list[tuple[int, ...]] = []
    columns: list[int] = []

    def place(row: int, used: int, diagonals: int, anti: int) -> None:
        if row == n:
            found.append(tuple(columns))
            return
        for col in range(n):
            d, a = 1 << (row - col + n), 1 << (row + col)
            if not (used >> col) & 1 and not diagonals & d and not anti & a:
                columns.append(col)
                place(row + 1, used | 1 << col, diagonals | d, anti | a)
                columns.pop()

    place(0, 0, 0, 0)
    return tuple(found)


def random_solution(rng: random.Random, n: int) -> list[int]:
    """A uniformly drawn solution (from the cached list of all of them)."""
    solutions = all_solutions(n)
    return list(solutions[rng.randrange(len(solutions))])


def render(columns: list[int]) -> str:
    n = len(columns)
    return "\n".join("".join("Q" if c == col else "." for c in range(n)) for col in columns)


class NQueensSource(PuzzleSource):
    """Partially filled N-queens boards; every puzzle has at least one completion."""

    family: ClassVar[str] = "n-queens"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, given = LEVELS[difficulty]
        solution = random_solution(rng, n)
        rows = sorted(rng.sample(range(n), given))
        givens = [[r, solution[r]] for r in rows]
        text = ", ".join(f"row {r + 1} column {c + 1}" for r, c in givens)
        return Problem(
            PROMPT.format(n=n, givens=text),
            render(solution),
            {"n": n, "givens": givens, "solution": solution},
        )

    def accept(self, task: Task) -> bool:
        # a trivial answer never solves: it has fewer than n queens, or n on one diagonal
        return True


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per given queen (kept), per column (exactly one queen) and per row
    (exactly one queen, sharing no diagonal with another), so a queen that attacks others along a
    diagonal breaks its row: a full diagonal of queens breaks every row."""
    n: int = task.metadata["n"]
    grid = parse_grid(answer.upper(), n, n, what="board")
    if any(cell not in ("Q", ".") for row in grid for cell in row):
        raise AnswerFormatError("the board may only contain Q and .")
    queens = [(r, c) for r in range(n) for c in range(n) if grid[r][c] == "Q"]
    rows, cols = Counter(r for r, _ in queens), Counter(c for _, c in queens)
    diagonals, anti = Counter(r - c for r, c in queens), Counter(r + c for r, c in queens)
    broken = [
        f"the given queen at row {r + 1} column {c + 1} is missing"
        for r, c in task.metadata["givens"]
        if grid[r][c] != "Q"
    ]
    for r in range(n):
        if rows[r] != 1:
            broken.append(f"row {r + 1} has {rows[r]} queens instead of 1")
        elif diagonals[r - (c := grid[r].index("Q"))] > 1 or anti[r + c] > 1:
            broken.append(f"the queen in row {r + 1} shares a diagonal with another queen")
    broken += [
        f"column {c + 1} has {cols[c]} queens instead of 1" for c in range(n) if cols[c] != 1
    ]
    total = len(task.metadata["givens"]) + 2 * n
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return render(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    solution = task.metadata["solution"]
    n = len(solution)
    given_rows = sorted(r for r, _ in task.metadata["givens"])
    free_row = next(r for r in range(n) if r not in given_rows)
    moved = list(solution)
    moved[free_row] = solution[(free_row + 1) % n]  # a column another queen holds: a clash
    lines = render(solution).splitlines()

    def emptied(row: int) -> str:
        return "\n".join("." * n if r == row else line for r, line in enumerate(lines))

    return {
        "queen_moved": render(moved),
        "queen_removed": emptied(free_row),
        "given_removed": emptied(given_rows[0]),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning boards: empty, only the given queens, a queen on every square of a diagonal."""
    n: int = task.metadata["n"]
    givens = {(r, c) for r, c in task.metadata["givens"]}

    def board(queens: set[tuple[int, int]]) -> str:
        return "\n".join(
            "".join("Q" if (r, c) in queens else "." for c in range(n)) for r in range(n)
        )

    return {  # none can solve: too few queens, or n queens sharing one diagonal
        "empty": board(set()),
        "givens_only": board(givens),
        "main_diagonal": render(list(range(n))),
        "anti_diagonal": render(list(range(n - 1, -1, -1))),
    }
