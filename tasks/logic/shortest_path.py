"""Shortest path in a grid maze: walk from ``S`` to ``G`` in as few steps as possible.

=====  =======  =========
level  grid     wall odds
=====  =======  =========
1      5 x 5    8/32
2      6 x 6    9/32
3      8 x 8    10/32
4      10 x 10  11/32
5      12 x 12  12/32
=====  =======  =========

Breadth-first search from ``S`` (on bit masks, one word per distance layer) gives every reachable
cell's distance; a maze whose farthest reachable cell is nearer than ``(rows + cols) / 2`` steps
is redrawn, and ``G`` is drawn among the reachable cells at least two thirds of that farthest
distance away, so every maze has a path.

Answer format: the moves, ``U`` (up), ``D`` (down), ``L`` (left) and ``R`` (right), separated
by spaces or commas or written together (``RRDL``); the words ``up``, ``down``, ``left`` and
``right`` are read too; anything else, a repeat count such as ``U2`` included, makes the answer
unreadable. Inside ``<answer>…</answer>``. Any path that stays on open cells, ends on ``G`` and
has the shortest possible length is correct, not just the stored one.
"""

from __future__ import annotations

import random
import re
from functools import cache
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

LEVELS = {1: (5, 5, 8), 2: (6, 6, 9), 3: (8, 8, 10), 4: (10, 10, 11), 5: (12, 12, 12)}
DRAW = str.maketrans("10", ".#")
STEPS = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}
WORDS = {"UP": "U", "DOWN": "D", "LEFT": "L", "RIGHT": "R"}
OPPOSITE = {"U": "D", "D": "U", "L": "R", "R": "L"}
# between moves: spaces, punctuation and arrows, never digits or letters ("U2", "3U" are not moves)
_SEPARATORS = re.compile(r"[\s,;.'\"`*\[\]>→-]+")
PROMPT = (
    "Find a shortest path from S to G in this maze. '#' is a wall, '.' an open cell; you may "
    "step up, down, left or right onto open cells (and G), never through walls or off the "
    "grid.\n\n{maze}\n\n"
    "Give the path inside <answer></answer> as a sequence of moves: U (up), D (down), L (left) "
    "and R (right), separated by spaces. The path must have the fewest possible moves."
)


def random_mask(rng: random.Random, size: int, thirty_seconds: int) -> int:
    """``size`` random bits, each set with probability ``thirty_seconds / 32``.

    Five random words are read as one 5-bit number per bit position and compared with
    ``thirty_seconds`` bitwise (most significant bit first): one ``getrandbits`` per bit plane
    instead of one ``random()`` per cell.
    """
    full = (1 << size) - 1
    less, equal = 0, full
    for bit in (16, 8, 4, 2, 1):
        plane = rng.getrandbits(size)
        if thirty_seconds & bit:
            less |= equal & ~plane & full
            equal &= plane
        else:
            equal &= ~plane & full
    return less


@cache
def spaced_rows(cols: int) -> list[str]:
    """``rows[bits]``: one maze row as text (``". # . ."``), bit ``c`` set for an open column."""
    return [" ".join(bin(bits | 1 << cols)[:2:-1].translate(DRAW)) for bits in range(1 << cols)]


@cache
def edge_masks(rows: int, cols: int) -> tuple[int, int, int]:
    """``(all cells, cells not in the first column, cells not in the last column)``."""
    full = (1 << rows * cols) - 1
    first = sum(1 << r * cols for r in range(rows))
    return full, full & ~first, full & ~(first << cols - 1)


def bfs_layers(open_cells: int, start: int, rows: int, cols: int) -> list[int]:
    """Breadth-first search on bit masks: ``layers[d]`` holds the cells at distance ``d``."""
    full, not_first, not_last = edge_masks(rows, cols)
    frontier = 1 << start
    unseen = open_cells & full & ~frontier
    layers = []
    while frontier:
        layers.append(frontier)
        frontier = unseen & (
            (frontier & not_last) << 1
            | (frontier & not_first) >> 1
            | frontier << cols
            | frontier >> cols
        )
        unseen ^= frontier
    return layers


def walk_back(layers: list[int], goal: int, distance: int, cols: int) -> list[str]:
    """A shortest path to ``goal`` as moves, followed back through the distance layers."""
    moves, cell = [], goal
    for d in range(distance - 1, -1, -1):
        layer = layers[d]
        if cell >= cols and layer >> (cell - cols) & 1:
            moves.append("D")
            cell -= cols
        elif layer >> (cell + cols) & 1:
            moves.append("U")
            cell += cols
        elif cell % cols and layer >> (cell - 1) & 1:
            moves.append("R")
            cell -= 1
        else:  # the only neighbour left
            moves.append("L")
            cell += 1
    moves.reverse()
    return moves


