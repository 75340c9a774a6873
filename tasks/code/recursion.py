"""Recursion tasks: write a function for a naturally recursive problem.

=====  ==========================================================================================
level  kinds
=====  ==========================================================================================
1      flatten nested int lists to a depth (nesting <= 2); lattice paths on grids up to 4x4 with
       walls; bracket strings of n <= 5 pairs under a depth limit; subsets of 4-5 positive
       numbers summing to a target; the height of a nested-list tree; partitions of n <= 10
       with parts <= k
2      + strings among the items; grids up to 4x4, blocked corners; n <= 8; 5-6 numbers; tree
       heights or sums per tree level; n <= 18
3      + empty nested lists; grids up to 6x6; n <= 9; zeros and negative numbers (the empty
       subset counts); sums per tree level; partitions into distinct parts (n <= 30)
4      + deeper nesting; diagonal steps; two bracket kinds (n <= 6); the subsets themselves
       (ordered index lists); the best root-to-leaf sum with negative values; partitions listed
       in order (n <= 8)
5      + negative depth (flatten completely); grids up to 7x7; the balanced strings listed (n <=
       5); index lists with zeros and negatives; partitions into distinct parts listed (n <= 14)
=====  ==========================================================================================

Each task's ``answer`` is the reference solution (source text) and ``metadata["tests"]`` its
hidden tests (see :mod:`rlvr.tasks.code.schema`). Inputs stay small: a direct recursive solution
runs in milliseconds and never recurses more than a few dozen calls deep. Rendering a
:class:`~rlvr.tasks.code.kit.Spec` and picking its near misses is :mod:`.kit`'s.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import ClassVar

from rlvr.tasks.code.kit import Maker, Spec, SpecSource, at_level, patch


def distinct(make: Callable[[], list], count: int) -> list[list]:
    """Up to ``count`` different argument lists drawn from ``make`` (a bounded number of tries)."""
    found: dict[str, list] = {}
    for _ in range(20 * count):
        if len(found) == count:
            break
        args = make()
        found.setdefault(json.dumps(args), args)
    return list(found.values())


TREE = (
    "A tree is written as a list `[value, child_1, child_2, ...]` whose first element is the "
    "node's integer value and whose other elements are its subtrees, written the same way; a "
    "leaf is `[value]`."
)

# -- flatten to a depth ------------------------------------------------------------------------

FLATTEN_CODE = """def $name(items: list, depth: int) -> list:
    result = []
    for item in items:
        if isinstance(item, list) and depth != 0:
            result.extend($name(item, depth - 1))
        else:
            result.append(item)
    return result
"""
FLATTEN_WRONG = [
    ("ignores_depth", 1, 5, patch(FLATTEN_CODE, " and depth != 0", "")),
    ("one_level_short", 1, 5, patch(FLATTEN_CODE, "depth != 0", "depth > 1")),
    ("keeps_empty_lists", 3, 5, patch(FLATTEN_CODE, "list) and", "list) and item and")),
    ("negative_depth_is_zero", 5, 5, patch(FLATTEN_CODE, "depth != 0", "depth > 0")),
]  # fmt: skip


def nested(rng: random.Random, depth: int, level: int) -> list:
    items: list = []
    for _ in range(rng.randint(0 if level >= 3 else 1, 2 + level // 2)):
        if depth > 0 and rng.random() < 0.45:
            items.append(nested(rng, depth - 1, level))
        elif level >= 2 and rng.random() < 0.2:
            items.append(rng.choice(("a", "bc", "x", "hello")))
        else:
            items.append(rng.randint(0, 99))
    return items


def make_flatten(rng: random.Random, level: int) -> Spec:
    text = at_level(level, [
        (1, 5, "Flatten a nested list to a given depth. Flattening `items` by `depth` gives a new "
               "list: every element of `items` that is a list is replaced by its own elements "
               "flattened by `depth - 1`, and every other element is kept; flattening by depth "
               "0 returns the list unchanged. Order is preserved."),
        (1, 1, "The elements are integers and lists, and `depth` is at least 0."),
        (2, 5, "The elements are integers, strings (never split) and lists."),
        (2, 4, "`depth` is at least 0."),
        (3, 5, "Lists may be empty; an empty list that is flattened contributes nothing."),
        (5, 5, "A negative `depth` means: flatten completely."),
    ])  # fmt: skip
    a, b, c = rng.randint(0, 9), rng.randint(10, 99), rng.randint(0, 99)
    edges = at_level(level, [
        (1, 5, [[a, [b, [c]]], 1]),
        (1, 5, [[[a], b], 0]),
        (3, 5, [[[], [a, []], b], 1]),
        (5, 5, [[a, [[b, []], [[c]]]], -1]),
    ])  # fmt: skip
    top = level + 1
    low = -2 if level >= 5 else 0
    inputs = distinct(lambda: [nested(rng, top, level), rng.randint(low, top)], 10 + level)
    inputs[3:3] = edges
    names = ("flatten", "flatten_to_depth", "flatten_depth", "unnest")
    return Spec("flatten", names, " ".join(text), FLATTEN_CODE, inputs, {})


# -- lattice paths -----------------------------------------------------------------------------

LATTICE_CODE = """from functools import cache


