"""Sudoku, futoshiki, nonogram and minesweeper: rules, references, near misses, uniqueness.

Uniqueness of small puzzles is re-checked here by brute force written independently of the
families' solvers (plain enumeration, no bitmasks or propagation).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.logic import futoshiki, minesweeper, nonogram, sudoku
from rlvr.tasks.logic.rules import AnswerFormatError
from rlvr.types import Task
from rlvr.verifiers.rules import RuleVerifier

# -- independent brute force -----------------------------------------------------------------------


def _sudoku_4x4_grids() -> list[tuple[tuple[int, ...], ...]]:
    grids = []

    def extend(rows):
        if len(rows) == 4:
            grids.append(tuple(rows))
            return
        for row in itertools.permutations(range(1, 5)):
            columns_ok = all(row[c] != other[c] for other in rows for c in range(4))
            box_ok = len(rows) % 2 == 0 or all(
                {row[c], row[c + 1]}.isdisjoint({rows[-1][c], rows[-1][c + 1]}) for c in (0, 2)
            )
            if columns_ok and box_ok:
                extend([*rows, row])

    extend([])
    return grids


SUDOKU_4X4 = _sudoku_4x4_grids()


def sudoku_solutions(task: Task) -> list:
    puzzle = task.metadata["puzzle"]
    return [
        [list(row) for row in grid]
        for grid in SUDOKU_4X4
        if all(not d or grid[r][c] == d for r, row in enumerate(puzzle) for c, d in enumerate(row))
    ]


def futoshiki_solutions(task: Task) -> list:
    n = task.metadata["n"]
    givens = [[(c, v) for r, c, v in task.metadata["givens"] if r == k] for k in range(n)]
    less = [[q for q in task.metadata["inequalities"] if max(q[0], q[2]) == k] for k in range(n)]
    rows = list(itertools.permutations(range(1, n + 1)))
    found: list = []

    def extend(grid: list) -> None:
        k = len(grid)
        if k == n:
            found.append([list(row) for row in grid])
            return
        for row in rows:
            if len(found) > 2:
                return
            if (
                all(row[c] != other[c] for other in grid for c in range(n))
                and all(row[c] == v for c, v in givens[k])
                and all(
                    (grid[r1] if r1 < k else row)[c1] < (grid[r2] if r2 < k else row)[c2]
                    for r1, c1, r2, c2 in less[k]
                )
            ):
                extend([*grid, row])

    extend([])
    return found


def _runs(line) -> list[int]:
    text = "".join("#" if cell else "." for cell in line)
    return [len(run) for run in text.split(".") if run]


def nonogram_solutions(task: Task) -> list:
    n = task.metadata["n"]
    rows, cols = task.metadata["row_clues"], task.metadata["col_clues"]
    patterns = list(itertools.product((0, 1), repeat=n))
    options = [[p for p in patterns if _runs(p) == clue] for clue in rows]
    return [
        ["".join("#" if cell else "." for cell in row) for row in grid]
        for grid in itertools.product(*options)
        if all(_runs(col) == cols[c] for c, col in enumerate(zip(*grid, strict=True)))
    ]


def minesweeper_solutions(task: Task) -> list:
    board = [row.split() for row in task.metadata["board"]]
    n = len(board)
    hidden = [(r, c) for r in range(n) for c in range(n) if board[r][c] == "?"]
    numbers = [(r, c, int(board[r][c])) for r in range(n) for c in range(n) if board[r][c] != "?"]
    found = []
    for size in range(len(hidden) + 1):
        for mines in itertools.combinations(hidden, size):
            chosen = set(mines)
            if all(
                sum((r + dr, c + dc) in chosen for dr in (-1, 0, 1) for dc in (-1, 0, 1)) == k
                for r, c, k in numbers
            ):
                found.append(sorted([r, c] for r, c in chosen))
    return found


# -- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    module: object
    source: type
    small_levels: tuple[int, ...]
    brute_force: Callable[[Task], list]
    stored_solution: Callable[[Task], object]
    own_count: Callable[[Task], int]
    measure: Callable[[Task], tuple[float, float]]
    variants: Callable[[Task], list[str]]


def _flat(grid) -> list[int]:
    return [v for row in grid for v in row]


FAMILIES = {
    "sudoku": Family(
        sudoku,
        sudoku.SudokuSource,
        (1, 2),
        sudoku_solutions,
        lambda t: t.metadata["solution"],
        lambda t: len(
            sudoku.solve(_flat(t.metadata["puzzle"]), t.metadata["n"], *t.metadata["box"])
        ),
        lambda t: (t.metadata["n"], _flat(t.metadata["puzzle"]).count(0)),
        lambda t: [
            "\n".join("".join(map(str, row)) for row in t.metadata["solution"]),
            "\n".join(" | ".join(map(str, row)) for row in t.metadata["solution"]),
        ],
    ),
    "futoshiki": Family(
        futoshiki,
        futoshiki.FutoshikiSource,
        (1, 2),
        futoshiki_solutions,
        lambda t: t.metadata["solution"],
        lambda t: len(
            futoshiki.solve(
                t.metadata["n"],
                [(r * t.metadata["n"] + c, v) for r, c, v in t.metadata["givens"]],
                [
                    (r1 * t.metadata["n"] + c1, r2 * t.metadata["n"] + c2)
                    for r1, c1, r2, c2 in t.metadata["inequalities"]
                ],
            )
        ),
        lambda t: (
            t.metadata["n"],
            -len(t.metadata["givens"]) - len(t.metadata["inequalities"]),
        ),
        lambda t: [
            "\n".join(", ".join(map(str, row)) for row in t.metadata["solution"]),
            "[" + "]\n[".join(" ".join(map(str, row)) for row in t.metadata["solution"]) + "]",
        ],
    ),
    "nonogram": Family(
        nonogram,
        nonogram.NonogramSource,
        (1,),
        nonogram_solutions,
        lambda t: t.metadata["solution"],
        lambda t: nonogram.count_solutions(t.metadata["row_clues"], t.metadata["col_clues"]),
        lambda t: (t.metadata["n"], 0),
        lambda t: [
            "\n".join(" ".join(row) for row in t.metadata["solution"]),
            "\n".join(row.replace("#", "X").replace(".", "_") for row in t.metadata["solution"]),
        ],
    ),
    "minesweeper": Family(
        minesweeper,
        minesweeper.MinesweeperSource,
        (1, 2),
        minesweeper_solutions,
        lambda t: sorted(t.metadata["mines"]),
        lambda t: minesweeper.count_placements(
            t.metadata["n"],
            {
                r * t.metadata["n"] + c
                for r, row in enumerate(t.metadata["board"])
                for c, cell in enumerate(row.split())
                if cell == "?"
            },
            {
                r * t.metadata["n"] + c: int(cell)
                for r, row in enumerate(t.metadata["board"])
                for c, cell in enumerate(row.split())
                if cell != "?"
            },
        ),
        lambda t: (t.metadata["n"], sum(row.split().count("?") for row in t.metadata["board"])),
        lambda t: [
            ",".join(f"({r + 1},{c + 1})" for r, c in reversed(t.metadata["mines"])),
            "[" + ", ".join(f"({r + 1}, {c + 1})" for r, c in t.metadata["mines"] * 2) + "]",
        ],
    ),
}
NAMES = sorted(FAMILIES)
LEVELS = range(1, 6)
SEEDS = st.integers(0, 2**16)
INDICES = st.integers(0, 2**20)


def task_of(name: str, seed: int, difficulty: int, index: int) -> Task:
    return FAMILIES[name].source(seed=seed, difficulty=difficulty)[index]


def some_tasks(name: str, count: int = 3):
    for difficulty in LEVELS:
        for index in range(count):
            yield task_of(name, 11, difficulty, index)


# -- rules, references and near misses ------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_reference_solves_every_level(name):
    module = FAMILIES[name].module
    for task in some_tasks(name):
        result = module.check(task, module.reference(task))
        assert result.solved and result.total >= 2, (task.id, result)
        assert task.answer == module.reference(task)
        assert task.metadata["source"] == name
        assert Task.model_validate_json(json.dumps(task.model_dump())) == task


@pytest.mark.parametrize("name", NAMES)
def test_every_mutation_breaks_a_rule(name):
    module = FAMILIES[name].module
    for task in some_tasks(name):
        near_misses = module.mutations(task)
        assert len(near_misses) >= 2
        for label, answer in near_misses.items():
            result = module.check(task, answer)
            assert not result.solved, (task.id, label)
            assert 0 < result.satisfied < result.total, (task.id, label, result)
            assert result.feedback and module.reference(task) not in result.feedback


@pytest.mark.parametrize("name", NAMES)
def test_other_spellings_of_the_solution_are_read(name):
    family = FAMILIES[name]
    for task in some_tasks(name, count=1):
        for answer in family.variants(task):
            assert family.module.check(task, answer).solved, (task.id, answer)


@pytest.mark.parametrize("name", NAMES)
def test_degenerate_answers_score_nothing_quickly(name):
    module = FAMILIES[name].module
    for difficulty in (1, 5):
        task = task_of(name, 2, difficulty, 0)
        junk = ["", "   ", "banana", task.prompt, "1 " * 500_000, "#" * 1_000_000, "(1, 1)" * 10]
        for answer in junk:
            start = time.perf_counter()
            try:
                solved = module.check(task, answer).solved
            except AnswerFormatError:
                solved = False
            assert not solved, (task.id, answer[:50])
            assert time.perf_counter() - start < 0.5


# -- uniqueness ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, index=INDICES, data=st.data())
def test_small_puzzles_have_one_solution_by_brute_force(name, seed, index, data):
    family = FAMILIES[name]
    difficulty = data.draw(st.sampled_from(family.small_levels))
    task = task_of(name, seed, difficulty, index)
    solutions = family.brute_force(task)
    assert solutions == [family.stored_solution(task)]
    assert family.module.check(task, family.module.reference(task)).solved


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=st.integers(1, 5))
def test_generated_puzzles_are_solvable_and_unique(name, seed, index, difficulty):
    family = FAMILIES[name]
    task = task_of(name, seed, difficulty, index)
    assert family.module.check(task, family.module.reference(task)).solved
    assert family.own_count(task) == 1


# -- determinism and difficulty --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_generation_is_deterministic_and_order_independent(name):
    source = FAMILIES[name].source
    for difficulty in (1, 4):
        forward = [source(seed=5, difficulty=difficulty)[i] for i in range(4)]
        fresh = source(seed=5, difficulty=difficulty)
        backward = [fresh[i] for i in reversed(range(4))][::-1]
        assert forward == backward
        assert forward[2] == source(seed=5, difficulty=difficulty)[2]
        assert len({task.prompt for task in forward}) == 4
        other_seed = [source(seed=6, difficulty=difficulty)[i] for i in range(4)]
        assert all(a.prompt != b.prompt for a, b in zip(forward, other_seed, strict=True))


@pytest.mark.parametrize("name", NAMES)
def test_difficulty_grows(name):
    family = FAMILIES[name]
    means = []
    for difficulty in LEVELS:
        measures = [family.measure(task_of(name, 3, difficulty, i)) for i in range(6)]
        means.append(tuple(mean(m[k] for m in measures) for k in (0, 1)))
    assert means == sorted(means) and len(set(means)) == len(means), means
    prompts = [len(task_of(name, 3, d, 0).prompt) for d in (1, 5)]
    assert prompts[0] < prompts[1]


# -- the verifier end to end -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_rule_verifier_end_to_end(name):
    module = FAMILIES[name].module
    binary, graded = RuleVerifier(), RuleVerifier(graded=True)
    for difficulty in (1, 3, 5):
        task = task_of(name, 8, difficulty, 1)
        verdict = binary.verify(task, f"<answer>\n{module.reference(task)}\n</answer>")
        assert verdict.reward == 1.0 and verdict.correct, verdict
        assert binary.verify(task, binary.reference_completion(task)).reward == 1.0
        for answer in module.mutations(task).values():
            partial = graded.verify(task, f"<answer>\n{answer}\n</answer>")
            assert 0 <= partial.reward < 1 and not partial.correct, partial
        for label, completion in binary.known_bad_completions(task).items():
            assert binary.verify(task, completion).reward == 0.0, label
