"""Graph colouring: give every vertex a colour so that no edge joins two vertices of one colour.

=====  ========  =======  =====
level  vertices  colours  edges
=====  ========  =======  =====
1      5         3        6
2      7         3        11
3      9         3        16
4      10        4        24
5      12        4        32
=====  ========  =======  =====

Every graph is colourable by construction: a balanced colouring is planted first and edges are
drawn only between vertices of different planted colours.

Answer format: one ``vertex: colour`` pair per vertex (``A: 1, B: 3, …`` or one pair per line;
``=`` and ``is`` also separate a name from its colour), colours numbered 1 to k, inside
``<answer>…</answer>``. Each entry holds exactly one colour (``A: 2 or 1`` cannot be read).
Any proper colouring is correct, not just the planted one.
"""

from __future__ import annotations

import random
import re
import string
from functools import cache
from typing import ClassVar, NamedTuple

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import (
    AnswerFormatError,
    PuzzleSource,
    RuleResult,
    read_entries,
    read_int,
)
from rlvr.types import Task

LEVELS = {1: (5, 3, 6), 2: (7, 3, 11), 3: (9, 3, 16), 4: (10, 4, 24), 5: (12, 4, 32)}
LETTERS = string.ascii_uppercase
PROMPT = (
    "Colour the vertices of this graph with the colours 1 to {k} so that the two ends of every "
    "edge get different colours.\n\nVertices: {vertices}\nEdges: {edges}\n\n"
    "Give the colouring inside <answer></answer>: one 'vertex: colour' pair per vertex, "
    "separated by commas or new lines."
)

_LABELLED = re.compile(
    r"(?<![A-Za-z0-9_])([A-Za-z])\s*(?:=|:|->|\bis\b|\bstarts?\s+at\b|\bat\b)\s*(-?\d+)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")


def parse_labelled_ints(text: str, labels: str, *, what: str = "answer") -> dict[str, int]:
    """``"A: 1, b = 2"`` -> ``{"A": 1, "B": 2}`` for single-letter names drawn from ``labels``.

    A name outside ``labels``, a name given two different values, an entry that is not exactly
    one number (``A: 2 or 1``, ``A: 0-99``; see :func:`read_entries`), a number of more than
    ``MAX_NUMBER_DIGITS`` digits or no pair at all raise :class:`AnswerFormatError` (shared with
    :mod:`rlvr.tasks.logic.scheduling`).
    """
    values: dict[str, int] = {}
    for match in read_entries(text, _LABELLED, _NUMBER, what=what):
        name = match.group(1).upper()
        if name not in labels:
            raise AnswerFormatError(f"the {what} names {name}, which is not in the puzzle")
        value = read_int(match.group(2), what=f"value of {name}")
        if values.setdefault(name, value) != value:
            raise AnswerFormatError(f"{name} is given two different values")
    if not values:
        raise AnswerFormatError(f"no 'name: number' pairs found in the {what}")
    return values


def render(colours: list[int]) -> str:
    return ", ".join(f"{LETTERS[v]}: {c}" for v, c in enumerate(colours))


class GraphColoringSource(PuzzleSource):
    """Graphs with a planted k-colouring (k = 3 or 4); any proper colouring is accepted."""

    family: ClassVar[str] = "graph-coloring"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, k, m = LEVELS[difficulty]
        table = _tables(n, k)
        classes, edges = _draw_graph(rng, table, m)
        while _trivially_coloured(n, k, edges):  # drawn again here: cheaper than accept()
            classes, edges = _draw_graph(rng, table, m)
        solution = [colour + 1 for colour in classes]
        names = ", ".join([table.pair_names[pair] for pair in edges])
        return Problem(
            PROMPT.format(k=k, vertices=table.vertices, edges=names),
            ", ".join(map(list.__getitem__, table.answer_parts, solution)),
            {
                "vertices": n,
                "colours": k,
                "edges": [[u, v] for u, v in edges],
                "solution": solution,
            },
        )

    def accept(self, task: Task) -> bool:
        return True  # generate() already drew again when a trivial colouring was proper