def $name(grid: list[str]) -> int:
    @cache
    def paths(r: int, c: int) -> int:
        if r < 0 or c < 0 or grid[r][c] == "#":
            return 0
        if r == 0 and c == 0:
            return 1
        return paths(r - 1, c) + paths(r, c - 1)$diagonal

    return paths(len(grid) - 1, len(grid[0]) - 1)
"""
WALL = '        if r < 0 or c < 0 or grid[r][c] == "#":\n            return 0\n'
START = "        if r == 0 and c == 0:\n            return 1\n"
LATTICE_WRONG = [
    ("ignores_walls", 1, 5, patch(LATTICE_CODE, ' or grid[r][c] == "#"', "")),
    ("edges_always_one", 1, 5, patch(LATTICE_CODE, "r == 0 and c == 0", "r == 0 or c == 0")),
    ("start_not_checked", 2, 5, patch(LATTICE_CODE, WALL + START, START + WALL)),
    ("no_diagonal", 4, 5, LATTICE_CODE.replace("$diagonal", "")),
]  # fmt: skip
GRID_SIZES = {1: (2, 4), 2: (3, 4), 3: (3, 6), 4: (4, 6), 5: (4, 7)}


def grid(rng: random.Random, level: int) -> list[str]:
    low, high = GRID_SIZES[level]
    rows, cols = rng.randint(low, high), rng.randint(low, high)
    cells = [["#" if rng.random() < 0.2 else "." for _ in range(cols)] for _ in range(rows)]
    if level == 1 or rng.random() < 0.85:
        cells[0][0] = cells[-1][-1] = "."
    return ["".join(row) for row in cells]


def make_lattice(rng: random.Random, level: int) -> Spec:
    text = at_level(level, [
        (1, 5, "`grid` is a list of equally long strings: `.` is a free cell and `#` a blocked "
               "one. Count the paths from the top-left cell to the bottom-right cell that never "
               "enter a blocked cell, where each step moves one cell right or one cell down."),
        (4, 5, "A step may also move diagonally, one cell down and one cell right at once."),
        (1, 1, "The two corner cells are free."),
        (2, 5, "If the start or the end cell is blocked, there is no path."),
        (3, 5, "A one-cell grid has one path (the empty one) when its cell is free."),
    ])  # fmt: skip
    cols = rng.randint(3, 4)
    edges = at_level(level, [
        (1, 5, [".#" + "." * (cols - 2)] + ["." * cols] * rng.randint(1, 2)),
        (2, 5, ["#" + "." * (cols - 1), "." * cols]),
        (3, 5, ["." * cols, "." * (cols - 1) + "#"]),
        (3, 5, ["."]),
    ])  # fmt: skip
    inputs = distinct(lambda: [grid(rng, level)], 10 + level)
    inputs[3:3] = [[edge] for edge in edges]
    diagonal = " + paths(r - 1, c - 1)" if level >= 4 else ""
    names = ("count_paths", "lattice_paths", "grid_paths", "number_of_paths")
    return Spec("lattice", names, " ".join(text), LATTICE_CODE, inputs, {"diagonal": diagonal})


# -- balanced parentheses ----------------------------------------------------------------------

PARENS_CODE = """from functools import cache


def $name(n: int, max_depth: int) -> int:
    @cache
    def count(to_open: int, depth: int) -> int:
        if to_open == 0:
            return 1
        total = count(to_open, depth - 1) if depth > 0 else 0
        if depth < max_depth:
            total += ${ways}count(to_open - 1, depth + 1)
        return total

    return count(n, 0)
