"""Futoshiki: a Latin square whose adjacent cells must obey the inequality signs between them.

=====  ======  ===========================  ===========================
level  grid    givens                       inequalities
=====  ======  ===========================  ===========================
1      4 x 4   2, sometimes more            3, sometimes more (up to 6)
2      5 x 5   2                            6 to 10
3      6 x 6   2, sometimes more            9 to 18
4      7 x 7   5, rarely 6                  24
5      7 x 7   the fewest that stay unique  the fewest (about 15 to 30)
=====  ======  ===========================  ===========================

Every puzzle has exactly one solution. A random Latin square is made by randomised fill; then,
starting from every given and every inequality between neighbours, givens and then inequalities
are dropped in random order (down to the level's counts) only while a solver (bitmask
candidates, row/column elimination, hidden singles, inequality bounds, fewest-candidates
branching) finds no other solution: a given ``v`` may go when no solution puts another value
there, an inequality when no solution reverses it.

Answer format: the full grid as N lines of N digits separated by spaces, inside
``<answer>…</answer>``. Any grid that keeps the givens, has each number once per row and column
and obeys every inequality is correct.
"""

from __future__ import annotations

import random
from functools import cache
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import PuzzleSource, RuleResult, parse_grid, read_number_cell
from rlvr.types import Task

LEVELS = {1: (4, 2, 3), 2: (5, 2, 6), 3: (6, 2, 9), 4: (7, 5, 24), 5: (7, 0, 0)}
"""level -> (size, target givens, target inequalities)."""
PROMPT = (
    "Solve this {n}x{n} Futoshiki puzzle. Fill every empty cell (.) with a number from 1 to {n} "
    "so that each row and each column contains every number from 1 to {n} exactly once, the "
    "given numbers stay, and every inequality holds. In the grid, < and > compare the cells to "
    "their left and right; ^ under a cell means it is smaller than the cell below it, v means "
    "it is larger.\n\n{grid}\n\nThe inequalities, listed (R row, C column, numbered from 1, "
    "row 1 at the top): {listed}.\n\n"
    "Give the completed grid inside <answer></answer>: {n} lines of {n} numbers separated by "
    "spaces."
)


