"""0/1 knapsack: choose items of largest total value whose total weight fits the capacity.

=====  =====  =======  ======
level  items  weights  values
=====  =====  =======  ======
1      5      1-10     1-10
2      7      1-12     1-15
3      9      1-15     1-20
4      12     1-20     1-30
5      15     1-25     1-40
=====  =====  =======  ======

The capacity is 35 % to 60 % of the total weight (always less than the total, so not every item
fits). Dynamic programming over the capacity gives the optimal value and one optimal subset.

Answer format: the numbers of the chosen items separated by commas or spaces (``2, 5, 7``),
inside ``<answer>…</answer>``. Four constraints: every number names an item, no item is chosen
twice, the total weight is at most the capacity, and the total value is the optimum. Any optimal
subset is correct, not just the stored one.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

LEVELS = {1: (5, 10, 10), 2: (7, 12, 15), 3: (9, 15, 20), 4: (12, 20, 30), 5: (15, 25, 40)}
PROMPT = (
    "A knapsack holds a total weight of at most {capacity}. These items are available, each at "
    "most once:\n{items}\n\n"
    "Choose items with the largest possible total value whose total weight is at most "
    "{capacity}. Give the numbers of the chosen items inside <answer></answer>, separated by "
    "commas."
)


def optimum(weights: list[int], values: list[int], capacity: int) -> tuple[int, list[int]]:
    """``(best total value, a best subset as 0-based indices)`` by dynamic programming."""
    best = [0] * (capacity + 1)
    taken = []  # taken[i][c]: item i improves the best value at capacity c
    for w, v in zip(weights, values, strict=True):
        row = [False] * (capacity + 1)
        for c in range(capacity, w - 1, -1):
            if best[c - w] + v > best[c]:
                best[c] = best[c - w] + v
                row[c] = True
        taken.append(row)
    chosen, c = [], capacity
    for i in range(len(weights) - 1, -1, -1):
        if taken[i][c]:
            chosen.append(i)
            c -= weights[i]
    return best[capacity], sorted(chosen)


class KnapsackSource(PuzzleSource):
    """Random 0/1 knapsack instances with a dynamic-programming optimum."""

    family: ClassVar[str] = "knapsack"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, max_weight, max_value = LEVELS[difficulty]
        weights = [rng.randint(1, max_weight) for _ in range(n)]
        values = [rng.randint(1, max_value) for _ in range(n)]
        total = sum(weights)
        capacity = min(total - 1, max(max(weights), round(total * rng.uniform(0.35, 0.6))))
        value, chosen = optimum(weights, values, capacity)
        items = "\n".join(
            f"item {i + 1}: weight {w}, value {v}"
            for i, (w, v) in enumerate(zip(weights, values, strict=True))
        )
        return Problem(
            PROMPT.format(capacity=capacity, items=items),
            render(chosen),
            {
                "weights": weights,
                "values": values,
                "capacity": capacity,
                "optimum": value,
                "solution": chosen,
            },
        )


def render(chosen: list[int]) -> str:
    return ", ".join(str(i + 1) for i in chosen)


def parse_numbers(text: str) -> list[int]:
    """Item numbers separated by commas, semicolons or spaces (brackets and ``item`` allowed)."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    tokens = [t for t in re.split(r"[\s,;]+", re.sub(r"(?i)\bitems?\b|[\[\](){}]", " ", text)) if t]
    if not tokens or not all(t.isdecimal() and len(t) < 10 for t in tokens):
        raise AnswerFormatError("give the chosen item numbers separated by commas")
    return [int(t) for t in tokens]


def check(task: Task, answer: str) -> RuleResult:
    """Four constraints: items exist, no repeats, weight within the capacity, optimal value."""
    weights, values = task.metadata["weights"], task.metadata["values"]
    capacity = task.metadata["capacity"]
    numbers = parse_numbers(answer)
    known = [k - 1 for k in numbers if 1 <= k <= len(weights)]
    weight, value = sum(weights[i] for i in known), sum(values[i] for i in known)
    missing = [k for k in numbers if not 1 <= k <= len(weights)]
    broken = [f"there is no item {missing[0]}"] if missing else []
    if len(set(numbers)) != len(numbers):
        broken.append("an item is chosen more than once")
    if weight > capacity:
        broken.append(f"the total weight {weight} is more than the capacity {capacity}")
    if value != task.metadata["optimum"]:
        broken.append(f"the total value {value} is not the largest possible")
    return RuleResult(4 - len(broken), 4, broken[0] if broken else "")


def reference(task: Task) -> str:
    return render(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    chosen = task.metadata["solution"]
    others = [i for i in range(len(task.metadata["weights"])) if i not in chosen]
    out = {
        "item_added": render(sorted([*chosen, others[0]])),  # over capacity: the value is optimal
        "item_repeated": render([*chosen, chosen[0]]),
    }
    if len(chosen) > 1:
        out["item_removed"] = render(chosen[1:])
    for i in chosen:  # one item swapped for a worse one
        for j in others:
            swapped = sorted([*(k for k in chosen if k != i), j])
            if not check(task, render(swapped)).solved:
                out["item_swapped"] = render(swapped)
                return out
    return out


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning selections: the first item alone, the last item alone, every item."""
    n = len(task.metadata["weights"])
    return {"first_item": "1", "last_item": str(n), "all_items": render(list(range(n)))}