"""
PARENS_WRONG = [
    ("all_arrangements", 1, 4, "import math\n\n\ndef $name(n: int, max_depth: int) -> int:\n"
     "    return ${ways}math.comb(2 * n, n)\n"),
    ("catalan_ignores_depth", 1, 3, "import math\n\n\ndef $name(n: int, max_depth: int) -> int:\n"
     "    return math.comb(2 * n, n) // (n + 1)\n"),
    ("depth_off_by_one", 1, 4, patch(PARENS_CODE, "depth < max_depth", "depth <= max_depth")),
    ("one_bracket_kind", 4, 4, PARENS_CODE.replace("${ways}", "")),
]  # fmt: skip
PARENS_LIST = """def $name(n: int, max_depth: int) -> list[str]:
    result = []

    def build(prefix: str, opened: int, depth: int) -> None:
        if len(prefix) == 2 * n:
            result.append(prefix)
            return
        if opened < n and depth < max_depth:
            build(prefix + "(", opened + 1, depth + 1)
        if depth > 0:
            build(prefix + ")", opened, depth - 1)

    build("", 0, 0)
    return result
"""
OPEN = (
    "        if opened < n and depth < max_depth:\n"
    '            build(prefix + "(", opened + 1, depth + 1)\n'
)
CLOSE = '        if depth > 0:\n            build(prefix + ")", opened, depth - 1)\n'
PARENS_LIST_WRONG = [
    ("closes_first", 5, 5, patch(PARENS_LIST, OPEN + CLOSE, CLOSE + OPEN)),
    ("depth_off_by_one", 5, 5, patch(PARENS_LIST, "depth < max_depth", "depth <= max_depth")),
]  # fmt: skip


def make_parens(rng: random.Random, level: int) -> Spec:
    top = (5, 8, 9, 6)[level - 1]
    kinds = "of two kinds, `()` and `[]`" if level == 4 else "`(` and `)`"
    text = (
        f"Count the strings of `n` pairs of brackets {kinds} that are properly nested (read "
        "from the left, every closing bracket closes the most recent unclosed opening bracket"
        + (", which must be of the same kind" if level == 4 else "")
        + ", and nothing stays open at the end) and whose nesting depth never exceeds "
        "`max_depth`: at most `max_depth` brackets are open at every point. For `n = 0` the "
        "empty string is the only one."
    )
    inputs = distinct(lambda: [rng.randint(1, top), rng.randint(1, top)], 10 + level)
    inputs[3:3] = [[0, 1], [top, 1], [top, 2], [top, top]]
    subs = {"ways": "2 * " if level == 4 else ""}
    names = ("count_balanced", "balanced_count", "count_bracket_strings", "num_balanced")
    return Spec("parens", names, text, PARENS_CODE, inputs, subs)


def make_parens_list(rng: random.Random, level: int) -> Spec:
    text = (
        "List every balanced string of `n` opening and `n` closing parentheses (read from the "
        "left, never more `)` than `(` so far) whose nesting depth never exceeds `max_depth` "
        "(at most `max_depth` unclosed `(` at every point), in increasing string order, where "
        "`(` comes before `)`. For `n = 0` the only string is the empty one."
    )
    inputs = distinct(lambda: [rng.randint(1, 5), rng.randint(1, 5)], 10 + level)
    inputs[3:3] = [[0, 2], [3, 0], [4, 2], [3, 3]]
    names = ("balanced_strings", "list_balanced", "generate_parentheses", "all_balanced")
    return Spec("parens_list", names, text, PARENS_LIST, inputs, {})


# -- subset sums -------------------------------------------------------------------------------

SUBSET_CODE = """def $name(nums: list[int], target: int) -> int:
    def count(i: int, remaining: int) -> int:
        if i == len(nums):
            return 1 if remaining == 0 else 0
        return count(i + 1, remaining - nums[i]) + count(i + 1, remaining)

    return count(0, target)
