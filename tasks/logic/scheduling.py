"""Project scheduling: start every task after its prerequisites so that all finish soonest.

=====  =====  =============  ======================  =========
level  tasks  prerequisites  pairs that must not     durations
                             overlap (one machine)
=====  =====  =============  ======================  =========
1      4      3              0                       1-5
2      6      6              0                       1-6
3      8      9              0                       1-8
4      10     12             2                       1-9
5      12     15             3                       1-9
=====  =====  =============  ======================  =========

Tasks run in parallel (unlimited workers), except that a task starts only after all its
prerequisites have finished and the two tasks of a "not at the same time" pair never overlap.
Without such pairs the shortest makespan is the critical path (longest path through the
precedence graph); with them, it is the smallest critical path over the orders of each pair
(each pair is run one way or the other; at most 2^3 orders), which the generator computes
exactly, along with an earliest-start schedule that reaches it.

Answer format: a start time (a whole number, the project starts at 0) per task, as
``task: start`` pairs (``A: 0, B: 3``, or one per line; ``=`` or ``starts at`` work too), inside
``<answer>…</answer>``; each entry holds exactly one number (``A: 0 or later`` cannot be read).
One constraint per task (it has a start time >= 0), per prerequisite,
per pair, and one for the makespan (the last task ends at the optimum). Any optimal schedule is
correct, not just the stored one.
"""

from __future__ import annotations

import itertools
import random
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.graph_coloring import LETTERS, parse_labelled_ints
from rlvr.tasks.logic.rules import PuzzleSource, RuleResult
from rlvr.types import Task

LEVELS = {1: (4, 3, 0, 5), 2: (6, 6, 0, 6), 3: (8, 9, 0, 8), 4: (10, 12, 2, 9), 5: (12, 15, 3, 9)}
PROMPT = (
    "Schedule these tasks. Each task runs without interruption for its duration, tasks can run "
    "in parallel, and the project starts at time 0.\n\nDurations: {durations}\n"
    "Prerequisites (the first task must finish before the second starts): {edges}\n"
    "{pairs}\nFinish the whole project as early as possible.\n\n"
    "Give the start time of every task inside <answer></answer> as 'task: start' pairs "
    "separated by commas, with whole numbers."
)


def earliest_starts(durations: list[int], edges: list[list[int]]) -> list[int] | None:
    """Earliest start of each task under ``edges`` (``[before, after]``); None on a cycle."""
    n = len(durations)
    indegree, after = [0] * n, [[] for _ in range(n)]
    for u, v in edges:
        after[u].append(v)
        indegree[v] += 1
    starts, ready = [0] * n, [t for t in range(n) if indegree[t] == 0]
    for u in ready:  # the list grows while it is read
        for v in after[u]:
            starts[v] = max(starts[v], starts[u] + durations[u])
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    return starts if len(ready) == n else None


def best_schedule(
    durations: list[int], edges: list[list[int]], pairs: list[list[int]]
) -> tuple[int, list[int]]:
    """``(makespan, starts)``: the shortest makespan over every order of the exclusive pairs."""
    best: tuple[int, list[int]] | None = None
    for flips in itertools.product((False, True), repeat=len(pairs)):
        ordered = [[v, u] if flip else [u, v] for (u, v), flip in zip(pairs, flips, strict=True)]
        starts = earliest_starts(durations, edges + ordered)
        if starts is not None:
            makespan = max(s + d for s, d in zip(starts, durations, strict=True))
            if best is None or makespan < best[0]:
                best = (makespan, starts)
    assert best is not None  # the pairs are unordered by the precedences: one order is acyclic
    return best


def render(starts: list[int]) -> str:
    return ", ".join(f"{LETTERS[t]}: {s}" for t, s in enumerate(starts))


