"""Sudoku: fill the grid so that every row, column and box holds each digit exactly once.

=====  ======  =====  ===========
level  grid    boxes  givens
=====  ======  =====  ===========
1      4 x 4   2 x 2  8
2      4 x 4   2 x 2  5
3      6 x 6   2 x 3  15
4      9 x 9   3 x 3  36
5      9 x 9   3 x 3  27 (or the fewest that keep the solution unique)
=====  ======  =====  ===========

Every puzzle has exactly one solution: a full grid is made by randomised fill, then givens are
removed in random order only while a solver (bitmask candidates, naked singles, fewest-candidates
branching, counting solutions up to 2) says the solution stays unique.

Answer format: the full grid as N lines of N digits separated by spaces (``1 2 3 4``; ``1234``
is read too), inside ``<answer>…</answer>``. Any grid that keeps the givens and has each digit
once per row, column and box is correct.
"""

from __future__ import annotations

import random
from functools import cache
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import PuzzleSource, RuleResult, parse_grid, read_number_cell
from rlvr.types import Task

LEVELS = {1: (4, 2, 2, 8), 2: (4, 2, 2, 5), 3: (6, 2, 3, 15), 4: (9, 3, 3, 36), 5: (9, 3, 3, 27)}
"""level -> (size, box rows, box columns, target number of givens)."""
PROMPT = (
    "Solve this {n}x{n} Sudoku. Fill every empty cell (.) with a digit from 1 to {n} so that "
    "each row, each column and each {br}x{bc} box (boxes are {br} rows tall and {bc} columns "
    "wide, tiling the grid from the top left) contains every digit from 1 to {n} exactly "
    "once. The given digits must stay.\n\n{grid}\n\n"
    "Give the completed grid inside <answer></answer>: {n} lines of {n} digits separated by "
    "spaces."
)


