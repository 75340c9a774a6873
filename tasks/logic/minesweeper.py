"""Minesweeper deduction: find every mine among the hidden cells from the revealed numbers.

=====  ======  =====  =================================
level  board   mines  hidden cells that are not mines
=====  ======  =====  =================================
1      5 x 5   4      3
2      6 x 6   6      6
3      7 x 7   9      10
4      8 x 8   12     16
5      9 x 9   16     24
=====  ======  =====  =================================

A revealed cell shows how many of its (up to 8) neighbours are mines and is never a mine itself.
Mines are placed at random, every safe cell starts revealed, and then safe cells are hidden in
random order (up to the level's count) only while every hidden cell still touches a revealed
number and a solver (constraint propagation and branching over the hidden cells, counting
consistent placements up to 2) finds exactly one placement of mines consistent with the numbers.
So the mines are fully deducible, without using the total count.

Answer format: every mine as a ``(row, column)`` pair, numbered from 1 with row 1 at the top,
separated by commas, e.g. ``(1, 3), (4, 2)``, inside ``<answer>…</answer>``; any other text makes
the answer unreadable (no pair is read against what the text says about it). The answer is correct
when it puts no mine on a revealed cell and every revealed number counts exactly that many of its
listed neighbours; because the placement is unique, that is exactly the hidden mines.
"""

from __future__ import annotations

import random
import re
from functools import cache
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

LEVELS = {1: (5, 4, 3), 2: (6, 6, 6), 3: (7, 9, 10), 4: (8, 12, 16), 5: (9, 16, 24)}
"""level -> (board size, mines, hidden safe cells)."""
HIDDEN = "?"
PAIR = re.compile(r"\(\s*(\d{1,4})\s*,\s*(\d{1,4})\s*\)")
BETWEEN = re.compile(r"[\s,;.\[\]]*")  # all an answer may hold besides its pairs
PROMPT = (
    "This is a {n}x{n} Minesweeper board. A number is a revealed cell: it is not a mine, and "
    "it tells how many of its neighbouring cells (up to 8, diagonals included) are mines. "
    "Cells marked ? are hidden; some of them are mines. There are {mines} mines, and their "
    "positions follow from the numbers alone.\n\n{board}\n\n"
    "Rows and columns are numbered from 1, row 1 at the top and column 1 at the left. List every "
    "mine inside <answer></answer> as (row, column) pairs separated by commas, such as "
    "(1, 2), (3, 4)."
)


@cache
def neighbours(n: int) -> tuple[tuple[int, ...], ...]:
    return tuple(
        tuple(
            (r + dr) * n + c + dc
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr or dc) and 0 <= r + dr < n and 0 <= c + dc < n
        )
        for r in range(n)
        for c in range(n)
    )


def count_placements(n: int, hidden: set[int], numbers: dict[int, int], limit: int = 2) -> int:
    """How many sets of mines among ``hidden`` agree with every revealed number (up to
    ``limit``); ``numbers`` maps revealed cells to their counts."""
    near = neighbours(n)
    variables = sorted(hidden)
    slot = {cell: i for i, cell in enumerate(variables)}
    constraints = [
        ([slot[p] for p in near[cell] if p in hidden], count) for cell, count in numbers.items()
    ]
    constraints = [(cells, count) for cells, count in constraints if cells or count]
    return _count([-1] * len(variables), constraints, limit)


def _count(values: list[int], constraints: list, limit: int) -> int:
    changed = True
    while changed:  # a number whose mines are all found, or that needs all its unknowns
        changed = False
        for cells, count in constraints:
            mines = unknown = 0
            for v in cells:
                if values[v] < 0:
                    unknown += 1
                else:
                    mines += values[v]
            if mines > count or mines + unknown < count:
                return 0
            if unknown and (mines == count or mines + unknown == count):
                fill = int(mines < count)
                for v in cells:
                    if values[v] < 0:
                        values[v] = fill
                changed = True
    branch = next((v for v, value in enumerate(values) if value < 0), None)
    if branch is None:
        return 1
    total = 0
    for value in (0, 1):
        trial = list(values)
        trial[branch] = value
        total += _count(trial, constraints, limit - total)
        if total >= limit:
            break
    return total


