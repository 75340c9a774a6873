"""Search and optimisation puzzles: graph colouring, shortest path, Hanoi, water jugs, knapsack,
scheduling. One table drives the shared properties; each family's optimum is re-derived here by
an independent brute force."""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections import deque
from statistics import mean
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.logic import (
    graph_coloring,
    hanoi,
    knapsack,
    scheduling,
    shortest_path,
    water_jug,
)
from rlvr.tasks.logic.rules import AnswerFormatError
from rlvr.types import Task
from rlvr.verifiers.rules import RuleVerifier

# module, source class, a size that must grow with the difficulty
FAMILIES = {
    "graph-coloring": (
        graph_coloring,
        graph_coloring.GraphColoringSource,
        lambda m: m["vertices"] + len(m["edges"]),
    ),
    "shortest-path": (shortest_path, shortest_path.ShortestPathSource, lambda m: m["distance"]),
    "hanoi": (hanoi, hanoi.HanoiSource, lambda m: m["optimum"]),
    "water-jug": (
        water_jug,
        water_jug.WaterJugSource,
        lambda m: m["optimum"] * len(m["capacities"]),
    ),
    "knapsack": (knapsack, knapsack.KnapsackSource, lambda m: len(m["weights"])),
    "scheduling": (
        scheduling,
        scheduling.SchedulingSource,
        lambda m: len(m["durations"]) + len(m["edges"]) + len(m["pairs"]),
    ),
}
NAMES = sorted(FAMILIES)
LEVELS = range(1, 6)


def tasks(name: str, difficulty: int, count: int = 12, seed: int = 0) -> list[Task]:
    source = FAMILIES[name][1](seed=seed, difficulty=difficulty)
    return [source[i] for i in range(count)]


def module(name: str) -> ModuleType:
    return FAMILIES[name][0]


# -- the contract --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_family_name_matches_the_module(name):
    rules, source_class, _ = FAMILIES[name]
    assert source_class.family == name
    assert rules.__name__.rsplit(".", 1)[1] == name.replace("-", "_")


@pytest.mark.parametrize("difficulty", LEVELS)
@pytest.mark.parametrize("name", NAMES)
def test_reference_solves_and_mutations_do_not(name, difficulty):
    rules = module(name)
    for task in tasks(name, difficulty):
        assert "<answer></answer>" in task.prompt
        json.dumps(task.model_dump())
        assert rules.reference(task) == task.answer
        result = rules.check(task, rules.reference(task))
        assert result.solved, (task.id, result)
        near_misses = rules.mutations(task)
        assert len(near_misses) >= 2
        for label, answer in near_misses.items():
            broken = rules.check(task, answer)  # readable: a broken rule, not a format error
            assert not broken.solved, (task.id, label)
            assert broken.feedback
            assert answer.strip() != rules.reference(task).strip()


DEGENERATE = ["", "   \n", "banana", "A" * 1_000_000, "1 -> 2\n" * 150_000, "0, " * 400_000]


@pytest.mark.parametrize("name", NAMES)
def test_degenerate_answers_are_unreadable_or_wrong_and_fast(name):
    rules = module(name)
    for task in tasks(name, 3, count=3):
        for answer in [*DEGENERATE, task.prompt]:
            started = time.perf_counter()
            with contextlib.suppress(AnswerFormatError):
                assert not rules.check(task, answer).solved
            assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("name", NAMES)
def test_feedback_does_not_reveal_the_solution(name):
    rules = module(name)
    for task in tasks(name, 4, count=5):
        for answer in rules.mutations(task).values():
            assert rules.reference(task) not in rules.check(task, answer).feedback


# -- other correct answers pass ------------------------------------------------------------------


def test_any_proper_colouring_passes():
    for task in tasks("graph-coloring", 5):
        k = task.metadata["colours"]
        for shift in range(1, k):
            permuted = [(c - 1 + shift) % k + 1 for c in task.metadata["solution"]]
            answer = "\n".join(f"{graph_coloring.LETTERS[v]} = {c}" for v, c in enumerate(permuted))
            assert graph_coloring.check(task, answer).solved


def maze_task(grid: list[str]) -> Task:
    start = next((r, row.index("S")) for r, row in enumerate(grid) if "S" in row)
    return Task(
        id="shortest-path/hand",
        prompt="",
        metadata={"source": "shortest-path", "grid": grid, "distance": bfs_distance(grid, start)},
    )


def test_any_shortest_path_passes():
    task = maze_task(["S..", ".#.", "..G"])
    assert task.metadata["distance"] == 4
    for answer in ("R R D D", "DDRR", "down, down, right, right", "[r, r, d, d]"):
        assert shortest_path.check(task, answer).solved, answer
    assert shortest_path.check(task, "R D R D").feedback.startswith("move 2")  # the wall
    longer = shortest_path.check(task, "R R L R D D")
    assert (longer.satisfied, longer.feedback) == (
        2,
        "the path has 6 moves, which is not the fewest possible",
    )


