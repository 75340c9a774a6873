"""What the lists family checks beyond ``test_family_contract.py``: every step on hand-worked
lists and on the ``{example}`` its spec sentence shows (a spec and its code cannot drift apart),
bugs that really change their step, and lists and values that grow with the level.
"""

from __future__ import annotations

import copy
from statistics import mean

import pytest

from rlvr.tasks.code import lists
from rlvr.tasks.code.kit import fill, function_source
from rlvr.tasks.code.schema import run_reference
from rlvr.types import Task

SOURCE = lists.ListsSource
LEVELS = range(1, 6)


def batch(level: int, count: int = 30, seed: int = 0) -> list[Task]:
    source = SOURCE(seed=seed, difficulty=level)
    return [source[i] for i in range(count)]


def flat(test: dict) -> list[int]:
    """The integers of a test's list argument (intervals flattened)."""
    items = test["input"][0]
    return [x for item in items for x in (item if isinstance(item, list) else [item])]


def test_steps_come_in_three_levels():
    assert {op.level for op in lists.OPS.values()} == {1, 2, 3}


def test_lists_and_values_grow_with_the_level():
    batches = {level: batch(level) for level in LEVELS}
    lengths = [
        mean(len(flat(t)) for task in batches[level] for t in task.metadata["tests"])
        for level in LEVELS
    ]
    assert lengths[0] < lengths[2] < lengths[4], lengths
    spreads = [  # the largest magnitude among integer lists
        max(
            abs(x)
            for task in batches[level]
            if "intervals" not in task.metadata["signature"]
            for t in task.metadata["tests"]
            for x in t["input"][0]
        )
        for level in LEVELS
    ]
    assert spreads == sorted(spreads) and spreads[0] < spreads[4], spreads


# -- the steps themselves ------------------------------------------------------------------------


def apply(name: str, xs: list, k: int | None = None):
    """Run one step's code (with parameter ``k``) on ``xs``."""
    code = function_source("def step(xs):", [fill(lists.OPS[name].code, k)], "xs")
    return run_reference(code, "step")(copy.deepcopy(xs))


HAND_CASES = [
    ("running_sum", [1, -2, 5], None, [1, -1, 4]),
    ("running_sum", [], None, []),
    ("differences", [5, 2, 2, 7], None, [-3, 0, 5]),
    ("differences", [4], None, []),
    ("dedupe", [2, 1, 2, 3, 1, 2], None, [2, 1, 3]),
    ("reverse", [1, 2, 3], None, [3, 2, 1]),
    ("keep_nonnegative", [0, -1, 4, -5, 0], None, [0, 4, 0]),
    ("keep_even", [-4, -3, 0, 7, 8], None, [-4, 0, 8]),
    ("scale_index", [1, 0, -2], 3, [3, 1, -4]),
    ("longest_run", [5, 1, 2, 3, 3, 4], None, 3),
    ("longest_run", [], None, 0),
    ("longest_run", [9], None, 1),
    ("rotate", [1, 2, 3, 4], 1, [2, 3, 4, 1]),
    ("rotate", [1, 2, 3], 5, [3, 1, 2]),
    ("rotate", [1, 2, 3], -1, [3, 1, 2]),
    ("rotate", [], 2, []),
    ("k_largest", [3, 9, 3, 1], 3, [9, 3, 3]),
    ("k_largest", [3, 9], 5, [9, 3]),
    ("k_largest", [3, 9], 0, []),
    ("window_sum", [1, 2, 3, 4], 2, [3, 5, 7]),
    ("window_sum", [1, 2], 3, []),
    ("running_max", [-3, -5, -1, -2], None, [-3, -3, -1, -1]),
    ("merge", [[5, 6], [1, 3], [3, 4], [2, 2]], None, [[1, 4], [5, 6]]),
    ("merge", [[1, 10], [2, 3]], None, [[1, 10]]),
    ("merge", [], None, []),
    ("second_largest", [4, 9, 9, 1], None, 4),
    ("second_largest", [4, 4], None, None),
    ("window_max", [1, 5, 2, 4, 3], 3, [5, 5, 4]),
    ("block_sums", [1, 2, 3, 4, 5], 2, [3, 7, 5]),
    ("sort_by_abs", [3, -1, -3, 1, 0], None, [0, -1, 1, -3, 3]),
    ("lengths", [[2, 2], [1, 4]], None, [0, 3]),
    ("max_subarray", [-2, 3, -1, 4, -10], None, 6),
    ("max_subarray", [-3, -1, -2], None, -1),
    ("max_subarray", [], None, 0),
]


@pytest.mark.parametrize(("name", "xs", "k", "expected"), HAND_CASES)
def test_steps_on_hand_worked_cases(name, xs, k, expected):
    assert apply(name, xs, k) == expected


def test_every_step_has_a_hand_worked_case():
    assert {case[0] for case in HAND_CASES} == set(lists.OPS)


@pytest.mark.parametrize("name", sorted(lists.OPS))
def test_steps_match_the_example_in_their_spec(name):
    op = lists.OPS[name]
    assert ("{example}" in op.text) == (op.example is not None)
    if op.example is not None:
        before, after = op.example
        assert apply(name, before) == after
        assert f"{before}" in lists.step_text(op, None)


@pytest.mark.parametrize("name", sorted(lists.OPS))
def test_every_bug_changes_the_step(name):
    op = lists.OPS[name]
    assert op.bugs
    k = 3 if op.const else None
    if op.takes == lists.INTERVALS:
        samples = [[], [[1, 3], [3, 5]], [[5, 9], [6, 7], [1, 2]], *op.witnesses]
    else:
        samples = [[], [0], [3, -3, 0, 2, 2], [5, 4, 3, 2, 1], [-3, -1, -2], *op.witnesses]
    for bug, code in op.bugs.items():
        function = run_reference(function_source("def step(xs):", [fill(code, k)], "xs"), "step")
        assert any(function(copy.deepcopy(s)) != apply(name, s, k) for s in samples), (name, bug)