def _draw_graph(
    rng: random.Random, table: _Tables, m: int
) -> tuple[list[int], list[tuple[int, int]]]:
    """A random balanced colouring and ``m`` random edges between vertices it colours apart."""
    draw = rng.random  # int(draw() * n) is uniform on range(n), as in random.shuffle
    classes = table.balanced[:]
    for i in range(len(classes) - 1, 0, -1):  # Fisher-Yates: a random balanced colouring
        j = int(draw() * (i + 1))
        classes[i], classes[j] = classes[j], classes[i]
    # selection sampling: m of the candidate edges (ends of different colours), in order
    left, need, edges = table.candidates, min(m, table.candidates), []
    for pair in table.pairs:
        if classes[pair[0]] != classes[pair[1]]:
            if draw() * left < need:
                edges.append(pair)
                need -= 1
            left -= 1
    return classes, edges


class _Tables(NamedTuple):
    pairs: list[tuple[int, int]]
    """every vertex pair ``(u, v)`` with ``u < v``, in order"""
    pair_names: dict[tuple[int, int], str]
    """``(0, 1) -> "A-B"``"""
    vertices: str
    """``"A, B, C, .."``"""
    answer_parts: list[list[str]]
    """``answer_parts[v][colour]`` is ``"A: 1"``"""
    balanced: list[int]
    """a balanced colouring ``0, 1, .., k-1, 0, 1, ..``"""
    candidates: int
    """how many pairs a balanced colouring gives different colours"""


@cache
def _tables(n: int, k: int) -> _Tables:
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n)]
    balanced = [v % k for v in range(n)]
    return _Tables(
        pairs=pairs,
        pair_names={(u, v): f"{LETTERS[u]}-{LETTERS[v]}" for u, v in pairs},
        vertices=", ".join(LETTERS[:n]),
        answer_parts=[[f"{LETTERS[v]}: {c}" for c in range(k + 1)] for v in range(n)],
        balanced=balanced,
        candidates=sum(balanced[u] != balanced[v] for u, v in pairs),
    )


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per vertex (it has a colour in 1..k) and one per edge (ends differ)."""
    n, k = task.metadata["vertices"], task.metadata["colours"]
    edges = task.metadata["edges"]
    colours = parse_labelled_ints(answer, LETTERS[:n], what="colouring")
    broken = []
    for v in range(n):
        colour = colours.get(LETTERS[v])
        if colour is None:
            broken.append(f"vertex {LETTERS[v]} has no colour")
        elif not 1 <= colour <= k:
            broken.append(f"vertex {LETTERS[v]} has colour {colour}, not one of 1 to {k}")
    for u, v in edges:
        a, b = colours.get(LETTERS[u]), colours.get(LETTERS[v])
        if a is None or b is None:
            broken.append(f"edge {LETTERS[u]}-{LETTERS[v]} has an uncoloured end")
        elif a == b:
            broken.append(f"edge {LETTERS[u]}-{LETTERS[v]} joins two vertices of colour {a}")
    total = n + len(edges)
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return render(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    solution = list(task.metadata["solution"])
    k = task.metadata["colours"]
    u, v = task.metadata["edges"][len(task.metadata["edges"]) // 2]
    clash = list(solution)
    clash[u] = solution[v]  # one vertex takes a neighbour's colour
    out_of_range = list(solution)
    out_of_range[v] = k + 1
    return {
        "neighbour_colour": render(clash),
        "colour_out_of_range": render(out_of_range),
        "vertex_missing": render(solution).rsplit(", ", 1)[0],
    }


@cache
def _colourings(n: int, k: int) -> dict[str, list[int]]:
    """The trivial colourings: one colour everywhere, colours in turn, colours in blocks."""
    size = -(-n // k)
    return {
        "one_colour": [1] * n,
        "cyclic": [v % k + 1 for v in range(n)],
        "blocks": [v // size + 1 for v in range(n)],
    }


def _trivially_coloured(n: int, k: int, edges: list[tuple[int, int]]) -> bool:
    """Whether one of the trivial colourings is proper on ``edges``."""
    for colours in _colourings(n, k).values():
        for u, v in edges:
            if colours[u] == colours[v]:
                break
        else:
            return True
    return False


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning colourings: one colour everywhere, colours in turn, colours in blocks."""
    colourings = _colourings(task.metadata["vertices"], task.metadata["colours"])
    return {name: render(colours) for name, colours in colourings.items()}
