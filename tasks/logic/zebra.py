"""Zebra (Einstein) puzzles: houses in a row, attributes with one value per house, and clues.

=====  ======  ==========  ===============================================================
level  houses  attributes  clue kinds
=====  ======  ==========  ===============================================================
1      3       3           in house k, same person, not the same person, directly left of,
                           next to
2      4       3           level 1
3      4       4           level 1 + not in house k, somewhere left of
4      5       4           level 3, fewer "in house k" clues
5      5       5           level 4
=====  ======  ==========  ===============================================================

A random solution is drawn, then true clues are added until constraint propagation (bit-mask
domains per value, all-different per attribute) pins every value down; then clues are dropped in
random order while a backtracking search still finds exactly one solution.

Answer format: one line per attribute, ``attribute: value in house 1, value in house 2, …`` (e.g.
``color: red, green, blue``), inside ``<answer>…</answer>``. Lines ``House 2: green, Dane, tea``
are read too; case does not matter. Every clue must hold and each attribute must use each value
once, which only the unique solution does.
"""

from __future__ import annotations

import random
import re
from typing import Any, ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import (
    MAX_ANSWER_CHARS,
    AnswerFormatError,
    PuzzleSource,
    RuleResult,
    read_int,
)
from rlvr.types import Task

CATEGORIES: dict[str, tuple[tuple[str, ...], str]] = {
    "color": (("red", "green", "blue", "yellow", "white"), "the person in the {} house"),
    "nationality": (("Brit", "Swede", "Dane", "Norwegian", "German"), "the {}"),
    "drink": (("tea", "coffee", "milk", "juice", "water"), "the {} drinker"),
    "pet": (("dog", "cat", "bird", "fish", "horse"), "the {} owner"),
    "hobby": (("chess", "painting", "hiking", "cooking", "gardening"), "the person who enjoys {}"),
    "car": (("Ford", "Tesla", "BMW", "Toyota", "Honda"), "the {} driver"),
}
_BASIC = ("pos", "same", "same", "diff", "left", "next", "next")
LEVELS: dict[int, tuple[int, int, tuple[str, ...]]] = {
    1: (3, 3, _BASIC),
    2: (4, 3, _BASIC),
    3: (4, 4, (*_BASIC, "notpos", "before")),
    4: (5, 4, (*_BASIC[1:], "notpos", "before", "before")),
    5: (5, 5, (*_BASIC[1:], "notpos", "before", "before")),
}
PROMPT = (
    "There are {n} houses in a row, numbered 1 to {n} from left to right. In each house lives "
    "one person, and each of these attributes takes each of its values in exactly one house:\n"
    "{attributes}\n\nClues:\n{clues}\n\nExactly one arrangement satisfies every clue. Give it "
    "inside <answer></answer>, one line per attribute listing its values from house 1 to house "
    "{n}, for example '{example}: {values}'."
)
TEXT = {
    "same": "{x} is {y}.",
    "diff": "{x} is not {y}.",
    "left": "{x} lives directly left of {y}.",
    "before": "{x} lives somewhere to the left of {y}.",
    "next": "{x} lives next to {y}.",
    "pos": "{x} lives in house {y}.",
    "notpos": "{x} does not live in house {y}.",
}


def _single(d: int) -> bool:
    return d & (d - 1) == 0


def propagate(dom: list[int], clues: list[tuple[str, int, int]], n: int, m: int) -> bool:
    """Narrow the house bit masks ``dom`` (one per value) to a fixpoint; False on a contradiction.

    ``clues`` are binary: (kind, value, value); unary clues are applied to ``dom`` beforehand.
    """
    full = (1 << n) - 1
    changed = True
    while changed:
        changed = False
        for kind, x, y in clues:
            dx, dy = dom[x], dom[y]
            if kind == "same":
                nx = ny = dx & dy
            elif kind == "diff":
                nx = dx & ~dy if dy & (dy - 1) == 0 else dx
                ny = dy & ~dx if dx & (dx - 1) == 0 else dy
            elif kind == "left":
                nx, ny = dx & (dy >> 1), dy & (dx << 1)
            elif kind == "next":
                nx, ny = dx & ((dy >> 1) | (dy << 1)), dy & ((dx >> 1) | (dx << 1)) & full
            else:  # before: x somewhere left of y
                nx = dx & ((1 << (dy.bit_length() - 1)) - 1)
                ny = dy & ~(((dx & -dx) << 1) - 1)
            if nx != dx or ny != dy:
                if not nx or not ny:
                    return False
                dom[x], dom[y], changed = nx, ny, True
        for start in range(0, n * m, n):
            fixed = once = twice = 0
            for v in range(start, start + n):
                d = dom[v]
                twice |= once & d
                once |= d
                if d & (d - 1) == 0:
                    if fixed & d:
                        return False
                    fixed |= d
            if once != full:
                return False
            hidden = once & ~twice  # houses only one value can take
            for v in range(start, start + n):
                d = dom[v]
                new = d & hidden if d & hidden else d & ~fixed if d & (d - 1) else d
                if new != d:
                    if not new or (new & (new - 1) and new & hidden):
                        return False
                    dom[v], changed = new, True
    return True