class SchedulingSource(PuzzleSource):
    """Precedence-constrained tasks (plus non-overlap pairs at levels 4-5) with a known optimum."""

    family: ClassVar[str] = "scheduling"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, m, p, longest = LEVELS[difficulty]
        order = list(range(n))
        rng.shuffle(order)  # a hidden topological order: edges go forward in it
        candidates = [[order[i], order[j]] for i in range(n) for j in range(i + 1, n)]
        edges = sorted(rng.sample(candidates, m))
        durations = [rng.randint(1, longest) for _ in range(n)]
        reach = [{t} for t in range(n)]  # tasks reachable from t through prerequisites
        for t in reversed(order):
            for u, v in edges:
                if u == t:
                    reach[t] |= reach[v]
        free = [
            [u, v]
            for u in range(n)
            for v in range(u + 1, n)
            if u not in reach[v] and v not in reach[u]
        ]
        pairs = sorted(rng.sample(free, min(p, len(free))))
        makespan, starts = best_schedule(durations, edges, pairs)
        names = ", ".join(f"{LETTERS[t]} takes {d}" for t, d in enumerate(durations))
        lines = ", ".join(f"{LETTERS[u]} before {LETTERS[v]}" for u, v in edges)
        exclusive = ", ".join(f"{LETTERS[u]} and {LETTERS[v]}" for u, v in pairs)
        pair_text = f"Never at the same time (one machine): {exclusive}\n" if pairs else ""
        return Problem(
            PROMPT.format(durations=names, edges=lines, pairs=pair_text),
            render(starts),
            {
                "durations": durations,
                "edges": edges,
                "pairs": pairs,
                "makespan": makespan,
                "solution": starts,
            },
        )


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per task, prerequisite and exclusive pair, and one for the makespan."""
    durations: list[int] = task.metadata["durations"]
    edges, pairs = task.metadata["edges"], task.metadata["pairs"]
    n = len(durations)
    given = parse_labelled_ints(answer, LETTERS[:n], what="schedule")
    start = [given.get(LETTERS[t]) for t in range(n)]
    broken = []
    for t in range(n):
        if start[t] is None or start[t] < 0:
            problem = "has no start time" if start[t] is None else "starts before time 0"
            broken.append(f"task {LETTERS[t]} {problem}")
    for u, v in edges:
        if start[u] is None or start[v] is None or start[v] < start[u] + durations[u]:
            broken.append(f"task {LETTERS[v]} starts before task {LETTERS[u]} has finished")
    for u, v in pairs:
        if (
            start[u] is None
            or start[v] is None
            or (start[u] < start[v] + durations[v] and start[v] < start[u] + durations[u])
        ):
            broken.append(f"tasks {LETTERS[u]} and {LETTERS[v]} overlap")
    ends = [s + d for s, d in zip(start, durations, strict=True) if s is not None]
    if len(ends) < n or max(ends) != task.metadata["makespan"]:
        broken.append("the project does not finish as early as possible")
    total = n + len(edges) + len(pairs) + 1
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return render(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    starts, durations = task.metadata["solution"], task.metadata["durations"]
    u, v = task.metadata["edges"][0]
    early = list(starts)
    early[v] = starts[u] + durations[u] - 1  # before its prerequisite ends
    late = list(starts)
    last = max(range(len(starts)), key=lambda t: starts[t] + durations[t])
    late[last] += 1  # it has no successor: only the makespan breaks
    return {
        "before_prerequisite": render(early),
        "finishes_late": render(late),
        "task_missing": render(starts).rsplit(", ", 1)[0],
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """Every task at time 0, and the tasks one after another in the given (or reverse) order."""
    durations: list[int] = task.metadata["durations"]
    n = len(durations)

    def one_after_another(order: list[int]) -> str:
        starts, time = [0] * n, 0
        for t in order:
            starts[t], time = time, time + durations[t]
        return render(starts)

    return {
        "all_at_zero": render([0] * n),
        "one_after_another": one_after_another(list(range(n))),
        "one_after_another_reversed": one_after_another(list(range(n - 1, -1, -1))),
    }
