"""Water jugs: measure an exact amount with jugs that have no marks.

=====  ====  ==========  ==========================
level  jugs  capacities  fewest actions, at least
=====  ====  ==========  ==========================
1      2     2 to 7      2
2      2     3 to 11     4
3      2     4 to 15     6
4      3     3 to 12     6
5      3     5 to 20     8
=====  ====  ==========  ==========================

All jugs start empty and there is unlimited water. Breadth-first search over the jug states, one
depth at a time, finds the fewest actions that leave each amount in some jug; the target is
drawn among the amounts first reached at the shallowest depth that is at least the level's
minimum (capacities are redrawn when no amount needs that many), so every puzzle is solvable
and its optimum is known.

Answer format: one action per line (or separated by commas): ``fill A`` (fill jug A to the
brim), ``empty A`` (pour jug A away), ``pour A B`` (pour A into B until A is empty or B is full;
``pour A into B`` is read too); lines may be numbered ``1.``. Inside ``<answer>…</answer>``.
Three constraints: every action names existing jugs (a jug is not poured into itself), some jug
holds exactly the target amount after the last action, and the answer uses at most twice the
fewest possible actions (the prompt states that limit). Any such sequence is correct.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

LEVELS = {1: (2, 2, 7, 2), 2: (2, 3, 11, 4), 3: (2, 4, 15, 6), 4: (3, 3, 12, 6), 5: (3, 5, 20, 8)}
NAMES = "ABC"
PROMPT = (
    "You have {count} jugs without any marks: {jugs}. All of them are empty and there is "
    "unlimited water. The possible actions are: fill X (fill jug X to the brim), empty X (pour "
    "jug X away) and pour X Y (pour jug X into jug Y until X is empty or Y is full).\n\n"
    "Get exactly {target} litres in one of the jugs, using at most {limit} actions.\n\n"
    "Give the actions inside <answer></answer>, one per line, for example: fill A"
)
_NUMBERING = re.compile(r"^(?:\d+[.):]|[-*])\s*")
_ACTION = re.compile(
    r"(fill|empty)\s+(?:jug\s+)?([a-z])|pour\s+(?:jug\s+)?([a-z])\s+(?:(?:into|to|->)\s+)?"
    r"(?:jug\s+)?([a-z])",
    re.IGNORECASE,
)

Action = tuple[str, int, int]  # ("fill" | "empty" | "pour", jug, other jug or -1)


def apply(state: tuple[int, ...], action: Action, capacities: Sequence[int]) -> tuple[int, ...]:
    kind, a, b = action
    jugs = list(state)
    if kind == "fill":
        jugs[a] = capacities[a]
    elif kind == "empty":
        jugs[a] = 0
    else:
        room = capacities[b] - jugs[b]
        if jugs[a] > room:
            jugs[a], jugs[b] = jugs[a] - room, capacities[b]
        else:
            jugs[a], jugs[b] = 0, jugs[b] + jugs[a]
    return tuple(jugs)


def actions(count: int) -> list[Action]:
    pours = [("pour", a, b) for a in range(count) for b in range(count) if a != b]
    return [
        *(("fill", a, -1) for a in range(count)),
        *(("empty", a, -1) for a in range(count)),
        *pours,
    ]


@lru_cache(maxsize=8192)  # a few thousand capacity tuples per level: searched once each
def search(capacities: tuple[int, ...], least: int) -> tuple[tuple[int, tuple[Action, ...]], ...]:
    """``(amount, shortest actions)`` for the amounts first reached at the shallowest depth
    >= ``least``, by amount.

    Breadth-first, one depth layer at a time; an amount is "reached" when some jug holds it.
    Empty when no amount needs ``least`` actions or more.
    """
    start = (0,) * len(capacities)
    parent: dict[tuple[int, ...], tuple[tuple[int, ...], Action] | None] = {start: None}
    reached, layer, depth, moves = {0}, [start], 0, actions(len(capacities))
    while layer:
        new: dict[int, tuple[int, ...]] = {}
        for state in layer:
            for amount in state:
                if amount not in reached:
                    new.setdefault(amount, state)
        if new and depth >= least:
            return tuple((amount, path_to(state, parent)) for amount, state in sorted(new.items()))
        reached |= new.keys()
        following = []
        for state in layer:
            for action in moves:  # skip actions that change nothing
                kind, a, b = action
                if (
                    (kind == "fill" and state[a] == capacities[a])
                    or (kind != "fill" and not state[a])
                    or (kind == "pour" and state[b] == capacities[b])
                ):
                    continue
                nxt = apply(state, action, capacities)
                if nxt not in parent:
                    parent[nxt] = (state, action)
                    following.append(nxt)
        layer, depth = following, depth + 1
    return ()


def path_to(state: tuple[int, ...], parent: dict) -> tuple[Action, ...]:
    path: list[Action] = []
    while (link := parent[state]) is not None:
        state, action = link
        path.append(action)
    return tuple(reversed(path))


def render(path: Sequence[Action]) -> str:
    return "\n".join(
        f"pour {NAMES[a]} {NAMES[b]}" if kind == "pour" else f"{kind} {NAMES[a]}"
        for kind, a, b in path
    )


class WaterJugSource(PuzzleSource):
    """Two or three jugs and a target amount reachable by construction."""

    family: ClassVar[str] = "water-jug"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        count, low, high, least = LEVELS[difficulty]
        while True:
            capacities = rng.sample(range(low, high + 1), count)
            found = search(tuple(capacities), least)
            if found:
                break
        target, path = rng.choice(found)
        jugs = ", ".join(f"jug {NAMES[i]} holds {c} litres" for i, c in enumerate(capacities))
        limit = 2 * len(path)
        prompt = PROMPT.format(count=count, jugs=jugs, target=target, limit=limit)
        return Problem(
            prompt,
            render(path),
            {"capacities": capacities, "target": target, "optimum": len(path), "limit": limit},
        )


def parse_actions(text: str) -> list[tuple[str, str, str]]:
    """``(kind, jug, other jug or "")`` per action; unreadable lines raise AnswerFormatError."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    parsed = []
    for item in re.split(r"[\n,;]", text):
        item = _NUMBERING.sub("", item.strip()).strip().rstrip(".")
        if not item:
            continue
        match = _ACTION.fullmatch(item)
        if match is None:
            raise AnswerFormatError(f"cannot read the action {item[:40]!r}")
        kind, jug, source, into = match.groups()
        parsed.append(
            (kind.lower(), jug.upper(), "") if kind else ("pour", source.upper(), into.upper())
        )
    if not parsed:
        raise AnswerFormatError("no actions found")
    return parsed