def test_hanoi_reads_common_layouts():
    task = hanoi.HanoiSource(seed=2, difficulty=1)[0]
    moves = [line.split(" -> ") for line in hanoi.reference(task).splitlines()]
    for answer in (
        "\n".join(f"{i}. {a} to {b}" for i, (a, b) in enumerate(moves, 1)),
        ", ".join(f"({a} -> {b})" for a, b in moves),
        "\n".join(f"{a}->{b}" for a, b in moves),
    ):
        assert hanoi.check(task, answer).solved, answer
    with pytest.raises(AnswerFormatError):
        hanoi.check(task, "move the disk from 1 -> 3")


def test_water_jug_accepts_a_longer_solution_within_the_limit():
    for task in tasks("water-jug", 3):
        longer = "1. fill A\n2. empty A\n" + water_jug.reference(task).replace(
            "pour A B", "pour A into B"
        )
        assert len(longer.splitlines()) <= task.metadata["limit"]
        assert water_jug.check(task, longer).solved
    assert not water_jug.check(task, "fill D").solved  # a jug that does not exist: a broken rule


def test_any_optimal_knapsack_subset_passes():
    meta = {"weights": [2, 2, 3], "values": [3, 3, 1], "capacity": 2, "optimum": 3, "solution": [0]}
    task = Task(id="knapsack/hand", prompt="", metadata={"source": "knapsack", **meta})
    assert knapsack.optimum(meta["weights"], meta["values"], 2)[0] == 3
    assert knapsack.check(task, "1").solved
    assert knapsack.check(task, "[2]").solved
    assert knapsack.check(task, "item 2").solved
    assert not knapsack.check(task, "3").solved
    both = knapsack.check(task, "1, 2")  # over the capacity (and so above the optimum)
    assert (both.satisfied, both.feedback) == (2, "the total weight 4 is more than the capacity 2")
    assert knapsack.check(task, "4").feedback == "there is no item 4"


def test_any_optimal_schedule_passes():
    meta = {"durations": [3, 1, 2], "edges": [[0, 2], [1, 2]], "pairs": [], "makespan": 5}
    task = Task(id="scheduling/hand", prompt="", metadata={"source": "scheduling", **meta})
    assert scheduling.best_schedule(meta["durations"], meta["edges"], [])[0] == 5
    for b_start in (0, 1, 2):  # B has two units of slack
        assert scheduling.check(task, f"A: 0, B: {b_start}, C: 3").solved
    assert not scheduling.check(task, "A: 0, B: 3, C: 3").solved
    assert scheduling.check(task, "A starts at 0\nB starts at 1\nC starts at 3").solved


def test_exclusive_pairs_are_enforced():
    meta = {"durations": [2, 2], "edges": [], "pairs": [[0, 1]], "makespan": 4}
    task = Task(id="scheduling/pair", prompt="", metadata={"source": "scheduling", **meta})
    assert scheduling.best_schedule([2, 2], [], [[0, 1]])[0] == 4
    assert scheduling.check(task, "A: 2, B: 0").solved
    assert scheduling.check(task, "A: 0, B: 1").feedback == "tasks A and B overlap"


# -- optima re-derived independently -------------------------------------------------------------


def bfs_distance(grid: list[str], start: tuple[int, int]) -> int:
    queue, seen = deque([(start, 0)]), {start}
    while queue:
        (r, c), d = queue.popleft()
        if grid[r][c] == "G":
            return d
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            inside = 0 <= nr < len(grid) and 0 <= nc < len(grid[0])
            if inside and grid[nr][nc] != "#" and (nr, nc) not in seen:
                seen.add((nr, nc))
                queue.append(((nr, nc), d + 1))
    raise AssertionError("G is unreachable")


def jug_distance(capacities: list[int], target: int) -> int:
    start = (0,) * len(capacities)
    queue, seen = deque([(start, 0)]), {start}
    while queue:
        state, d = queue.popleft()
        if target in state:
            return d
        for i, j in itertools.product(range(len(state)), repeat=2):
            nexts = [
                (*state[:i], capacities[i], *state[i + 1 :]),
                (*state[:i], 0, *state[i + 1 :]),
            ]
            if i != j:
                moved = list(state)
                amount = min(state[i], capacities[j] - state[j])
                moved[i] -= amount
                moved[j] += amount
                nexts.append(tuple(moved))
            for nxt in nexts:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append((nxt, d + 1))
    raise AssertionError("the target is unreachable")


