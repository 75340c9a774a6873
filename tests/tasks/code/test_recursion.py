"""The recursion code family: the generator contract, the references and their near misses.

Every hidden output is re-derived by an independent brute force or bottom-up computation
(enumerating strings, subsets and partitions; filling tables; walking trees level by level).
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code import recursion
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, run_reference, validate, values_match
from rlvr.types import Task

SOURCE = recursion.RecursionSource
LEVELS = range(1, 6)
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=12, deadline=None)


def make(seed: int, level: int, index: int) -> Task:
    return SOURCE(seed=seed, difficulty=level)[index]


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


def reference(task: Task):
    return run_reference(task.answer, task.metadata["entry_point"])


# -- the generator contract ----------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_tasks_are_deterministic_and_seeds_differ(level, seed, index):
    task = make(seed, level, index)
    assert task == make(seed, level, index)
    assert json.dumps(task.model_dump()) == json.dumps(make(seed, level, index).model_dump())
    assert task.prompt != make(seed + 1, level, index).prompt
    assert task.id == f"recursion/s{seed}/d{level}/{index}"


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_the_reference_reproduces_every_hidden_output_quickly(level, seed, index):
    task = make(seed, level, index)
    validate(task.metadata)
    function = reference(task)
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
    wrong = recursion.wrong_solutions(task)
    assert 2 <= len(wrong) <= 4
    for label, code in wrong.items():
        assert f"def {task.metadata['entry_point']}(" in code
        assert code != task.answer
        assert not passes(code, task), (task.id, label)


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_hidden_tests_are_many_distinct_and_not_constant(level, seed, index):
    task = make(seed, level, index)
    tests = task.metadata["tests"]
    assert len(tests) >= 11  # three shown and at least eight more
    assert len({json.dumps(test["input"]) for test in tests}) == len(tests)
    assert len({json.dumps(test["output"]) for test in tests}) >= 2
    name = task.metadata["entry_point"]
    for test in tests[:2]:
        assert not passes(f"def {name}(*args):\n    return {test['output']!r}\n", task)


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_the_prompt_shows_the_signature_and_true_examples(level, seed, index):
    task = make(seed, level, index)
    name = task.metadata["entry_point"]
    signature = next(line for line in task.answer.splitlines() if line.startswith("def "))
    assert signature.startswith(f"def {name}(") and " -> " in signature
    assert f"```python\n{signature}\n```" in task.prompt
    assert task.prompt.endswith(FUNCTION_INSTRUCTION.format(entry_point=name))
    namespace = {name: reference(task)}
    for test in task.metadata["tests"][:3]:
        line = f"{name}({', '.join(map(repr, test['input']))}) == {test['output']!r}"
        assert line in task.prompt
        assert eval(line, namespace) is True


def test_levels_offer_their_kinds():
    expected = {
        1: {"flatten", "lattice", "parens", "subsets", "tree_height", "partitions"},
        2: {"flatten", "lattice", "parens", "subsets", "tree_height", "level_sums", "partitions"},
        3: {"flatten", "lattice", "parens", "subsets", "level_sums", "partitions"},
        4: {"flatten", "lattice", "parens", "subset_list", "max_path", "partition_list"},
        5: {"flatten", "lattice", "parens_list", "subset_list", "max_path", "partition_list"},
    }
    for level, kinds in expected.items():
        seen = {SOURCE(seed=3, difficulty=level)[index].metadata["kind"] for index in range(90)}
        assert seen == kinds, level


def test_difficulty_grows():
    sizes, counts = [], []
    for level in LEVELS:
        batch = [SOURCE(seed=seed, difficulty=level)[i] for seed in (1, 2) for i in range(60)]
        sizes.append(mean(task.metadata["size"] for task in batch))
        counts.append(mean(len(task.metadata["tests"]) for task in batch))
    assert sizes == sorted(sizes) and len(set(sizes)) == 5, sizes
    assert counts == sorted(counts), counts


def test_generation_is_fast_and_varies_the_entry_point():
    source = SOURCE(seed=5, difficulty=5)
    started = time.perf_counter()
    batch = [source[index] for index in range(60)]
    assert (time.perf_counter() - started) / 60 < 0.02
    assert len({task.metadata["entry_point"] for task in batch}) >= 8


# -- independent oracles -------------------------------------------------------------------------


def flatten(items: list, depth: int) -> list:
    for _ in range(depth if depth >= 0 else 50):  # one level at a time
        items = [y for x in items for y in (x if isinstance(x, list) else [x])]
    return items


def lattice(grid: list[str], diagonal: bool) -> int:
    rows, cols = len(grid), len(grid[0])
    table = [[0] * (cols + 1) for _ in range(rows + 1)]  # shifted by one: row/column 0 are 0
    for r, c in itertools.product(range(rows), range(cols)):
        if grid[r][c] == "#":
            continue
        came = table[r][c + 1] + table[r + 1][c] + (table[r][c] if diagonal else 0)
        table[r + 1][c + 1] = 1 if (r, c) == (0, 0) else came
    return table[rows][cols]


def balanced(n: int, max_depth: int, pairs: str) -> list[str]:
    """Every properly nested string of ``n`` bracket pairs (``pairs``: "()" or "()[]")."""
    closing = {pairs[i + 1]: pairs[i] for i in range(0, len(pairs), 2)}
    found = []
    for letters in itertools.product(pairs, repeat=2 * n):
        stack: list[str] = []
        for ch in letters:
            if ch in closing:
                if not stack or stack.pop() != closing[ch]:
                    break
            else:
                stack.append(ch)
                if len(stack) > max_depth:
                    break
        else:
            if not stack:
                found.append("".join(letters))
    return sorted(found)


def subsets(nums: list[int], target: int) -> list[list[int]]:
    return sorted(
        list(chosen)
        for size in range(len(nums) + 1)
        for chosen in itertools.combinations(range(len(nums)), size)
        if sum(nums[i] for i in chosen) == target
    )


def partition_count(n: int, max_part: int, distinct: bool) -> int:
    ways = [1] + [0] * n  # bottom-up, one part size at a time
    for part in range(1, max_part + 1):
        for total in range(n, part - 1, -1) if distinct else range(part, n + 1):
            ways[total] += ways[total - part]
    return ways[n]


def partitions(n: int, max_part: int, distinct: bool) -> list[list[int]]:
    parts = range(1, min(n, max_part) + 1)
    pick = itertools.combinations if distinct else itertools.combinations_with_replacement
    found = [sorted(c, reverse=True) for k in range(n + 1) for c in pick(parts, k) if sum(c) == n]
    return sorted(found, reverse=True)


def levels(tree: list) -> list[list[int]]:
    rows, layer = [], [tree]
    while layer:
        rows.append([node[0] for node in layer])
        layer = [child for node in layer for child in node[1:]]
    return rows


def leaf_sums(tree: list) -> list[int]:
    stack, sums = [(tree, 0)], []
    while stack:
        node, total = stack.pop()
        total += node[0]
        if len(node) == 1:
            sums.append(total)
        stack.extend((child, total) for child in node[1:])
    return sums


def oracle(task: Task, args: list):
    kind, level = task.metadata["kind"], task.metadata["difficulty"]
    if kind == "flatten":
        return flatten(*args)
    if kind == "lattice":
        return lattice(args[0], diagonal=level >= 4)
    if kind == "parens":
        pairs = "()[]" if level == 4 else "()"
        return None if len(pairs) * args[0] > 14 else len(balanced(*args, pairs))
    if kind == "parens_list":
        return balanced(*args, "()")
    if kind == "subsets":
        return len(subsets(*args))
    if kind == "subset_list":
        return subsets(*args)
    if kind == "tree_height":
        return len(levels(args[0]))
    if kind == "level_sums":
        return [sum(row) for row in levels(args[0])]
    if kind == "max_path":
        return max(leaf_sums(args[0]))
    if kind == "partitions":
        return partition_count(*args, distinct=level in (3, 5))
    return partitions(*args, distinct=level in (3, 5))


@pytest.mark.parametrize("level", LEVELS)
def test_outputs_match_independent_brute_force(level):
    checked = 0
    for task in [SOURCE(seed=2, difficulty=level)[index] for index in range(40)]:
        for test in task.metadata["tests"]:
            expected = oracle(task, copy.deepcopy(test["input"]))
            if expected is not None:
                assert test["output"] == expected, (task.id, test)
                checked += 1
    assert checked > 300


def test_known_values():
    assert [len(balanced(n, n, "()")) for n in range(7)] == [1, 1, 2, 5, 14, 42, 132]
    p = [1, 1, 2, 3, 5, 7, 11, 15, 22, 30, 42]
    q = [1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10]
    for n in range(11):
        assert len(partitions(n, n, False)) == partition_count(n, n, False) == p[n]
        assert len(partitions(n, n, True)) == partition_count(n, n, True) == q[n]
    assert lattice(["..", ".."], False) == 2 and lattice(["..", ".."], True) == 3
    assert flatten([1, [2, [3, []]]], 1) == [1, 2, [3, []]]
    assert flatten([1, [2, [3, []]]], -1) == [1, 2, 3]