"""
SUBSET_WRONG = [
    ("reuses_elements", 1, 2, patch(SUBSET_CODE, "        if i == len(nums):\n",
                                    "        if remaining <= 0 or i == len(nums):\n")
     .replace("count(i + 1, remaining - nums[i])", "count(i, remaining - nums[i])")),
    ("ignores_last_number", 1, 3, patch(SUBSET_CODE, "i == len(nums)", "i == len(nums) - 1")),
    ("stops_when_reached", 3, 3, patch(SUBSET_CODE, "if i == len(nums):",
                                       "if remaining == 0:\n            return 1\n        if i == "
                                       "len(nums):")),
    ("empty_subset_not_counted", 3, 3, "def $name(nums: list[int], target: int) -> int:\n"
     "    def count(i: int, remaining: int, used: int) -> int:\n"
     "        if i == len(nums):\n            return 1 if remaining == 0 and used else 0\n"
     "        return count(i + 1, remaining - nums[i], used + 1) + count(i + 1, remaining, used)\n"
     "\n    return count(0, target, 0)\n"),
]  # fmt: skip
SUBSET_LIST = """def $name(nums: list[int], target: int) -> list[list[int]]:
    result = []

    def search(i: int, chosen: list[int], remaining: int) -> None:
        if i == len(nums):
            if remaining == 0:
                result.append(chosen)
            return
        search(i + 1, [*chosen, i], remaining - nums[i])
        search(i + 1, chosen, remaining)

    search(0, [], target)
    return sorted(result)
"""
SUBSET_LIST_WRONG = [
    ("values_not_indices", 4, 5, patch(SUBSET_LIST, "[*chosen, i]", "[*chosen, nums[i]]")),
    ("skip_first_order", 4, 5, patch(SUBSET_LIST, "return sorted(result)", "return result")
     .replace("        search(i + 1, [*chosen, i], remaining - nums[i])\n", "")
     .replace("        search(i + 1, chosen, remaining)\n",
              "        search(i + 1, chosen, remaining)\n"
              "        search(i + 1, [*chosen, i], remaining - nums[i])\n")),
    ("not_sorted", 5, 5, patch(SUBSET_LIST, "return sorted(result)", "return result")),
]  # fmt: skip


def numbers(rng: random.Random, level: int, count: int) -> list[int]:
    low = -5 if level in (3, 5) else 1
    return [rng.randint(low, 9) for _ in range(count)]


def make_subsets(rng: random.Random, level: int) -> Spec:
    text = at_level(level, [
        (1, 5, "Given a list of integers `nums` and an integer `target`, "),
        (1, 3, "count the subsets of positions of `nums` whose values sum to `target`: each "
               "position is used at most once, and positions holding equal values still count "
               "as different choices."),
        (4, 5, "find every subset of positions of `nums` whose values sum to `target` (each "
               "position used at most once). Return each subset as the increasing list of its "
               "indices, and the subsets in increasing lexicographic order (as Python sorts "
               "lists of integers)."),
        (1, 2, "All numbers are positive."),
        (3, 3, "Numbers may be zero or negative, and the empty subset (sum 0) counts."),
        (4, 4, "All numbers are positive."),
        (5, 5, "Numbers may be zero or negative, and the empty subset (sum 0) is included when "
               "`target` is 0."),
    ])  # fmt: skip
    size = (4, 5, 7, 7, 7)[level - 1] + rng.randint(0, 1)
    a, b = rng.randint(1, 9), rng.randint(1, 9)
    edges = at_level(level, [
        (1, 5, [[a, b, 3, a + b], a + b]),
        (1, 5, [[a, 4, b], 2 * a]),
        (1, 5, [[2, a, b], b]),
        (3, 3, [[a, -a, 0, b], 0]),
        (3, 3, [[a, 0, b], a]),
        (5, 5, [[a, 0, b], a]),
    ])  # fmt: skip
    low = 0 if level in (3, 5) else 1

    def draw() -> list:
        nums = numbers(rng, level, size)
        return [nums, sum(rng.sample(nums, rng.randint(low, size))) if rng.random() < 0.8 else 7]

    inputs = distinct(draw, 10 + level)
    inputs[3:3] = edges
    if level <= 3:
        names = ("count_subsets", "subset_sum_count", "count_target_subsets", "ways_to_sum")
        return Spec("subsets", names, "".join(text[:2]) + " " + text[2], SUBSET_CODE, inputs, {})
    names = ("subsets_with_sum", "find_subsets", "target_subsets", "subset_indices")
    return Spec("subset_list", names, "".join(text[:2]) + " " + text[2], SUBSET_LIST, inputs, {})


# -- trees as nested lists ---------------------------------------------------------------------

HEIGHT_CODE = """def $name(tree: list) -> int:
    return 1 + max(($name(child) for child in tree[1:]), default=0)
