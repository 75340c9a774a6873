"""The recursion code family: its kinds per level, and its references against independent
checks (the contract every family keeps is checked in ``test_family_contract.py``).

Every hidden output is re-derived by an independent brute force or bottom-up computation
(enumerating strings, subsets and partitions; filling tables; walking trees level by level).
"""

from __future__ import annotations

import copy
import itertools

import pytest

from rlvr.tasks.code import recursion
from rlvr.tasks.code.schema import run_reference
from rlvr.types import Task

SOURCE = recursion.RecursionSource
LEVELS = range(1, 6)


def reference(task: Task):
    return run_reference(task.answer, task.metadata["entry_point"])


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