def check(task: Task, answer: str) -> RuleResult:
    """Three constraints: valid actions, the target in some jug at the end, at most the limit."""
    capacities, target = task.metadata["capacities"], task.metadata["target"]
    names = NAMES[: len(capacities)]
    state = (0,) * len(capacities)
    broken = []
    parsed = parse_actions(answer)
    for number, (kind, jug, other) in enumerate(parsed, 1):
        if jug not in names or (other and other not in names):
            broken.append(f"action {number} names a jug that does not exist")
            break
        if jug == other:
            broken.append(f"action {number} pours a jug into itself")
            break
        state = apply(state, (kind, names.index(jug), names.find(other)), capacities)
    if broken or target not in state:
        broken.append(f"no jug holds {target} litres after the last action")
    if len(parsed) > task.metadata["limit"]:
        broken.append(f"the answer has {len(parsed)} actions, more than the limit")
    return RuleResult(3 - len(broken), 3, broken[0] if broken else "")


def reference(task: Task) -> str:
    return str(task.answer)


def mutations(task: Task) -> dict[str, str]:
    lines = str(task.answer).splitlines()
    padding = ["fill A", "empty A"] * (task.metadata["optimum"] // 2 + 1)  # back to all empty
    out = {
        "last_action_dropped": "\n".join(lines[:-1]) or "empty A",  # the optimum is minimal
        "self_pour": "\n".join(["pour A A", *lines[1:]]),
        "too_long": "\n".join([*padding, *lines]),
    }
    count = len(task.metadata["capacities"])
    for action in actions(count):
        changed = "\n".join([*lines[:-1], render([action])])
        if changed != task.answer and not check(task, changed).solved:
            out["last_action_changed"] = changed
            break
    return out


def trivial_answers(task: Task) -> dict[str, str]:
    """Fill the first jug, or fill every jug: legal and short, but no target amount."""
    names = NAMES[: len(task.metadata["capacities"])]
    return {
        "fill_first_jug": f"fill {names[0]}",
        "fill_every_jug": "\n".join(f"fill {name}" for name in names),
    }