class ShortestPathSource(PuzzleSource):
    """Random grid mazes with a reachable goal; any shortest path is accepted."""

    family: ClassVar[str] = "shortest-path"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        rows, cols, walls = LEVELS[difficulty]
        size = rows * cols
        while True:  # drawn again here when the straight line is a shortest path (see accept)
            while True:
                start = rng.randrange(size)
                open_cells = ~random_mask(rng, size, walls) | 1 << start
                layers = bfs_layers(open_cells, start, rows, cols)
                if len(layers) > (rows + cols) // 2:
                    break
            far = (2 * len(layers)) // 3
            goals = 0
            for layer in layers[far:]:
                goals |= layer
            for _ in range(rng.randrange(goals.bit_count())):  # a uniform choice of goal
                goals &= goals - 1
            goal = (goals & -goals).bit_length() - 1
            distance = next(d for d in range(far, len(layers)) if layers[d] >> goal & 1)
            if not _straight_is_shortest(open_cells, start, goal, distance, rows, cols):
                break
        row_text, row_mask = spaced_rows(cols), (1 << cols) - 1
        maze = "\n".join([row_text[open_cells >> r & row_mask] for r in range(0, size, cols)])
        # cell i is character 2 * i of the maze: each row is 2 * cols characters with its "\n"
        for cell, mark in sorted(((start, "S"), (goal, "G"))):
            maze = maze[: 2 * cell] + mark + maze[2 * cell + 1 :]
        cells = maze[::2]
        grid = [cells[i : i + cols] for i in range(0, size, cols)]
        path = " ".join(walk_back(layers, goal, distance, cols))
        return Problem(PROMPT.format(maze=maze), path, {"grid": grid, "distance": distance})

    def accept(self, task: Task) -> bool:
        # generate() already drew again when the straight line (vertical, then horizontal) is a
        # shortest path; the other trivial answers stay on S and a neighbour of it, and G is at
        # least (2 * len(layers)) // 3 >= 2 moves away
        return True


def _straight_is_shortest(
    open_cells: int, start: int, goal: int, distance: int, rows: int, cols: int
) -> bool:
    """Whether walking from ``start`` straight down or up to ``goal``'s row, then along it, is a
    shortest path (cells as bit indices ``row * cols + column`` of ``open_cells``)."""
    (r, c), (gr, gc) = divmod(start, cols), divmod(goal, cols)
    if distance != abs(gr - r) + abs(gc - c):
        return False
    low, high = min(r, gr), max(r, gr)
    down = column_masks(rows, cols)[c] & ((1 << (high + 1) * cols) - (1 << low * cols))
    along = ((1 << abs(gc - c) + 1) - 1) << gr * cols + min(c, gc)
    return not (down | along) & ~open_cells


@cache
def column_masks(rows: int, cols: int) -> list[int]:
    """``masks[c]``: the cells of column ``c``."""
    return [sum(1 << r * cols + c for r in range(rows)) for c in range(cols)]


def parse_moves(text: str) -> list[str]:
    """Moves as ``U``/``D``/``L``/``R`` letters; any other token between the separators (a count
    such as ``U2``, a word) raises :class:`AnswerFormatError`."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the path is too long")
    moves: list[str] = []
    for token in _SEPARATORS.split(text.upper()):
        if token in WORDS:
            moves.append(WORDS[token])
        elif set(token) <= set(STEPS):
            moves.extend(token)
        else:
            raise AnswerFormatError(f"{token[:20]!r} is not a move (use U, D, L, R)")
    if not moves:
        raise AnswerFormatError("the path has no moves")
    return moves


def find(grid: list[str], mark: str) -> tuple[int, int]:
    """``(row, column)`` of ``mark`` in the grid (rows of equal length)."""
    return divmod("".join(grid).index(mark), len(grid[0]))


def check(task: Task, answer: str) -> RuleResult:
    """Three constraints: every move lands on an open cell, the path ends on G, it is shortest."""
    grid: list[str] = task.metadata["grid"]
    moves = parse_moves(answer)
    (r, c), goal = find(grid, "S"), find(grid, "G")
    broken = []
    for number, move in enumerate(moves, 1):
        dr, dc = STEPS[move]
        r, c = r + dr, c + dc
        if not (0 <= r < len(grid) and 0 <= c < len(grid[0])):
            broken.append(f"move {number} ({move}) leaves the grid")
        elif grid[r][c] == "#":
            broken.append(f"move {number} ({move}) walks into a wall at row {r + 1} column {c + 1}")
        if broken:
            break
    if broken or (r, c) != goal:
        broken.append("the path does not end on G")
    if len(moves) != task.metadata["distance"]:
        broken.append(f"the path has {len(moves)} moves, which is not the fewest possible")
    return RuleResult(3 - len(broken), 3, broken[0] if broken else "")


def reference(task: Task) -> str:
    return str(task.answer)


def mutations(task: Task) -> dict[str, str]:
    moves = task.answer.split()
    changed = list(moves)
    changed[len(moves) // 2] = OPPOSITE[moves[len(moves) // 2]]  # the path ends elsewhere
    detour = [moves[0], OPPOSITE[moves[0]], *moves]  # legal, reaches G, two moves too many
    return {
        "move_changed": " ".join(changed),
        "move_dropped": " ".join(moves[:-1]) or OPPOSITE[moves[0]],
        "detour": " ".join(detour),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """One step onto an open cell, straight at G through any walls, and pacing to and fro."""
    grid: list[str] = task.metadata["grid"]
    (r, c), (gr, gc) = find(grid, "S"), find(grid, "G")
    step = next(
        move
        for move, (dr, dc) in STEPS.items()
        if 0 <= r + dr < len(grid) and 0 <= c + dc < len(grid[0]) and grid[r + dr][c + dc] != "#"
    )
    vertical = ["D" if gr > r else "U"] * abs(gr - r)
    horizontal = ["R" if gc > c else "L"] * abs(gc - c)
    # as many moves as the straight line, each on an open cell, back and forth beside S
    pacing = [step if i % 2 == 0 else OPPOSITE[step] for i in range(len(vertical + horizontal))]
    return {
        "one_open_step": step,
        "straight_to_goal": " ".join(vertical + horizontal),
        "back_and_forth": " ".join(pacing),
    }
