"""Nonograms: shade the cells of a grid so that every row and column matches its clue.

=====  ========  =======================
level  grid      chance a cell is filled
=====  ========  =======================
1      5 x 5     60%
2      6 x 6     60%
3      8 x 8     58%
4      10 x 10   58%
5      12 x 12   55%
=====  ========  =======================

A clue lists the lengths of the runs of filled cells in its line, in order (``0``: the line is
empty). Each puzzle is a random image whose clues have exactly one solution: a line solver (every
placement of the runs consistent with the cells known so far; cells that agree in all of them
become known) with branching on the line with the fewest placements counts the solutions up to
2, and images with more than one are drawn again.

Answer format: the grid as one line per row, ``#`` for a filled cell and ``.`` for an empty one
(``1``/``X`` and ``0``/``_`` are read too; spaces between cells are allowed), inside
``<answer>…</answer>``. Any grid matching every clue is correct.
"""

from __future__ import annotations

import random
from functools import cache
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import AnswerFormatError, PuzzleSource, RuleResult, parse_grid
from rlvr.types import Task

LEVELS = {1: (5, 0.6), 2: (6, 0.6), 3: (8, 0.58), 4: (10, 0.58), 5: (12, 0.55)}
"""level -> (size, chance that a cell is filled)."""
FILLED, EMPTY = ("#", "1", "X", "x"), (".", "0", "_")
PROMPT = (
    "Solve this {n}x{n} nonogram. Shade cells so that each line matches its clue: the clue "
    "lists, in order, the lengths of the runs of consecutive shaded cells in that line (left to "
    "right for rows, top to bottom for columns), with at least one empty cell between runs; 0 "
    "means the line is empty. Rows are numbered from the top, columns from the left.\n\n"
    "Row clues:\n{rows}\n\nColumn clues:\n{cols}\n\n"
    "Give the grid inside <answer></answer>: {n} lines of {n} characters, # for a shaded cell "
    "and . for an empty one."
)


def runs(cells) -> list[int]:
    """Lengths of the runs of truthy cells."""
    out, length = [], 0
    for cell in cells:
        if cell:
            length += 1
        elif length:
            out.append(length)
            length = 0
    return [*out, length] if length else out


@cache
def placements(clue: tuple[int, ...], length: int) -> tuple[int, ...]:
    """Every line (bit ``i`` = cell ``i`` filled) whose runs are ``clue``."""
    if not clue:
        return (0,)
    first, rest = clue[0], clue[1:]
    room = length - sum(rest) - len(rest)
    out = []
    for start in range(room - first + 1):
        block = ((1 << first) - 1) << start
        if rest:
            skip = start + first + 1
            out += [block | tail << skip for tail in placements(rest, length - skip)]
        else:
            out.append(block)
    return tuple(out)


def count_solutions(row_clues, col_clues, limit: int = 2) -> int:
    """How many grids match the clues, counting up to ``limit``."""
    h, w = len(row_clues), len(col_clues)
    lines = [list(placements(tuple(c), w)) for c in row_clues]
    lines += [list(placements(tuple(c), h)) for c in col_clues]
    return _count(lines, [0] * (h + w), [0] * (h + w), h, w, limit)


def _count(lines: list, filled: list[int], empty: list[int], h: int, w: int, limit: int) -> int:
    """Lines ``0..h-1`` are rows, ``h..h+w-1`` columns; ``filled``/``empty`` are known cells."""
    dirty = list(range(h + w))
    while dirty:
        todo, dirty = sorted(set(dirty)), []
        for k in todo:
            f, e = filled[k], empty[k]
            options = [p for p in lines[k] if p & f == f and not p & e]
            if not options:
                return 0
            lines[k] = options
            must, can = options[0], options[0]
            for p in options:
                must &= p
                can |= p
            size = w if k < h else h
            new_filled = must & ~f
            new_empty = ((1 << size) - 1) & ~can & ~e
            filled[k] |= new_filled
            empty[k] |= new_empty
            base, own = (h, k) if k < h else (0, k - h)
            for i in range(size):
                if new_filled >> i & 1:
                    filled[base + i] |= 1 << own
                    dirty.append(base + i)
                elif new_empty >> i & 1:
                    empty[base + i] |= 1 << own
                    dirty.append(base + i)
    open_lines = [k for k in range(h) if len(lines[k]) > 1]
    if not open_lines:
        return 1
    k = min(open_lines, key=lambda k: len(lines[k]))
    total = 0
    for option in lines[k]:
        trial = list(lines)
        trial[k] = [option]
        total += _count(trial, list(filled), list(empty), h, w, limit - total)
        if total >= limit:
            break
    return total


