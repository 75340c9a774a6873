"""Seating arrangements: place people in a row (or around a table) so that every clue holds.

=====  ======  ===========  =========================================================
level  people  table        clue kinds
=====  ======  ===========  =========================================================
1      3-4     row          seat k, left of, end, next to, not next to, one between
2      5       row          seat k, left of, end, next to, not next to, one between
3      6       row          left of, end, next to, not next to, one between
4      7       row          left of, end, next to, not next to, one between
5      8       round table  next clockwise, opposite, next to, not next to, one between
=====  ======  ===========  =========================================================

Clues are drawn (true of a random hidden seating) until exactly one seating fits them, checked
by brute force over all seatings (at most 5040: 7! in a row of 7, and 7! rotations-apart
seatings of 8 people at the table); then every clue whose removal keeps the solution unique is
dropped. At the round table "exactly one" means up to rotation: seatings are listed clockwise
and the checker accepts any starting person (mirror images are different seatings).

Answer format: the names in seat order, comma-separated (``Carol, Alice, Bob``), inside
``<answer>…</answer>``: from seat 1 (leftmost) in a row, clockwise from anyone at the table.
Numbered items (``1. Carol``, ``Seat 1: Carol``) are read only when the numbers count up in the
order written: the written order is always the seating, and labels that disagree with it make the
answer unreadable.
"""

from __future__ import annotations

import random
import re
from itertools import permutations
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import AnswerFormatError, PuzzleSource, RuleResult, parse_items
from rlvr.types import Task

NAMES = ("Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy")
PAIR_KINDS = ("next_to", "not_next", "gap_one")
UNORDERED = (*PAIR_KINDS, "opposite")
LEVELS = {
    1: ((3, 4), False, ("seat", "left_of", "end", *PAIR_KINDS)),
    2: ((5, 5), False, ("seat", "left_of", "end", *PAIR_KINDS)),
    3: ((6, 6), False, ("left_of", "end", *PAIR_KINDS)),
    4: ((7, 7), False, ("left_of", "end", *PAIR_KINDS)),
    5: ((8, 8), True, ("clockwise", "opposite", *PAIR_KINDS)),
}
"""level -> ((fewest, most people), round table?, clue kinds)"""
TEXT = {
    "seat": "{a} sits in seat {b}.",
    "left_of": "{a} sits somewhere to the left of {b}.",
    "end": "{a} sits at one of the two ends of the row.",
    "next_to": "{a} sits next to {b}.",
    "not_next": "{a} does not sit next to {b}.",
    "gap_one": "There is exactly one seat between {a} and {b}.",
    "clockwise": "{b} sits in the next seat clockwise from {a}.",
    "opposite": "{a} sits directly opposite {b}.",
}
PROMPT_ROW = (
    "{n} people ({people}) sit in a row of {n} seats, numbered 1 to {n} from left to right. "
    "These clues hold:\n\n{clues}\n\nExactly one seating fits all the clues. Give the names in "
    "seat order from seat 1 (leftmost) to seat {n}, comma-separated, inside <answer></answer>."
)
PROMPT_TABLE = (
    "{n} people ({people}) sit around a round table with {n} seats. These clues hold ('next "
    "to' means in a neighbouring seat; 'exactly one seat between' counts the shorter way "
    "round):\n\n{clues}\n\nExactly one arrangement fits all the clues (up to turning everybody "
    "round the table together). Give the names in clockwise order, starting with anyone, "
    "comma-separated, inside <answer></answer>."
)
_LABEL = re.compile(r"(?:seat\s*)?(\d{1,3})(?!\d)\s*[.:)-]?\s*", re.IGNORECASE)  # "Seat 2:"
_ARROWS = re.compile(r"->|→|\s-\s")  # separators that ``parse_items`` does not know

Clue = list  # [kind, a, b]: b is a name, a seat number (kind "seat") or None (kind "end")


def holds(clue: Clue, pos: dict[str, int], n: int, circle: bool) -> bool:
    kind, a, b = clue
    if kind == "end":
        return pos[a] in (0, n - 1)
    if kind == "seat":
        return pos[a] == b - 1
    d = (pos[b] - pos[a]) % n if circle else pos[b] - pos[a]
    distance = min(d, n - d) if circle else abs(d)
    if kind == "left_of":
        return d > 0
    if kind == "clockwise":
        return d == 1
    if kind == "opposite":
        return 2 * distance == n
    return {"next_to": distance == 1, "not_next": distance != 1, "gap_one": distance == 2}[kind]


def text(clue: Clue) -> str:
    return TEXT[clue[0]].format(a=clue[1], b=clue[2])


def arrangements(people: list[str], circle: bool) -> list[dict[str, int]]:
    """Every seating as person -> seat (at the table, the first person sits in seat 0)."""
    if circle:
        rest = people[1:]
        return [
            {people[0]: 0, **dict(zip(rest, seats, strict=True))}
            for seats in permutations(range(1, len(people)))
        ]
    return [dict(zip(people, seats, strict=True)) for seats in permutations(range(len(people)))]