def make_board(rng: random.Random, n: int, mines: int, hide: int) -> tuple[list[int], set[int]]:
    """``(mine cells, hidden cells)``: the mines are the only placement the numbers allow."""
    near = neighbours(n)
    while True:
        placed = set(rng.sample(range(n * n), mines))
        if all(any(p not in placed for p in near[m]) for m in placed):
            break  # every mine touches a revealed number
    hidden = set(placed)
    numbers = {c: sum(p in placed for p in near[c]) for c in range(n * n) if c not in placed}
    order = sorted(numbers)
    rng.shuffle(order)
    for cell in order:
        if len(hidden) >= mines + hide:
            break
        count = numbers.pop(cell)
        hidden.add(cell)
        touched = all(
            any(p in numbers for p in near[h]) for h in (cell, *near[cell]) if h in hidden
        )
        if not (touched and count_placements(n, hidden, numbers) == 1):
            hidden.discard(cell)
            numbers[cell] = count
    return sorted(placed), hidden


def render(n: int, mines: list[int], hidden) -> str:
    near = neighbours(n)
    return "\n".join(
        " ".join(
            HIDDEN if cell in hidden else str(sum(p in mines for p in near[cell]))
            for cell in range(r * n, r * n + n)
        )
        for r in range(n)
    )


def show(pairs) -> str:
    return ", ".join(f"({r + 1}, {c + 1})" for r, c in sorted(pairs))


class MinesweeperSource(PuzzleSource):
    """Minesweeper boards of 5x5 to 9x9 whose hidden mines can all be deduced."""

    family: ClassVar[str] = "minesweeper"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, mines, hide = LEVELS[difficulty]
        placed, hidden = make_board(rng, n, mines, hide)
        board = render(n, placed, hidden)
        pairs = [[cell // n, cell % n] for cell in placed]
        return Problem(
            PROMPT.format(n=n, mines=mines, board=board),
            show(pairs),
            {"n": n, "board": board.split("\n"), "mines": pairs},
        )


def parse(answer: str) -> set[tuple[int, int]]:
    """The ``(row, column)`` pairs, 0-based. Only pairs, commas, semicolons and brackets may be
    written: other text (``but NOT (4, 4)``, ``maybe``) raises :class:`AnswerFormatError`, so no
    pair is read against what the answer says about it."""
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    if not BETWEEN.fullmatch(PAIR.sub(" ", answer)):
        raise AnswerFormatError("write only (row, column) pairs separated by commas")
    pairs = {(int(r) - 1, int(c) - 1) for r, c in PAIR.findall(answer)}
    if not pairs:
        raise AnswerFormatError("no (row, column) pairs found")
    return pairs


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per revealed number, and one that no mine is on a revealed cell (or off
    the board)."""
    pairs = parse(answer)
    n: int = task.metadata["n"]
    board = [row.split() for row in task.metadata["board"]]
    misplaced = sorted(
        (r, c) for r, c in pairs if not (0 <= r < n and 0 <= c < n) or board[r][c] != HIDDEN
    )
    broken = [
        f"row {r + 1} column {c + 1} is not a hidden cell, so it cannot be a mine"
        for r, c in misplaced[:1]
    ]
    total = 1
    for r in range(n):
        for c in range(n):
            if board[r][c] == HIDDEN:
                continue
            total += 1
            around = sum(
                (r + dr, c + dc) in pairs for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc
            )
            if around != int(board[r][c]):
                broken.append(
                    f"the {board[r][c]} at row {r + 1} column {c + 1} has {around} of your "
                    f"mines around it"
                )
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return show(task.metadata["mines"])


def mutations(task: Task) -> dict[str, str]:
    """Any other set of mines breaks a rule: the placement is unique among hidden cells."""
    mines = [tuple(pair) for pair in task.metadata["mines"]]
    board = [row.split() for row in task.metadata["board"]]
    cells = [(r, c) for r, row in enumerate(board) for c in range(len(row))]
    safe_hidden = [p for p in cells if board[p[0]][p[1]] == HIDDEN and p not in mines]
    revealed = [p for p in cells if board[p[0]][p[1]] != HIDDEN]
    elsewhere = (safe_hidden or revealed)[0]
    return {
        "mine_removed": show(mines[1:]),
        "mine_added": show([*mines, elsewhere]),
        "mine_moved": show([*mines[1:], elsewhere]),
        "mine_on_number": show([*mines[1:], revealed[0]]),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning mines: every hidden cell, the first or the last, the first as many as stated."""
    board = [row.split() for row in task.metadata["board"]]
    hidden = [(r, c) for r, row in enumerate(board) for c, cell in enumerate(row) if cell == HIDDEN]
    count = next(mines for n, mines, _ in LEVELS.values() if n == task.metadata["n"])  # as stated
    return {
        "all_hidden": show(hidden),
        "first_hidden": show(hidden[:1]),
        "last_hidden": show(hidden[-1:]),
        "first_hidden_by_count": show(hidden[:count]),
    }