@cache
def geometry(n: int, br: int, bc: int) -> tuple[tuple, tuple, tuple]:
    """``(units, peers, where)``: the cells of every row, column and box (in that order), each
    cell's other cells, and the numbers of each cell's three units."""
    where = tuple(
        (i // n, n + i % n, 2 * n + i // n // br * (n // bc) + i % n // bc) for i in range(n * n)
    )
    units = tuple(tuple(i for i in range(n * n) if k in where[i]) for k in range(3 * n))
    peers = tuple(
        tuple(j for j in range(n * n) if j != i and any(k in where[j] for k in where[i]))
        for i in range(n * n)
    )
    return units, peers, where


def _assign(cands: list[int], cell: int, bit: int, peers) -> bool:
    """Set ``cell`` to ``bit`` and propagate naked singles; ``False`` on a contradiction."""
    stack = [(cell, bit)]
    cands[cell] = bit
    while stack:
        cell, bit = stack.pop()
        for p in peers[cell]:
            mask = cands[p]
            if mask & bit:
                mask ^= bit
                if not mask:
                    return False
                cands[p] = mask
                if not mask & (mask - 1):
                    stack.append((p, mask))
    return True


def _search(cands: list[int], peers, limit: int, found: list[list[int]], rng) -> None:
    best, best_count = -1, 99
    for cell, mask in enumerate(cands):
        if mask & (mask - 1):
            count = mask.bit_count()
            if count < best_count:
                best, best_count = cell, count
                if count == 2:
                    break
    if best < 0:
        found.append(cands)
        return
    mask = cands[best]
    bits = [1 << i for i in range(mask.bit_length()) if mask >> i & 1]
    if rng is not None:
        rng.shuffle(bits)
    for bit in bits:
        trial = list(cands)
        if _assign(trial, best, bit, peers):
            _search(trial, peers, limit, found, rng)
            if len(found) >= limit:
                return


def solve(grid: list[int], n: int, br: int, bc: int, limit: int = 2, rng=None, ban=None, used=None):
    """Up to ``limit`` solutions of a flat grid (0 = empty), as flat lists of digits.

    ``ban=(cell, digit)`` forbids one digit in one cell; ``rng`` randomises the branching order;
    ``used`` (the digits given in each row, column and box, as bitmasks) saves recomputing them.
    """
    _, peers, where = geometry(n, br, bc)
    cands = [0] * (n * n)
    if used is None:
        used = [0] * (3 * n)
        for cell, digit in enumerate(grid):
            for u in where[cell] if digit else ():
                if used[u] >> (digit - 1) & 1:
                    return []  # a repeated given
                used[u] |= 1 << (digit - 1)
    full = (1 << n) - 1
    singles = []
    for cell, digit in enumerate(grid):
        if digit:
            cands[cell] = 1 << (digit - 1)
            continue
        r, c, b = where[cell]
        mask = full & ~(used[r] | used[c] | used[b])
        if ban is not None and ban[0] == cell:
            mask &= ~(1 << (ban[1] - 1))
        if not mask:
            return []
        cands[cell] = mask
        if not mask & (mask - 1):
            singles.append((cell, mask))
    for cell, bit in singles:
        if cands[cell] & bit == 0 or not _assign(cands, cell, bit, peers):
            return []
    found: list[list[int]] = []
    _search(cands, peers, limit, found, rng)
    return [[mask.bit_length() for mask in sol] for sol in found]


def fill(rng: random.Random, n: int, br: int, bc: int) -> list[int]:
    """A random full grid: the boxes on the diagonal (independent of each other) shuffled, the
    rest completed with random branching."""
    while True:  # small grids: some pairs of diagonal boxes cannot be completed
        grid = [0] * (n * n)
        for k in range(min(n // br, n // bc)):
            digits = list(range(1, n + 1))
            rng.shuffle(digits)
            for i, digit in enumerate(digits):
                grid[(k * br + i // bc) * n + k * bc + i % bc] = digit
        solutions = solve(grid, n, br, bc, limit=1, rng=rng)
        if solutions:
            return solutions[0]


def make_puzzle(
    rng: random.Random, n: int, br: int, bc: int, target: int
) -> tuple[list[int], list[int]]:
    """``(puzzle, solution)`` as flat lists; the puzzle has a unique solution."""
    solution = fill(rng, n, br, bc)
    units, _, where = geometry(n, br, bc)
    full = (1 << n) - 1
    used = [full] * (3 * n)  # the digits given in each unit
    puzzle = list(solution)
    order = list(range(n * n))
    rng.shuffle(order)
    givens = n * n
    for cell in order:
        if givens <= target:
            break
        bit = 1 << (puzzle[cell] - 1)
        r, c, b = where[cell]
        for u in where[cell]:
            used[u] ^= bit
        puzzle[cell] = 0
        # Safe without search when the other givens force the digit back: a naked single (no
        # other digit fits here) or a hidden single (the digit fits nowhere else in a unit).
        # Otherwise it is safe when no solution puts another digit there.
        forced = used[r] | used[c] | used[b] == full ^ bit or any(
            all(
                puzzle[e] or (used[where[e][0]] | used[where[e][1]] | used[where[e][2]]) & bit
                for e in units[u]
                if e != cell
            )
            for u in (r, c, b)
        )
        if forced or not solve(puzzle, n, br, bc, 1, ban=(cell, solution[cell]), used=used):
            givens -= 1
        else:
            puzzle[cell] = solution[cell]
            for u in where[cell]:
                used[u] |= bit
    return puzzle, solution


def render(grid: list[list[int]]) -> str:
    return "\n".join(" ".join(str(d) if d else "." for d in row) for row in grid)


class SudokuSource(PuzzleSource):
    """Sudoku puzzles of 4x4, 6x6 and 9x9 with exactly one solution each."""

    family: ClassVar[str] = "sudoku"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, br, bc, target = LEVELS[difficulty]
        flat, solution = make_puzzle(rng, n, br, bc, target)
        puzzle = [flat[r * n : r * n + n] for r in range(n)]
        grid = [solution[r * n : r * n + n] for r in range(n)]
        return Problem(
            PROMPT.format(n=n, br=br, bc=bc, grid=render(puzzle)),
            render(grid),
            {"n": n, "box": [br, bc], "puzzle": puzzle, "solution": grid},
        )


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per row, column, box and given digit."""
    n: int = task.metadata["n"]
    br, bc = task.metadata["box"]
    grid = [[read_number_cell(cell, n) for cell in row] for row in parse_grid(answer, n, n)]
    flat = [d for row in grid for d in row]
    digits = set(range(1, n + 1))
    units = geometry(n, br, bc)[0]
    puzzle = task.metadata["puzzle"]
    broken = [
        f"the given {puzzle[r][c]} at row {r + 1} column {c + 1} was changed"
        for r in range(n)
        for c in range(n)
        if puzzle[r][c] and grid[r][c] != puzzle[r][c]
    ]
    kinds = ["row"] * n + ["column"] * n + ["box"] * n
    for k, unit in enumerate(units):
        if {flat[cell] for cell in unit} != digits:
            number = k % n + 1
            broken.append(f"{kinds[k]} {number} does not contain each digit 1-{n} exactly once")
    total = 3 * n + sum(1 for row in puzzle for d in row if d)
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return render(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    puzzle, solution = task.metadata["puzzle"], task.metadata["solution"]
    n = len(solution)
    free = [(r, c) for r in range(n) for c in range(n) if not puzzle[r][c]]
    given = [(r, c) for r in range(n) for c in range(n) if puzzle[r][c]]

    def changed(r: int, c: int) -> str:
        grid = [list(row) for row in solution]
        grid[r][c] = grid[r][c] % n + 1
        return render(grid)

    # Two different digits of a row (empty cells where the row has two) swapped: both columns
    # then repeat a digit.
    empty = [[c for rr, c in free if rr == r] for r in range(n)]
    r = max(range(n), key=lambda r: len(empty[r]))
    c1, c2 = [*empty[r], *(c for c in range(n) if c not in empty[r])][:2]
    swapped = [list(row) for row in solution]
    swapped[r][c1], swapped[r][c2] = swapped[r][c2], swapped[r][c1]
    return {
        "cell_changed": changed(*free[0]),
        "cells_swapped": render(swapped),
        "given_changed": changed(*given[0]),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """The givens alone, and the givens with each row's (column's) missing digits in order."""
    puzzle: list[list[int]] = task.metadata["puzzle"]
    n = len(puzzle)

    def completed(lines: list[list[int]]) -> list[list[int]]:
        out = []
        for line in lines:
            missing = iter(sorted(set(range(1, n + 1)) - set(line)))
            out.append([d or next(missing) for d in line])
        return out

    columns = completed([list(col) for col in zip(*puzzle, strict=True)])
    return {
        "givens_only": render(puzzle),
        "rows_completed": render(completed(puzzle)),
        "columns_completed": render([list(row) for row in zip(*columns, strict=True)]),
    }