def count_solutions(dom: list[int], clues: list[tuple[str, int, int]], n: int, m: int) -> int:
    """Solutions of the puzzle, counted up to 2 (propagation, then branching on a value)."""
    if not propagate(dom, clues, n, m):
        return 0
    open_vars = [v for v, d in enumerate(dom) if not _single(d)]
    if not open_vars:
        return 1
    var = min(open_vars, key=lambda v: dom[v].bit_count())
    total, d = 0, dom[var]
    while d and total < 2:
        bit = d & -d
        d ^= bit
        trial = list(dom)
        trial[var] = bit
        total += count_solutions(trial, clues, n, m)
    return total


def compile_clues(
    clues: list[list[Any]], index: dict[str, int], n: int, m: int
) -> tuple[list[int], list[tuple[str, int, int]]]:
    """Initial domains (unary clues applied) and the binary clues over value indices."""
    dom, binary = [(1 << n) - 1] * (n * m), []
    for kind, x, y in clues:
        if kind == "pos":
            dom[index[x]] &= 1 << (y - 1)
        elif kind == "notpos":
            dom[index[x]] &= ~(1 << (y - 1))
        else:
            binary.append((kind, index[x], index[y]))
    return dom, binary


HOLDS = {  # does a clue hold with its values in houses hx and hy (0-based; "pos" takes k)?
    "same": lambda hx, hy: hx == hy,
    "diff": lambda hx, hy: hx != hy,
    "left": lambda hx, hy: hy == hx + 1,
    "before": lambda hx, hy: hx < hy,
    "next": lambda hx, hy: abs(hx - hy) == 1,
    "pos": lambda hx, k: hx == k - 1,
    "notpos": lambda hx, k: hx != k - 1,
}


class ZebraSource(PuzzleSource):
    """Zebra puzzles with exactly one solution."""

    family: ClassVar[str] = "zebra"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, m, kinds = LEVELS[difficulty]
        attributes = rng.sample(sorted(CATEGORIES), m)
        values = [sorted(rng.sample(CATEGORIES[a][0], n)) for a in attributes]
        grid = [rng.sample(row, n) for row in values]  # grid[a][house]
        index = {v: i for i, v in enumerate(v for row in grid for v in row)}
        clues: list[list[Any]] = []
        dom, binary = compile_clues([], index, n, m)
        while not all(_single(d) for d in dom):  # add informative clues until all is pinned
            clue = _random_clue(rng, kinds, grid)
            trial_dom, trial = compile_clues([clue], index, n, m)
            trial_dom = [a & b for a, b in zip(dom, trial_dom, strict=True)]
            if propagate(trial_dom, binary + trial, n, m) and trial_dom != dom:
                dom, binary = trial_dom, binary + trial
                clues.append(clue)
        rng.shuffle(clues)
        for clue in list(clues):  # drop clues while the solution stays unique
            rest = [c for c in clues if c is not clue]
            if count_solutions(*compile_clues(rest, index, n, m), n, m) == 1:
                clues = rest
        phrase = {
            v: CATEGORIES[a][1].format(v)
            for a, row in zip(attributes, values, strict=True)
            for v in row
        }
        prompt = PROMPT.format(
            n=n,
            attributes="\n".join(
                f"- {a}: {', '.join(r)}" for a, r in zip(attributes, values, strict=True)
            ),
            clues="\n".join(f"{i}. {render(c, phrase)}" for i, c in enumerate(clues, 1)),
            example=attributes[0],
            values=", ".join(f"<value in house {h}>" for h in range(1, n + 1)),
        )
        metadata = {"attributes": attributes, "values": values, "clues": clues, "solution": grid}
        return Problem(prompt, _render_answer(attributes, grid), metadata)


def _random_clue(rng: random.Random, kinds: tuple[str, ...], grid: list[list[str]]) -> list[Any]:
    """A clue that holds in the solution ``grid``."""
    kind, row = rng.choice(kinds), rng.choice(grid)
    hx = rng.randrange(len(row))
    if kind in ("pos", "notpos"):
        others = [h for h in range(1, len(row) + 1) if h != hx + 1]
        return [kind, row[hx], hx + 1 if kind == "pos" else rng.choice(others)]
    ordered = kind in ("left", "next", "before")  # also between values of one attribute
    candidates = [
        r[hy]
        for r in grid
        for hy in range(len(r))
        if HOLDS[kind](hx, hy) and (ordered or r is not row)
    ]
    return [kind, row[hx], rng.choice(candidates)] if candidates else ["pos", row[hx], hx + 1]