def hanoi_distance(position: list[int], target: int) -> int:
    goal = (target,) * len(position)
    queue, seen = deque([(tuple(position), 0)]), {tuple(position)}
    while queue:
        state, d = queue.popleft()
        if state == goal:
            return d
        tops = {}
        for disk in reversed(range(len(state))):
            tops[state[disk]] = disk  # the smallest disk on each peg wins
        for peg, disk in tops.items():
            for to in range(3):
                if to != peg and (to not in tops or tops[to] > disk):
                    nxt = (*state[:disk], to, *state[disk + 1 :])
                    if nxt not in seen:
                        seen.add(nxt)
                        queue.append((nxt, d + 1))
    raise AssertionError("unreachable")


def knapsack_brute_force(weights: list[int], values: list[int], capacity: int) -> int:
    n, best = len(weights), 0
    weight, value = [0] * (1 << n), [0] * (1 << n)
    for mask in range(1, 1 << n):
        low = (mask & -mask).bit_length() - 1
        weight[mask] = weight[mask & (mask - 1)] + weights[low]
        value[mask] = value[mask & (mask - 1)] + values[low]
        if weight[mask] <= capacity and value[mask] > best:
            best = value[mask]
    return best


def schedule_brute_force(
    durations: list[int], edges: list[list[int]], pairs: list[list[int]]
) -> int:
    """The smallest longest path over every order of the pairs, by plain recursion."""
    n, best = len(durations), None
    for order in itertools.product((0, 1), repeat=len(pairs)):
        before: list[list[int]] = [[] for _ in durations]
        for u, v in edges:
            before[v].append(u)
        for (u, v), flip in zip(pairs, order, strict=True):
            before[u if flip else v].append(v if flip else u)
        makespan = max(finish(t, before, durations, n) for t in range(n))
        best = makespan if best is None else min(best, makespan)
    return int(best)


def finish(t: int, before: list[list[int]], durations: list[int], depth: int) -> float:
    if depth < 0:
        return float("inf")  # deeper than the number of tasks: a cycle
    ends = (finish(u, before, durations, depth - 1) for u in before[t])
    return durations[t] + max(ends, default=0)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    seed=st.integers(0, 2**31),
    index=st.integers(0, 2**32 - 1),
    difficulty=st.integers(1, 5),
)
def test_instances_are_solvable_and_optimal(name, seed, index, difficulty):
    task = FAMILIES[name][1](seed=seed, difficulty=difficulty)[index]
    meta = task.metadata
    assert module(name).check(task, module(name).reference(task)).solved
    if name == "shortest-path":
        start = next((r, row.index("S")) for r, row in enumerate(meta["grid"]) if "S" in row)
        assert bfs_distance(meta["grid"], start) == meta["distance"] == len(task.answer.split())
    elif name == "water-jug":
        assert jug_distance(meta["capacities"], meta["target"]) == meta["optimum"]
        assert meta["limit"] == 2 * meta["optimum"]
    elif name == "hanoi":
        assert hanoi_distance(meta["position"], meta["target"]) == meta["optimum"]
    elif name == "knapsack":
        assert (
            knapsack_brute_force(meta["weights"], meta["values"], meta["capacity"])
            == meta["optimum"]
        )
    elif name == "scheduling":
        assert (
            schedule_brute_force(meta["durations"], meta["edges"], meta["pairs"])
            == meta["makespan"]
        )
    else:
        solution = meta["solution"]
        assert all(solution[u] != solution[v] for u, v in meta["edges"])
        assert set(solution) == set(range(1, meta["colours"] + 1))


# -- determinism and difficulty ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_and_seeded(name):
    source_class = FAMILIES[name][1]
    a, b = source_class(seed=5, difficulty=3), source_class(seed=5, difficulty=3)
    assert [a[i] for i in range(10)] == [b[i] for i in range(10)]
    other = source_class(seed=6, difficulty=3)
    assert sum(a[i].prompt != other[i].prompt for i in range(10)) >= 8


@pytest.mark.parametrize("name", NAMES)
def test_difficulty_grows(name):
    size = FAMILIES[name][2]
    means = [mean(size(t.metadata) for t in tasks(name, d, count=40)) for d in LEVELS]
    assert means == sorted(means) and means[0] < means[-1], means


# -- the logic verifier end to end ---------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_rule_verifier_end_to_end(name):
    binary, graded = RuleVerifier(), RuleVerifier(graded=True)
    for difficulty in (1, 5):
        task = tasks(name, difficulty, count=1)[0]
        verdict = binary.check(task, binary.reference_completion(task))
        assert verdict.reward == 1.0 and verdict.correct
        for label, completion in binary.known_bad_completions(task).items():
            assert binary.check(task, completion).reward == 0.0, label
        partial = [
            graded.check(task, f"<answer>\n{answer}\n</answer>").reward
            for answer in module(name).mutations(task).values()
        ]
        assert all(0 <= reward < 1 for reward in partial), partial  # credit: test_trivial_answers
