"""List algorithms: write a function that applies a pipeline of steps to a list of integers.

=====  =====  ===========================  ==========================  =======================
level  steps  list length                  values                      parameter ``k``
=====  =====  ===========================  ==========================  =======================
1      1      1-6                          -5..9                       none
2      1      1-8, or intervals            -9..12                      the step's, if it has one
3      2      2-10, or intervals           -15..15                     none (constants)
4      3      3-12, or intervals           -25..25                     one step's (always one)
5      4      4-14, or intervals           -40..40                     one step's (always one)
=====  =====  ===========================  ==========================  =======================

Steps: running sums and maxima, neighbour differences, order-preserving dedupe, filters,
rotation, k largest, sliding-window sums and maxima, block sums, sorting by absolute value;
a pipeline may start from a list of intervals (merge, lengths) and may end in a reduction
(longest increasing run, maximum sub-array sum, second largest value). Pipelines where a step
does not change any hidden output are redrawn. The hidden tests mix random lists, edge cases
(empty, one element, all equal, all negative) and inputs chosen to expose each step's classic
mistakes.

The steps and their parameters are in ``metadata["operations"]``; see
:class:`~rlvr.tasks.code.kit.PipelineSource` for the reference, the hidden tests and the mistakes
that :func:`wrong_solutions` rebuilds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rlvr.tasks.code import kit
from rlvr.tasks.code.kit import EXAMPLES, PipelineSource, Step, uniform_int
from rlvr.types import Task

INTS, INTERVALS, INT, OPTIONAL = "ints", "intervals", "int", "optional"
RETURNS = {INTS: "list[int]", INTERVALS: "list[list[int]]", INT: "int", OPTIONAL: "int | None"}


@dataclass(frozen=True)
class Op(kit.Op):
    """One list step (statements rewriting ``xs``), with the types it takes and gives."""

    example: tuple[list, Any] | None = None
    """``(input, output)`` shown in the spec as ``{example}`` (steps without a parameter)"""
    takes: str = INTS
    gives: str = INTS


RUNNING_SUM = "total, out = 0, []\nfor x in xs:\n    total += x\n    out.append(total)\nxs = out"
DEDUPE = (
    "seen, out = set(), []\nfor x in xs:\n    if x not in seen:\n        seen.add(x)\n"
    "        out.append(x)\nxs = out"
)
RUN = (
    "best = run = 0\nfor i, x in enumerate(xs):\n"
    "    run = run + 1 if i > 0 and x > xs[i - 1] else 1\n    best = max(best, run)\nxs = best"
)
MERGE = (
    "out = []\nfor a, b in sorted(xs):\n    if out and a <= out[-1][1]:\n"
    "        out[-1][1] = max(out[-1][1], b)\n    else:\n        out.append([a, b])\nxs = out"
)
KADANE = (
    "best, run = None, 0\nfor x in xs:\n    run = max(x, run + x)\n"
    "    best = run if best is None else max(best, run)\nxs = 0 if best is None else best"
)
WINDOW = "xs = [{f}(xs[i:i + __K__]) for i in range(len(xs) - __K__ + 1)]"
ROTATE = "if xs:\n    r = __K__ % len(xs)\n    xs = xs[r:] + xs[:r]"

OPS: dict[str, Op] = {
    op.name: op
    for op in [
        Op(
            "running_sum",
            1,
            "Replace the list by its running sums: element i becomes the sum of the first i + 1 "
            "elements {example}.",
            RUNNING_SUM,
            {
                "exclusive": "xs = [sum(xs[:i]) for i in range(len(xs))]",
                "skips_first": "xs = [sum(xs[:i + 1]) for i in range(1, len(xs))]",
            },
            ("running_sum", "prefix_sums", "cumulative"),
            example=([3, -1, 4], [3, 2, 6]),
        ),
        Op(
            "differences",
            1,
            "Replace the list by the differences of neighbouring elements: element i becomes "
            "element i + 1 minus element i, so the list gets one element shorter and a list "
            "with fewer than two elements becomes empty {example}.",
            "xs = [b - a for a, b in zip(xs, xs[1:])]",
            {
                "reversed_sign": "xs = [a - b for a, b in zip(xs, xs[1:])]",
                "keeps_first": "xs = xs[:1] + [b - a for a, b in zip(xs, xs[1:])]",
            },
            ("differences", "pairwise_diff", "deltas"),
            ([5],),
            example=([1, 4, 2], [3, -2]),
        ),
        Op(
            "dedupe",
            1,
            "Remove repeated values: keep only the first occurrence of each value, in the "
            "original order {example}.",
            DEDUPE,
            {
                "sorted_set": "xs = sorted(set(xs))",
                "consecutive_only": "xs = [x for i, x in enumerate(xs) "
                "if i == 0 or x != xs[i - 1]]",
                "keeps_last": "xs = [x for i, x in enumerate(xs) if x not in xs[i + 1:]]",
            },
            ("dedupe", "unique_in_order", "remove_duplicates"),
            ([3, 1, 3, 2, 1],),
            example=([4, 1, 4, 2, 1], [4, 1, 2]),
        ),
        Op(
            "reverse",
            1,
            "Reverse the list.",
            "xs = xs[::-1]",
            {"drops_first": "xs = xs[:0:-1]", "sorts_descending": "xs = sorted(xs, reverse=True)"},
            ("reverse_list", "backwards", "flip"),
            ([1, 3, 2],),
        ),
        Op(
            "keep_nonnegative",
            1,
            "Keep only the elements that are at least 0 (zero included), in their original order.",
            "xs = [x for x in xs if x >= 0]",
            {"drops_zero": "xs = [x for x in xs if x > 0]", "abs_all": "xs = [abs(x) for x in xs]"},
            ("keep_nonnegative", "drop_negatives", "non_negative"),
            ([0, -2, 3, 0],),
        ),
        Op(
            "keep_even",
            1,
            "Keep only the even elements (0 and negative even numbers included), in their "
            "original order.",
            "xs = [x for x in xs if x % 2 == 0]",
            {
                "positive_only": "xs = [x for x in xs if x % 2 == 0 and x > 0]",
                "even_positions": "xs = xs[::2]",
            },
            ("keep_even", "evens", "filter_even"),
            ([-4, 0, 3, 6, -1],),
        ),
        Op(
            "scale_index",
            1,
            "Replace each element x at position i (counting from 0) by x * {k} + i.",
            "xs = [x * __K__ + i for i, x in enumerate(xs)]",
            {
                "counts_from_one": "xs = [x * __K__ + i + 1 for i, x in enumerate(xs)]",
                "adds_first": "xs = [(x + i) * __K__ for i, x in enumerate(xs)]",
            },
            ("scale_and_shift", "scale_index", "weight_positions"),
            const=(2, 5),
            arg=(-3, 5),
            arg_note="`k` may be zero or negative.",
        ),
        Op(
            "longest_run",
            1,
            "Return the length of the longest run of consecutive elements that strictly "
            "increases; a single element is a run of length 1 and an empty list gives 0 "
            "{example}.",
            RUN,
            {
                "non_strict": RUN.replace("x > xs[i - 1]", "x >= xs[i - 1]"),
                "empty_is_one": RUN.replace("best = run = 0", "best = run = 1"),
            },
            ("longest_increasing_run", "longest_climb", "max_rising_streak"),
            ([], [2, 2, 2], [1, 2, 2, 3, 4]),
            example=([1, 2, 2, 3, 4], 3),
            gives=INT,
        ),
        Op(
            "rotate",
            2,
            "Rotate the list left by {k} places: with n elements, move the first ({k} mod n) "
            "elements to the end, where mod gives the remainder in 0..n-1 (an empty list stays "
            "empty).",
            ROTATE,
            {
                "no_modulo": "xs = xs[__K__:] + xs[:__K__]",
                "rotates_right": ROTATE.replace("xs[r:] + xs[:r]", "xs[-r:] + xs[:-r]"),
            },
            ("rotate_left", "rotate", "cycle"),
            ([1, 2], [4, 5, 6]),
            const=(1, 5),
            arg=(-9, 15),
            arg_note="`k` may be negative (-1 mod n is n - 1) or larger than the length.",
        ),
        Op(
            "k_largest",
            2,
            "Keep the {k} largest elements, largest first; equal values count separately (the "
            "2 largest of [5, 1, 5] are [5, 5]), and a list with fewer than {k} elements is "
            "just sorted, largest first.",
            "xs = sorted(xs, reverse=True)[:__K__]",
            {
                "distinct": "xs = sorted(set(xs), reverse=True)[:__K__]",
                "ascending": "xs = sorted(xs)[-__K__:]",
            },
            ("k_largest", "top_k", "largest_values"),
            ([5, 1, 5], [2, 9, 9, 9, 1]),
            const=(2, 4),
            arg=(0, 6),
            arg_note="`k` is at least 0.",
        ),
        Op(
            "window_sum",
            2,
            "Replace the list by the sums of its windows: element i becomes the sum of the {k} "
            "elements starting at position i (the result is empty when the list has fewer than "
            "{k} elements).",
            WINDOW.format(f="sum"),
            {
                "misses_last": WINDOW.format(f="sum").replace(" + 1)]", ")]"),
                "partial_windows": "xs = [sum(xs[i:i + __K__]) for i in range(len(xs))]",
            },
            ("window_sums", "sliding_sum", "moving_total"),
            ([1, 2, 3, 4],),
            const=(2, 4),
            arg=(1, 5),
            arg_note="`k` is at least 1.",
        ),
        Op(
            "running_max",
            2,
            "Replace every element by the largest value among it and all the elements before it "
            "{example}.",
            "out = []\nfor x in xs:\n    out.append(x if not out or x > out[-1] else out[-1])\n"
            "xs = out",
            {
                "starts_at_zero": "best, out = 0, []\nfor x in xs:\n    best = max(best, x)\n"
                "    out.append(best)\nxs = out",
                "previous_only": "xs = [max(x, xs[i - 1]) if i else x for i, x in enumerate(xs)]",
            },
            ("running_max", "prefix_max", "record_highs"),
            ([-3, -5, -1], [5, 1, 2, 3]),
            example=([2, 1, 3, 2], [2, 2, 3, 3]),
        ),
        Op(
            "merge",
            2,
            "Merge the intervals: intervals that overlap or touch (share an endpoint) become one "
            "interval, and the result lists the merged intervals [start, end] in increasing "
            "order of start {example}.",
            MERGE,
            {
                "touching_apart": MERGE.replace("a <= out[-1][1]", "a < out[-1][1]"),
                "no_max": MERGE.replace("max(out[-1][1], b)", "b"),
                "unsorted": MERGE.replace("sorted(xs)", "xs"),
            },
            ("merge_intervals", "merge_ranges", "union_intervals"),
            ([[1, 3], [3, 5]], [[1, 10], [2, 3], [4, 12]], [[5, 6], [1, 2], [2, 3]]),
            example=([[4, 6], [1, 3], [2, 4], [8, 9]], [[1, 6], [8, 9]]),
            takes=INTERVALS,
            gives=INTERVALS,
        ),
        Op(
            "second_largest",
            2,
            "Return the second largest distinct value, or None when the list has fewer than two "
            "distinct values {example}.",
            "values = sorted(set(xs))\nxs = values[-2] if len(values) >= 2 else None",
            {
                "not_distinct": "values = sorted(xs)\n"
                "xs = values[-2] if len(values) >= 2 else None",
                "second_smallest": "values = sorted(set(xs))\n"
                "xs = values[1] if len(values) >= 2 else None",
            },
            ("second_largest", "runner_up", "second_best"),
            ([4, 4], [9, 9, 7, 1], [7]),
            example=([5, 5, 3], 3),
            gives=OPTIONAL,
        ),
        Op(
            "window_max",
            3,
            "Replace the list by the maxima of its windows: element i becomes the largest of the "
            "{k} elements starting at position i (the result is empty when the list has fewer "
            "than {k} elements).",
            WINDOW.format(f="max"),
            {
                "misses_last": WINDOW.format(f="max").replace(" + 1)]", ")]"),
                "partial_windows": "xs = [max(xs[i:i + __K__]) for i in range(len(xs))]",
            },
            ("window_max", "sliding_max", "moving_peak"),
            ([1, 5, 2, 4],),
            const=(2, 4),
            arg=(1, 5),
            arg_note="`k` is at least 1.",
        ),
        Op(
            "block_sums",
            3,
            "Cut the list into blocks of {k} consecutive elements from the start (the last block "
            "may be shorter) and replace each block by its sum.",
            "xs = [sum(xs[i:i + __K__]) for i in range(0, len(xs), __K__)]",
            {
                "drops_short": "xs = [sum(xs[i:i + __K__]) "
                "for i in range(0, len(xs) - __K__ + 1, __K__)]",
            },
            ("block_sums", "chunk_totals", "batch_sums"),
            ([1, 2, 3, 4, 5, 6, 7],),
            const=(2, 4),
            arg=(1, 5),
            arg_note="`k` is at least 1.",
        ),
        Op(
            "sort_by_abs",
            3,
            "Sort the elements by absolute value, smallest first; of two values with the same "
            "absolute value the negative one comes first {example}.",
            "xs = sorted(xs, key=lambda x: (abs(x), x))",
            {"stable_ties": "xs = sorted(xs, key=abs)", "plain_sort": "xs = sorted(xs)"},
            ("sort_by_abs", "order_by_magnitude", "magnitude_sort"),
            ([3, -3, 2, -1],),
            example=([2, -3, 1, 3, -2], [1, -2, 2, -3, 3]),
        ),
        Op(
            "lengths",
            3,
            "Replace every interval [a, b] by its length b - a.",
            "xs = [b - a for a, b in xs]",
            {"inclusive": "xs = [b - a + 1 for a, b in xs]"},
            ("interval_lengths", "spans", "widths"),
            ([[2, 2], [1, 4]],),
            takes=INTERVALS,
        ),
        Op(
            "max_subarray",
            3,
            "Return the largest sum of a non-empty run of consecutive elements, or 0 for an "
            "empty list {example}.",
            KADANE,
            {
                "allows_empty": "best = run = 0\nfor x in xs:\n    run = max(0, run + x)\n"
                "    best = max(best, run)\nxs = best",
                "whole_sum": "xs = sum(xs)",
            },
            ("max_subarray_sum", "best_stretch", "max_run_sum"),
            ([-3, -1, -2], [2, -5, 3]),
            example=([2, -3, 4, -1, 2, -5], 5),
            gives=INT,
        ),
    ]
}


@dataclass(frozen=True)
class Level:
    steps: int
    length: tuple[int, int]
    values: tuple[int, int]
    argument: bool
    """whether a parameterised step takes its parameter from the argument ``k``"""
    extra: int
    """random tests beyond the three shown as examples"""


LEVELS = {
    1: Level(1, (1, 6), (-5, 9), False, 4),
    2: Level(1, (1, 8), (-9, 12), True, 4),
    3: Level(2, (2, 10), (-15, 15), False, 4),
    4: Level(3, (3, 12), (-25, 25), True, 4),
    5: Level(4, (4, 14), (-40, 40), True, 4),
}
INTERVAL_SHARE = 0.2
COMPOSED_NAMES = ("transform", "process", "pipeline", "crunch", "reshape", "apply_steps")
EDGES: dict[str, tuple[list, ...]] = {
    INTS: ([7], [0], [3, 3, 3], [5, 4, 3, 2, 1], [-3, -1, -2], [1, 2, 2, 3], [3, -3, 0]),
    INTERVALS: ([[1, 1]], [[0, 2], [5, 7]], [[3, 4], [0, 9]]),
}
DOMAINS = {
    INTS: "`xs` is a list of integers; it may be empty and may contain repeated and negative "
    "values.",
    INTERVALS: "`intervals` is a list of intervals [start, end] of integers with start <= end, "
    "in any order; it may be empty.",
}


def _signature(entry: str, steps: list[Step]) -> str:
    first = "intervals: list[list[int]]" if steps[0][0].takes == INTERVALS else "xs: list[int]"
    k = ", k: int" if any(param == "k" for _, param in steps) else ""
    return f"def {entry}({first}{k}) -> {RETURNS[steps[-1][0].gives]}:"


def _variant(entry: str, steps: list[Step], mistake: str | None) -> str:
    """The reference (``mistake is None``) or one named wrong solution."""
    bodies = kit.step_bodies(steps, mistake)
    if steps[0][0].takes == INTERVALS:
        bodies.insert(0, "xs = intervals")
    return kit.function_source(_signature(entry, steps), bodies, "xs")


def _pick_steps(rng: random.Random, difficulty: int) -> list[Step] | None:
    """A type-correct pipeline (intervals -> ints -> a reduction last), or None."""
    level = LEVELS[difficulty]
    pool = [op for op in OPS.values() if op.level <= difficulty]
    kind = INTERVALS if difficulty >= 2 and rng.random() < INTERVAL_SHARE else INTS
    ops: list[Op] = []
    for position in range(level.steps):
        last = position == level.steps - 1
        options = [
            op
            for op in pool
            if op.takes == kind and op not in ops and (last or op.gives in (INTS, INTERVALS))
        ]
        if not options:
            return None
        ops.append(rng.choice(options))
        kind = ops[-1].gives
    if difficulty >= 4 and all(op.const is None for op in ops):
        return None
    return kit.with_params(ops, level.argument, partial(uniform_int, rng))


def _random_list(rng: random.Random, difficulty: int, kind: str) -> list:
    level = LEVELS[difficulty]
    if kind == INTERVALS:
        count = uniform_int(rng, 1, 2 + difficulty)
        starts = [uniform_int(rng, 0, 20 + 5 * difficulty) for _ in range(count)]
        return [[a, a + uniform_int(rng, 0, 6)] for a in starts]
    return [uniform_int(rng, *level.values) for _ in range(uniform_int(rng, *level.length))]


def _inputs(rng: random.Random, difficulty: int, steps: list[Step]) -> list[list[Any]]:
    kind = steps[0][0].takes
    lists = [_random_list(rng, difficulty, kind) for _ in range(EXAMPLES)]
    lists += [[], *rng.sample(EDGES[kind], 2)]
    lists += [w for op, _ in steps if op.takes == kind for w in op.witnesses]
    lists += [_random_list(rng, difficulty, kind) for _ in range(LEVELS[difficulty].extra)]
    inputs = [[xs] for xs in {repr(xs): xs for xs in lists}.values()]
    bounds, draw = kit.argument_bounds(steps), partial(uniform_int, rng)
    return kit.with_argument(inputs, bounds, draw, lambda: [_random_list(rng, difficulty, kind)])


def step_text(op: Op, param: int | str | None) -> str:
    """The spec sentence of one step (with its example and parameter filled in)."""
    text = op.text.replace("{k}", "`k`" if param == "k" else str(param))
    if op.example is None:
        return text
    before, after = op.example
    verb = "becomes" if op.gives in (INTS, INTERVALS) else "gives"
    return text.replace("{example}", f"(so {before} {verb} {after})")


def _spec(entry: str, steps: list[Step]) -> str:
    first = steps[0][0].takes
    what = "a list of intervals `intervals`" if first == INTERVALS else "a list of integers `xs`"
    texts = [step_text(op, param) for op, param in steps]
    if len(steps) == 1:
        spec = f"Write a function `{entry}` that takes {what}. {texts[0]}"
    else:
        spec = (
            f"Write a function `{entry}` that takes {what} and applies these steps in order, "
            f"each to the result of the previous one:\n\n{kit.numbered(texts)}"
        )
        if steps[-1][0].gives in (INTS, INTERVALS):
            spec += "\n\nReturn the final list."
    return f"{spec}\n\n{DOMAINS[first]}{kit.argument_notes(steps)}"


def _mistakes(steps: list[Step]) -> tuple[list[str], list[str]]:
    """Candidate mistakes (bugs, swaps of steps of one type) and the needed ones (each step
    must matter; dropping a step that changes the type is not a plausible slip)."""
    last = len(steps) - 1
    drops = [
        f"drop:{i}"
        for i, (op, _) in enumerate(steps)
        if last and (i == last or op.takes == op.gives)
    ]
    swaps = [
        f"swap:{i}"
        for i in range(last)
        if steps[i][0].takes == steps[i + 1][0].takes == steps[i][0].gives == steps[i + 1][0].gives
    ]
    return [*kit.bug_mistakes(steps), *swaps], drops


class ListsSource(PipelineSource[list[Step]]):
    """Write a list function: one step at level 1-2, up to four composed at level 5."""

    family: ClassVar[str] = "lists"
    variant = staticmethod(_variant)
    mistakes = staticmethod(_mistakes)

    def draw(
        self, rng: random.Random, difficulty: int
    ) -> tuple[list[Step], str, list[list]] | None:
        steps = _pick_steps(rng, difficulty)
        if steps is None:
            return None
        entry = rng.choice(steps[0][0].names if len(steps) == 1 else COMPOSED_NAMES)
        return steps, entry, _inputs(rng, difficulty, steps)

    def describe(self, entry: str, steps: list[Step], difficulty: int) -> tuple[str, str, dict]:
        return _spec(entry, steps), _signature(entry, steps), {"operations": kit.operations(steps)}


def wrong_solutions(task: Task) -> dict[str, str]:
    """Plausible wrong solutions (a buggy step, a dropped or swapped step, the identity), each
    failing at least one hidden test of ``task``."""
    return kit.named_mistakes(task, kit.steps_of(task, OPS), _variant)