"""
HEIGHT_WRONG = [
    ("counts_edges", 1, 2, "def $name(tree: list) -> int:\n"
     "    return max((1 + $name(child) for child in tree[1:]), default=0)\n"),
    ("first_child_only", 1, 2, "def $name(tree: list) -> int:\n"
     "    return 1 + ($name(tree[1]) if len(tree) > 1 else 0)\n"),
]  # fmt: skip
LEVEL_SUMS_CODE = """def $name(tree: list) -> list[int]:
    sums = []

    def visit(node: list, depth: int) -> None:
        if depth == len(sums):
            sums.append(0)
        sums[depth] += node[0]
        for child in node[1:]:
            visit(child, depth + 1)

    visit(tree, 0)
    return sums
"""
LEVEL_SUMS_WRONG = [
    ("overwrites_sums", 2, 3, patch(LEVEL_SUMS_CODE, "sums[depth] += node[0]",
                                    "sums[depth] = node[0]")),
    ("counts_nodes", 2, 3, patch(LEVEL_SUMS_CODE, "sums[depth] += node[0]", "sums[depth] += 1")),
]  # fmt: skip
MAX_PATH_CODE = """def $name(tree: list) -> int:
    if len(tree) == 1:
        return tree[0]
    return tree[0] + max($name(child) for child in tree[1:])
"""
MAX_PATH_WRONG = [
    ("may_stop_early", 4, 5, patch(MAX_PATH_CODE, "max($name(child) for child in tree[1:])",
                                   "max(0, *($name(child) for child in tree[1:]))")),
    ("greedy_child", 4, 5, patch(MAX_PATH_CODE, "max($name(child) for child in tree[1:])",
                                 "$name(max(tree[1:], key=lambda child: child[0]))")),
]  # fmt: skip


def tree(rng: random.Random, nodes: int, low: int, depth: int = 0) -> list:
    """A random tree with about ``nodes`` nodes and values in ``low..9``."""
    node: list = [rng.randint(low, 9)]
    nodes -= 1
    while nodes > 0 and depth < 7:
        size = rng.randint(1, nodes)
        node.append(tree(rng, size, low, depth + 1))
        nodes -= size
    return node


def make_tree(rng: random.Random, level: int) -> Spec:
    nodes = (5, 9, 12, 14, 20)[level - 1]
    low = -9 if level >= 4 else 0
    inputs = distinct(lambda: [tree(rng, rng.randint(1, nodes), low)], 10 + level)
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    if level == 1 or (level == 2 and rng.random() < 0.5):
        kind, code, names = "tree_height", HEIGHT_CODE, ("tree_height", "height", "depth_of_tree")
        text = "Return the height of a tree: the number of nodes on its longest root-to-leaf path."
        edges = [[[a]], [[a, [b], [a, [b, [a]]]]]]
    elif level <= 3:
        kind, code, names = "level_sums", LEVEL_SUMS_CODE, ("level_sums", "sums_by_depth")
        text = ("Return the list of the sums of the values at each depth of a tree: first the "
                "root's value, then the sum of its children's values, and so on down to the "
                "deepest level.")  # fmt: skip
        edges = [[[a]], [[a, [b, [a]], [a], [b, [b]]]]]
    else:
        kind, code, names = "max_path", MAX_PATH_CODE, ("max_path_sum", "best_path", "max_branch")
        text = ("Return the largest sum of the values along a path from the root down to a leaf "
                "(the path must end at a leaf). Values may be negative.")  # fmt: skip
        edges = [[[-a]], [[a, [b, [-10 - a]]]], [[0, [a + 1, [-10]], [1, [a]]]]]
    inputs[3:3] = edges
    return Spec(kind, names, TREE + " " + text, code, inputs, {})


# -- integer partitions ------------------------------------------------------------------------

PARTITION_CODE = """from functools import cache


def $name(n: int, max_part: int) -> int:
    @cache
    def count(remaining: int, largest: int) -> int:
        if remaining == 0:
            return 1
        parts = range(1, min(largest, remaining) + 1)
        return sum(count(remaining - part, part$step) for part in parts)

    return count(n, max_part)