@cache
def geometry(n: int) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """``(units, peers)``: the cells of every row and column; each cell's other cells."""
    units = tuple(tuple(r * n + c for c in range(n)) for r in range(n)) + tuple(
        tuple(r * n + c for r in range(n)) for c in range(n)
    )
    peers = tuple(
        tuple(j for j in range(n * n) if j != i and (j // n == i // n or j % n == i % n))
        for i in range(n * n)
    )
    return units, peers


def _propagate(cands: list[int], queue: list[int], n: int, above: list, below: list) -> bool:
    """Eliminate along rows, columns and inequalities from the changed cells in ``queue``, then
    place hidden singles, until nothing changes. ``above[i]``: cells that must be larger than
    cell ``i``; ``below[i]``: cells that must be smaller. ``False`` on a contradiction."""
    units, near = geometry(n)
    full = (1 << n) - 1
    while queue:
        while queue:
            i = queue.pop()
            mask = cands[i]
            if not mask & (mask - 1):
                for p in near[i]:
                    if cands[p] & mask:
                        cands[p] ^= mask
                        if not cands[p]:
                            return False
                        queue.append(p)
            low = mask & -mask
            for j in above[i]:
                new = cands[j] & ~((low << 1) - 1)
                if new != cands[j]:
                    if not new:
                        return False
                    cands[j] = new
                    queue.append(j)
            top = 1 << (mask.bit_length() - 1)
            for j in below[i]:
                new = cands[j] & (top - 1)
                if new != cands[j]:
                    if not new:
                        return False
                    cands[j] = new
                    queue.append(j)
        for unit in units:  # a value with one place left in a row or column goes there
            once = twice = 0
            for cell in unit:
                twice |= once & cands[cell]
                once |= cands[cell]
            if once != full:
                return False
            lonely = once & ~twice
            while lonely:
                bit = lonely & -lonely
                lonely ^= bit
                cell = next((cell for cell in unit if cands[cell] & bit), None)
                if cell is None:  # two lonely values in one cell
                    return False
                if cands[cell] != bit:
                    cands[cell] = bit
                    queue.append(cell)
    return True


def _search(cands: list[int], n: int, above, below, limit: int, found: list, rng) -> None:
    best, best_count = -1, 99
    for cell, mask in enumerate(cands):
        if mask & (mask - 1) and mask.bit_count() < best_count:
            best, best_count = cell, mask.bit_count()
    if best < 0:
        found.append([mask.bit_length() for mask in cands])
        return
    mask = cands[best]
    bits = [1 << i for i in range(mask.bit_length()) if mask >> i & 1]
    if rng is not None:
        rng.shuffle(bits)
    for bit in bits:
        trial = list(cands)
        trial[best] = bit
        if _propagate(trial, [best], n, above, below):
            _search(trial, n, above, below, limit, found, rng)
            if len(found) >= limit:
                return


def solve(n: int, givens, inequalities, limit: int = 2, rng=None, ban=None) -> list[list[int]]:
    """Up to ``limit`` solutions (flat lists); ``givens`` are ``(cell, value)``, ``inequalities``
    ``(smaller cell, larger cell)``; ``ban=(cell, value)`` forbids one value in one cell."""
    above: list[list[int]] = [[] for _ in range(n * n)]
    below: list[list[int]] = [[] for _ in range(n * n)]
    for small, large in inequalities:
        above[small].append(large)
        below[large].append(small)
    cands = [(1 << n) - 1] * (n * n)
    for cell, value in givens:
        cands[cell] = 1 << (value - 1)
    if ban is not None:
        cands[ban[0]] &= ~(1 << (ban[1] - 1))
    found: list[list[int]] = []
    if _propagate(cands, list(range(n * n)), n, above, below):
        _search(cands, n, above, below, limit, found, rng)
    return found


def make_puzzle(rng: random.Random, n: int, keep_givens: int, keep_inequalities: int):
    """``(solution, givens, inequalities)`` with a unique solution (flat cell numbers)."""
    solution = solve(n, [], [], limit=1, rng=rng)[0]
    pairs = [(i, i + 1) for i in range(n * n) if i % n < n - 1]
    pairs += [(i, i + n) for i in range(n * n - n)]
    inequalities = {(a, b) if solution[a] < solution[b] else (b, a) for a, b in pairs}
    givens = {(cell, solution[cell]) for cell in range(n * n)}
    for clue in rng.sample(sorted(givens), len(givens)):
        if len(givens) <= keep_givens:
            break
        givens.discard(clue)
        if solve(n, givens, inequalities, limit=1, ban=clue):
            givens.add(clue)
    for clue in rng.sample(sorted(inequalities), len(inequalities)):
        if len(inequalities) <= keep_inequalities:
            break
        inequalities.discard(clue)
        if solve(n, givens, [*inequalities, clue[::-1]], limit=1):
            inequalities.add(clue)
    return solution, sorted(givens), sorted(inequalities)


def render(n: int, values: list[int], inequalities=()) -> str:
    """The grid with ``.`` for empty cells and the inequality signs between cells."""
    signs = {}
    for a, b in inequalities:  # (smaller cell, larger cell)
        vertical = abs(a - b) == n
        signs[min(a, b), max(a, b)] = (
            ("^" if vertical else "<") if a < b else "v" if vertical else ">"
        )
    lines = []
    for r in range(n):
        line = str(values[r * n] or ".")
        for cell in range(r * n + 1, r * n + n):
            line += f" {signs.get((cell - 1, cell), ' ')} {values[cell] or '.'}"
        lines.append(line)
        if r < n - 1:
            lines.append("   ".join(signs.get((r * n + c, r * n + c + n), " ") for c in range(n)))
    return "\n".join(line.rstrip() for line in lines)


def show(grid: list[list[int]]) -> str:
    """A filled grid in the answer format."""
    return "\n".join(" ".join(map(str, row)) for row in grid)


def _name(cell: int, n: int) -> str:
    return f"R{cell // n + 1}C{cell % n + 1}"


class FutoshikiSource(PuzzleSource):
    """Futoshiki puzzles of 4x4 to 7x7 with exactly one solution each."""

    family: ClassVar[str] = "futoshiki"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, keep_givens, keep_inequalities = LEVELS[difficulty]
        solution, givens, inequalities = make_puzzle(rng, n, keep_givens, keep_inequalities)
        shown = [0] * (n * n)
        for cell, value in givens:
            shown[cell] = value
        listed = ", ".join(f"{_name(a, n)} < {_name(b, n)}" for a, b in inequalities)
        grid = [solution[r * n : r * n + n] for r in range(n)]
        return Problem(
            PROMPT.format(n=n, grid=render(n, shown, inequalities), listed=listed or "none"),
            show(grid),
            {
                "n": n,
                "givens": [[cell // n, cell % n, value] for cell, value in givens],
                "inequalities": [[a // n, a % n, b // n, b % n] for a, b in inequalities],
                "solution": grid,
            },
        )


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per row, column, inequality (``[r1, c1, r2, c2]``: first < second) and
    given."""
    n: int = task.metadata["n"]
    grid = [[read_number_cell(cell, n) for cell in row] for row in parse_grid(answer, n, n)]
    numbers = set(range(1, n + 1))
    givens, inequalities = task.metadata["givens"], task.metadata["inequalities"]
    broken = [
        f"the given {v} at row {r + 1} column {c + 1} was changed"
        for r, c, v in givens
        if grid[r][c] != v
    ]
    broken += [
        f"row {r + 1} does not contain each number 1-{n} exactly once"
        for r in range(n)
        if set(grid[r]) != numbers
    ]
    broken += [
        f"column {c + 1} does not contain each number 1-{n} exactly once"
        for c in range(n)
        if {grid[r][c] for r in range(n)} != numbers
    ]
    broken += [
        f"row {r1 + 1} column {c1 + 1} must be smaller than row {r2 + 1} column {c2 + 1}"
        for r1, c1, r2, c2 in inequalities
        if not grid[r1][c1] < grid[r2][c2]
    ]
    total = 2 * n + len(givens) + len(inequalities)
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return show(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    solution, givens = task.metadata["solution"], task.metadata["givens"]
    n = len(solution)
    given_cells = {(r, c) for r, c, _ in givens}
    free = [(r, c) for r in range(n) for c in range(n) if (r, c) not in given_cells]

    def changed(r: int, c: int) -> str:
        grid = [list(row) for row in solution]
        grid[r][c] = grid[r][c] % n + 1  # a repeat in its row: rows are permutations
        return show(grid)

    # Swapping two different values in a row repeats a value in both columns; swapping two rows
    # keeps a Latin square, which breaks a given or an inequality because the solution is unique.
    r, c = free[0]
    c2 = (c + 1) % n
    swapped = [list(row) for row in solution]
    swapped[r][c], swapped[r][c2] = swapped[r][c2], swapped[r][c]
    moved = [solution[1], solution[0], *solution[2:]]
    near_misses = {
        "cell_changed": changed(r, c),
        "cells_swapped": show(swapped),
        "rows_swapped": show(moved),
    }
    if givens:
        near_misses["given_changed"] = changed(givens[0][0], givens[0][1])
    return near_misses


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning grids: only the givens, and fixed cyclic Latin squares that ignore the clues."""
    n: int = task.metadata["n"]
    shown: list[list[int | str]] = [["."] * n for _ in range(n)]
    for r, c, v in task.metadata["givens"]:
        shown[r][c] = v
    return {
        "givens_only": show(shown),
        "cyclic": show([[(r + c) % n + 1 for c in range(n)] for r in range(n)]),
        "cyclic_reversed": show([[(c - r) % n + 1 for c in range(n)] for r in range(n)]),
        "cyclic_descending": show([[n - (r + c) % n for c in range(n)] for r in range(n)]),
    }
