"""The lists code family: the generator contract, the reference and its wrong solutions.

Each step's code is also checked against hand-worked cases and against the example written in
its own spec sentence, so a spec and its code cannot drift apart.
"""

from __future__ import annotations

import copy
import json
import textwrap
import time
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code import lists
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, run_reference, validate, values_match
from rlvr.tasks.code.strings import fill
from rlvr.types import Task

SOURCE = lists.ListsSource
LEVELS = range(1, 6)
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=10, deadline=None)


def make(seed: int, level: int, index: int) -> Task:
    return SOURCE(seed=seed, difficulty=level)[index]


def batch(level: int, count: int = 30, seed: int = 0) -> list[Task]:
    source = SOURCE(seed=seed, difficulty=level)
    return [source[i] for i in range(count)]


def passes(code: str, task: Task) -> bool:
    """Whether ``code`` (trusted) returns every hidden output of ``task``."""
    function = run_reference(code, task.metadata["entry_point"])
    for test in task.metadata["tests"]:
        try:
            got = function(*copy.deepcopy(test["input"]))
        except Exception:
            return False
        if not values_match(got, test["output"]):
            return False
    return True


def flat(test: dict) -> list[int]:
    """The integers of a test's list argument (intervals flattened)."""
    items = test["input"][0]
    return [x for item in items for x in (item if isinstance(item, list) else [item])]


def size(task: Task) -> int:
    """Composed steps plus arguments: grows with the level."""
    return len(task.metadata["operations"]) + len(task.metadata["tests"][0]["input"])


# -- the generator contract ----------------------------------------------------------------------


def test_the_family_is_named_after_its_module():
    assert SOURCE.family == "lists"
    assert {op.level for op in lists.OPS.values()} == {1, 2, 3}


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_tasks_are_deterministic_and_seeds_differ(level, seed, index):
    task = make(seed, level, index)
    assert task == make(seed, level, index)
    assert json.dumps(task.model_dump()) == json.dumps(make(seed, level, index).model_dump())
    assert task.prompt != make(seed + 1, level, index).prompt
    assert task.id == f"lists/s{seed}/d{level}/{index}"


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_the_reference_reproduces_every_hidden_output_quickly(level, seed, index):
    task = make(seed, level, index)
    validate(task.metadata)
    function = run_reference(task.answer, task.metadata["entry_point"])
    for test in task.metadata["tests"]:
        started = time.perf_counter()
        got = function(*copy.deepcopy(test["input"]))
        assert time.perf_counter() - started < 0.1
        assert values_match(got, test["output"]), (task.id, test)


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_every_wrong_solution_fails_a_hidden_test(level, seed, index):
    task = make(seed, level, index)
    wrong = lists.wrong_solutions(task)
    assert 2 <= len(wrong) <= 4
    for label, code in wrong.items():
        assert code != task.answer
        assert f"def {task.metadata['entry_point']}(" in code
        assert not passes(code, task), (task.id, label)


@pytest.mark.parametrize("level", LEVELS)
def test_hidden_tests_are_not_trivial(level):
    for task in batch(level):
        tests = task.metadata["tests"]
        assert len(tests) >= 8
        assert len({json.dumps(t["input"]) for t in tests}) == len(tests)  # no repeats
        outputs = {json.dumps(t["output"]) for t in tests}
        assert len(outputs) >= 2
        for output in outputs:  # no constant function passes
            assert not passes(
                f"def {task.metadata['entry_point']}(*a):\n    return {json.loads(output)!r}", task
            )
        assert any(t["input"][0] == [] for t in tests)  # the empty list is always tested


@pytest.mark.parametrize("level", LEVELS)
def test_the_prompt_shows_the_entry_point_signature_and_examples(level):
    for task in batch(level, count=15):
        entry, meta = task.metadata["entry_point"], task.metadata
        assert f"`{entry}`" in task.prompt
        assert meta["signature"] in task.prompt
        assert task.answer.startswith(meta["signature"])
        assert 2 <= meta["examples"] <= 3
        for test in meta["tests"][: meta["examples"]]:
            arguments = ", ".join(repr(value) for value in test["input"])
            assert f"{entry}({arguments}) == {test['output']!r}" in task.prompt
        assert task.prompt.endswith(FUNCTION_INSTRUCTION.format(entry_point=entry))
        assert task.answer not in task.prompt
        steps = meta["operations"]
        assert len(steps) == 1 or all(f"\n{i}. " in task.prompt for i in range(1, len(steps) + 1))


def test_difficulty_grows():
    sizes = [mean(size(task) for task in batch(level)) for level in LEVELS]
    assert sizes == sorted(sizes) and len(set(sizes)) == 5, sizes
    lengths = [
        mean(len(flat(t)) for task in batch(level) for t in task.metadata["tests"])
        for level in LEVELS
    ]
    assert lengths[0] < lengths[2] < lengths[4], lengths
    spreads = [  # the largest magnitude among integer lists
        max(
            abs(x)
            for task in batch(level)
            if "intervals" not in task.metadata["signature"]
            for t in task.metadata["tests"]
            for x in t["input"][0]
        )
        for level in LEVELS
    ]
    assert spreads == sorted(spreads) and spreads[0] < spreads[4], spreads


def test_every_step_is_used():
    used = {
        op["op"]
        for level in (2, 5)
        for task in batch(level, 60)
        for op in task.metadata["operations"]
    }
    assert used == set(lists.OPS)


def test_generation_is_fast():
    source = SOURCE(seed=5, difficulty=5)
    started = time.perf_counter()
    for index in range(100):
        source[index]
    assert (time.perf_counter() - started) / 100 < 0.02


# -- the steps themselves ------------------------------------------------------------------------


def apply(name: str, xs: list, k: int | None = None):
    """Run one step's code (with parameter ``k``) on ``xs``."""
    op = lists.OPS[name]
    code = f"def step(xs):\n{textwrap.indent(fill(op.code, k), '    ')}\n    return xs\n"
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
        source = f"def step(xs):\n{textwrap.indent(fill(code, k), '    ')}\n    return xs\n"
        function = run_reference(source, "step")
        assert any(function(copy.deepcopy(s)) != apply(name, s, k) for s in samples), (name, bug)