def make_image(rng: random.Random, n: int, density: float) -> list[list[int]]:
    """A random image whose clues have exactly one solution."""
    while True:
        image = [[int(rng.random() < density) for _ in range(n)] for _ in range(n)]
        rows = [runs(row) for row in image]
        cols = [runs(col) for col in zip(*image, strict=True)]
        if count_solutions(rows, cols) == 1:
            return image


def render(grid: list[list[int]]) -> str:
    return "\n".join("".join("#" if cell else "." for cell in row) for row in grid)


def _clue(runs_: list[int]) -> str:
    return " ".join(map(str, runs_)) or "0"


class NonogramSource(PuzzleSource):
    """Square nonograms of 5x5 to 12x12 with exactly one solution each."""

    family: ClassVar[str] = "nonogram"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, density = LEVELS[difficulty]
        image = make_image(rng, n, density)
        rows = [runs(row) for row in image]
        cols = [runs(col) for col in zip(*image, strict=True)]
        return Problem(
            PROMPT.format(
                n=n,
                rows="\n".join(f"Row {r + 1}: {_clue(clue)}" for r, clue in enumerate(rows)),
                cols="\n".join(f"Column {c + 1}: {_clue(clue)}" for c, clue in enumerate(cols)),
            ),
            render(image),
            {"n": n, "row_clues": rows, "col_clues": cols, "solution": render(image).split()},
        )


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per row clue and per column clue."""
    n: int = task.metadata["n"]
    grid = []
    for row in parse_grid(answer, n, n):
        if any(cell not in FILLED + EMPTY for cell in row):
            raise AnswerFormatError("cells must be # (shaded) or . (empty)")
        grid.append([cell in FILLED for cell in row])
    rows, cols = task.metadata["row_clues"], task.metadata["col_clues"]
    broken = [
        f"row {r + 1} does not match its clue {_clue(rows[r])}"
        for r in range(n)
        if runs(grid[r]) != rows[r]
    ]
    broken += [
        f"column {c + 1} does not match its clue {_clue(cols[c])}"
        for c in range(n)
        if runs(row[c] for row in grid) != cols[c]
    ]
    return RuleResult(2 * n - len(broken), 2 * n, broken[0] if broken else "")


def reference(task: Task) -> str:
    return "\n".join(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    image = [[cell == "#" for cell in row] for row in task.metadata["solution"]]
    n = len(image)
    flipped = [list(row) for row in image]
    flipped[0][0] = not flipped[0][0]  # changes how many cells row 1 shades
    near_misses = {"cell_flipped": render(flipped)}
    # A shaded and an empty cell swapped within a line: both crossing lines change their count.
    for name, transpose in (("cells_swapped_in_row", False), ("cells_swapped_in_column", True)):
        lines = [list(line) for line in (zip(*image, strict=True) if transpose else image)]
        k = next((k for k, line in enumerate(lines) if 0 < sum(line) < n), None)
        if k is not None:
            a, b = lines[k].index(True), lines[k].index(False)
            lines[k][a], lines[k][b] = False, True
            near_misses[name] = render(list(zip(*lines, strict=True)) if transpose else lines)
    return near_misses


def trivial_answers(task: Task) -> dict[str, str]:
    """Blank and full grids, and every row (or column) packed to one edge, ignoring the others."""
    n: int = task.metadata["n"]

    def packed(clue: list[int]) -> list[bool]:
        cells = [cell for run in clue for cell in [True] * run + [False]]
        return (cells + [False] * n)[:n]

    columns = [packed(clue) for clue in task.metadata["col_clues"]]
    return {
        "blank": render([[False] * n for _ in range(n)]),
        "full": render([[True] * n for _ in range(n)]),
        "rows_packed_left": render([packed(clue) for clue in task.metadata["row_clues"]]),
        "columns_packed_top": render([list(row) for row in zip(*columns, strict=True)]),
    }