"""
PARTITION_WRONG = [
    ("order_matters", 1, 3, patch(PARTITION_CODE, "count(remaining - part, part$step)",
                                  "count(remaining - part, largest)")),
    ("largest_excluded", 1, 3, patch(PARTITION_CODE, "min(largest, remaining) + 1",
                                     "min(largest, remaining)")),
    ("repeats_allowed", 3, 3, PARTITION_CODE.replace("$step", "")),
]  # fmt: skip
PARTITION_LIST = """def $name(n: int, max_part: int) -> list[list[int]]:
    result = []

    def build(remaining: int, largest: int, parts: list[int]) -> None:
        if remaining == 0:
            result.append(parts)
            return
        for part in range(min(largest, remaining), 0, -1):
            build(remaining - part, part$step, [*parts, part])

    build(n, max_part, [])
    return result
"""
PARTITION_LIST_WRONG = [
    ("increasing_order", 4, 5, patch(PARTITION_LIST, "range(min(largest, remaining), 0, -1)",
                                     "range(1, min(largest, remaining) + 1)")),
    ("parts_unordered", 4, 5, patch(PARTITION_LIST, "build(remaining - part, part$step,",
                                    "build(remaining - part, largest,")),
    ("repeats_allowed", 5, 5, PARTITION_LIST.replace("$step", "")),
]  # fmt: skip


def make_partitions(rng: random.Random, level: int) -> Spec:
    unique_parts = level in (3, 5)
    parts = "distinct positive integers" if unique_parts else "positive integers"
    text = (
        f"A partition of `n` into {parts} is a way of writing `n` as a sum of {parts} where the "
        "order of the terms does not matter. Consider the partitions of `n` whose parts are all "
        "at most `max_part`; "
    )
    if level <= 3:
        text += "return how many there are. For `n = 0` there is one (the empty sum)."
    else:
        example = "n = 6: `[[6], [5, 1], [4, 2], [3, 2, 1]]`" if unique_parts else (
            "n = 3: `[[3], [2, 1], [1, 1, 1]]`")  # fmt: skip
        text += ("return them all, each as the list of its parts from largest to smallest, the "
                 f"partitions in decreasing lexicographic order (for {example} when `max_part` "
                 "is at least n). For `n = 0` return `[[]]`.")  # fmt: skip
    top = (10, 18, 30, 9, 14)[level - 1]

    def draw() -> list:
        n = rng.randint(1, top)
        return [n, rng.randint(max(1, n // 2), n + 1)]

    inputs = distinct(draw, 10 + level)
    inputs[3:3] = [[0, rng.randint(1, 3)], [top, top], [top - 1, 2], [6, 3]]
    step = " - 1" if unique_parts else ""
    if level <= 3:
        names = ("count_partitions", "partition_count", "num_partitions")
        return Spec("partitions", names, text, PARTITION_CODE, inputs, {"step": step})
    names = ("list_partitions", "partitions", "all_partitions")
    return Spec("partition_list", names, text, PARTITION_LIST, inputs, {"step": step})


# -- the family --------------------------------------------------------------------------------

KINDS: dict[str, tuple[int, int, Maker]] = {
    "flatten": (1, 5, make_flatten),
    "lattice": (1, 5, make_lattice),
    "parens": (1, 4, make_parens),
    "parens_list": (5, 5, make_parens_list),
    "subsets": (1, 5, make_subsets),
    "tree": (1, 5, make_tree),
    "partitions": (1, 5, make_partitions),
}
"""maker -> (lowest level, highest level, task maker); a maker may return one of several kinds"""
WRONG = {
    "flatten": FLATTEN_WRONG,
    "lattice": LATTICE_WRONG,
    "parens": PARENS_WRONG,
    "parens_list": PARENS_LIST_WRONG,
    "subsets": SUBSET_WRONG,
    "subset_list": SUBSET_LIST_WRONG,
    "tree_height": HEIGHT_WRONG,
    "level_sums": LEVEL_SUMS_WRONG,
    "max_path": MAX_PATH_WRONG,
    "partitions": PARTITION_WRONG,
    "partition_list": PARTITION_LIST_WRONG,
}
"""task kind -> near misses ``(label, lowest level, highest level, code template)``"""


class RecursionSource(SpecSource):
    """Write a function for a naturally recursive problem (see the module docstring)."""

    family: ClassVar[str] = "recursion"
    kinds = KINDS
    wrong = WRONG


wrong_solutions = RecursionSource.wrong_solutions