def true_clues(
    rng: random.Random, order: list[str], kinds: tuple[str, ...], circle: bool
) -> list[Clue]:
    """Every clue of the given kinds that the seating ``order`` satisfies, shuffled."""
    n, pos = len(order), {p: i for i, p in enumerate(order)}
    pool: list[Clue] = []
    for i, a in enumerate(order):
        pool += [["seat", a, i + 1]] if "seat" in kinds else []
        pool += [["end", a, None]] if "end" in kinds else []
        for b in order:
            for kind in kinds:
                if a == b or kind in ("seat", "end") or (kind in UNORDERED and a > b):
                    continue
                pair = [b, a] if kind in UNORDERED and rng.random() < 0.5 else [a, b]
                pool.append([kind, *pair])
    pool = [clue for clue in pool if holds(clue, pos, n, circle)]
    rng.shuffle(pool)
    return pool


class SeatingSource(PuzzleSource):
    """Seating puzzles with exactly one solution and no redundant clue."""

    family: ClassVar[str] = "seating"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        (low, high), circle, kinds = LEVELS[difficulty]
        people = rng.sample(NAMES, rng.randint(low, high))
        n = len(people)
        order = rng.sample(people, n)
        if circle:  # canonical rotation: people[0] in seat 0
            start = order.index(people[0])
            order = order[start:] + order[:start]
        seatings = arrangements(people, circle)
        chosen: list[tuple[Clue, int]] = []
        alive = (1 << len(seatings)) - 1
        for clue in true_clues(rng, order, kinds, circle):
            mask = sum(1 << i for i, pos in enumerate(seatings) if holds(clue, pos, n, circle))
            if alive & mask != alive:
                chosen.append((clue, mask))
                alive &= mask
                if alive.bit_count() == 1:
                    break
        for item in rng.sample(chosen, len(chosen)):  # drop clues the others imply
            rest = (1 << len(seatings)) - 1
            for other in chosen:
                if other is not item:
                    rest &= other[1]
            if rest.bit_count() == 1:
                chosen.remove(item)
        clues = [clue for clue, _ in chosen]
        prompt = (PROMPT_TABLE if circle else PROMPT_ROW).format(
            n=n,
            people=", ".join(sorted(people)),
            clues="\n".join(f"{i}. {text(clue)}" for i, clue in enumerate(clues, 1)),
        )
        return Problem(
            prompt,
            ", ".join(order),
            {"people": sorted(people), "circle": circle, "clues": clues, "solution": order},
        )


def unlabel(items: list[str]) -> list[str]:
    """Items without their seat labels (``Seat 1: Bob``, ``1. Bob``). Labels, where given, must
    be on every item and count up in the order written, from 0 or 1: the written order is the
    seating, so labels may not reorder it."""
    labels = [_LABEL.match(item) for item in items]
    if not any(labels):
        return items
    numbers = [int(label.group(1)) if label else -1 for label in labels]
    if numbers[0] not in (0, 1) or numbers != list(range(numbers[0], numbers[0] + len(items))):
        raise AnswerFormatError(
            "seat numbers must count up 1, 2, 3, … in the order written: list the names in "
            "seat order, from seat 1"
        )
    return [item[label.end() :] for item, label in zip(items, labels, strict=True) if label]


def parse(answer: str, people: list[str]) -> list[str]:
    """The names in the order written; see :func:`unlabel` for numbered items."""
    items = parse_items(_ARROWS.sub(",", answer), what="seating")
    if len(items) == 1 and " " in items[0].strip():
        items = items[0].split()
    canonical = {p.lower(): p for p in people}
    listed = []
    for item in unlabel(items):
        name = item.strip(" .*'\"`").lower()
        if name not in canonical:
            raise AnswerFormatError(f"{item[:40]!r} is not one of the people: {', '.join(people)}")
        listed.append(canonical[name])
    return listed


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per clue, plus "the answer lists every person exactly once"."""
    people: list[str] = task.metadata["people"]
    circle: bool = task.metadata["circle"]
    clues: list[Clue] = task.metadata["clues"]
    listed = parse(answer, people)
    pos: dict[str, int] = {}
    for seat, name in enumerate(listed):
        pos.setdefault(name, seat)
    broken = []
    if sorted(listed) != people:
        missing = [p for p in people if p not in pos]
        detail = f"{missing[0]} is missing" if missing else "someone is listed twice"
        broken.append(f"list every person exactly once: {detail}")
    broken += [
        f"clue {i} is broken: {text(clue)}"
        for i, clue in enumerate(clues, 1)
        if not all(p in pos for p in clue[1:] if isinstance(p, str))
        or not holds(clue, pos, len(people), circle)
    ]
    total = len(clues) + 1
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return ", ".join(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    order = list(task.metadata["solution"])
    neighbours = [order[1], order[0], *order[2:]]
    ends = [order[-1], *order[1:-1], order[0]]
    return {
        "neighbours_swapped": ", ".join(neighbours),
        "ends_swapped": ", ".join(ends),
        "person_missing": ", ".join(order[:-1]),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """Everyone in the order the prompt lists them, and in reverse."""
    people: list[str] = task.metadata["people"]
    return {
        "listed_order": ", ".join(people),
        "reversed_order": ", ".join(reversed(people)),
    }