def render(clue: list[Any], phrase: dict[str, str]) -> str:
    kind, x, y = clue
    text = TEXT[kind].format(x=phrase[x], y=y if kind in ("pos", "notpos") else phrase[y])
    return text[0].upper() + text[1:]


def _render_answer(attributes: list[str], grid: list[list[str]]) -> str:
    return "\n".join(f"{a}: {', '.join(row)}" for a, row in zip(attributes, grid, strict=True))


_WORD = re.compile(r"[A-Za-z]+")


def parse(task: Task, answer: str) -> list[list[str | None]]:
    """The answer as ``grid[attribute][house]`` (None where no value is given)."""
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    attributes: list[str] = task.metadata["attributes"]
    values: list[list[str]] = task.metadata["values"]
    n = len(values[0])
    canon = {v.lower(): (a, v) for a, row in enumerate(values) for v in row}
    labels = {a.lower(): i for i, a in enumerate(attributes)}
    labels |= {f"{a}s": i for a, i in labels.items()}
    if "color" in labels:
        labels["colour"] = labels["colours"] = labels["color"]
    grid: list[list[str | None]] = [[None] * n for _ in attributes]
    seen = False
    for raw in answer.splitlines():
        line = raw.replace("*", "").strip().lstrip("-•").strip()
        if not line:
            continue
        label, colon, rest = line.partition(":")
        label = label.strip().lower()
        words = [w.lower() for w in _WORD.findall(rest)]
        if not colon or not words:
            raise AnswerFormatError(f"could not read the line {line[:60]!r}")
        if any(w not in canon for w in words):
            bad = next(w for w in words if w not in canon)
            raise AnswerFormatError(f"{bad!r} is not one of the values")
        match = re.fullmatch(r"house\s*(\d+)", label)
        if match:  # House k: values of several attributes
            h = read_int(match.group(1), what="house number") - 1
            if not 0 <= h < n:
                raise AnswerFormatError(f"there is no house {h + 1}")
            cells = [canon[w] for w in words]
        elif label in labels:
            a = labels[label]
            if len(words) != n or any(canon[w][0] != a for w in words):
                raise AnswerFormatError(f"the {attributes[a]} line must list {n} {attributes[a]}s")
            cells = [(a, canon[w][1]) for w in words]
        else:
            raise AnswerFormatError(f"{label[:40]!r} is neither an attribute nor a house")
        for position, (a, value) in enumerate(cells):
            target = h if match else position
            if grid[a][target] not in (None, value):
                raise AnswerFormatError(f"house {target + 1} is given two {attributes[a]}s")
            grid[a][target] = value
        seen = True
    if not seen:
        raise AnswerFormatError("no 'attribute: values' lines found")
    return grid


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per attribute (each value used once) and one per clue."""
    grid = parse(task, answer)
    attributes, values = task.metadata["attributes"], task.metadata["values"]
    broken = [
        f"the {a} values are not each used exactly once"
        for a, row, given in zip(attributes, values, grid, strict=True)
        if sorted(v or "" for v in given) != sorted(row)
    ]
    house = {v: h for row in grid for h, v in enumerate(row) if v is not None and row.count(v) == 1}
    for number, (kind, x, y) in enumerate(task.metadata["clues"], 1):
        hy = y if kind in ("pos", "notpos") else house.get(y)
        if x not in house or hy is None or not HOLDS[kind](house[x], hy):
            broken.append(f"clue {number} is not satisfied")
    total = len(attributes) + len(task.metadata["clues"])
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return _render_answer(task.metadata["attributes"], task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    attributes, grid = task.metadata["attributes"], task.metadata["solution"]

    def changed(a: int, row: list[str]) -> str:
        return _render_answer(attributes, [row if i == a else r for i, r in enumerate(grid)])

    first, last = grid[0], grid[-1]
    return {
        "first_two_houses_swapped": changed(0, [first[1], first[0], *first[2:]]),
        "last_two_houses_swapped": changed(len(grid) - 1, [*last[:-2], last[-1], last[-2]]),
        "value_repeated": changed(0, [first[0], first[0], *first[2:]]),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """Every attribute's values in the order the prompt lists them, and in reverse."""
    attributes, values = task.metadata["attributes"], task.metadata["values"]
    return {
        "listed_order": _render_answer(attributes, values),
        "reversed_order": _render_answer(attributes, [row[::-1] for row in values]),
    }
