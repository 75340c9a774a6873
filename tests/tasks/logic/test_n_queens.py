from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.logic.n_queens import LEVELS, NQueensSource, check, mutations, reference, render
from rlvr.tasks.logic.rules import AnswerFormatError


def completions(n: int, givens: list[list[int]]) -> list[list[int]]:
    """Every valid placement that keeps the givens, by brute force over permutations."""
    fixed = {r: c for r, c in givens}
    return [
        list(p)
        for p in itertools.permutations(range(n))
        if all(p[r] == c for r, c in fixed.items())
        and len({r - c for r, c in enumerate(p)}) == n
        and len({r + c for r, c in enumerate(p)}) == n
    ]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), index=st.integers(0, 10**6), difficulty=st.integers(1, 3))
def test_every_valid_completion_scores_and_the_puzzle_is_solvable(seed, index, difficulty):
    task = NQueensSource(seed=seed, difficulty=difficulty)[index]
    solutions = completions(task.metadata["n"], task.metadata["givens"])
    assert task.metadata["solution"] in solutions
    for solution in solutions:  # any valid solution passes, not only the stored one
        assert check(task, render(solution)).solved


@pytest.mark.parametrize("difficulty", sorted(LEVELS))
def test_reference_solves_and_mutations_do_not(difficulty):
    for index in range(20):
        task = NQueensSource(seed=1, difficulty=difficulty)[index]
        assert check(task, reference(task)).solved
        for name, answer in mutations(task).items():
            result = check(task, answer)
            assert not result.solved and result.feedback, name


@pytest.mark.parametrize("answer", ["", "banana", "Q" * 1_000_000, "Q.\n.Q", "X..\n...\n..."])
def test_degenerate_answers(answer):
    task = NQueensSource(seed=0, difficulty=1)[0]
    start = time.perf_counter()
    with pytest.raises(AnswerFormatError):
        check(task, answer)
    assert time.perf_counter() - start < 0.5


def test_echoed_prompt_is_not_an_answer():
    task = NQueensSource(seed=0, difficulty=2)[0]
    with pytest.raises(AnswerFormatError):
        check(task, task.prompt)


def test_feedback_names_a_rule_without_the_solution():
    task = NQueensSource(seed=3, difficulty=4)[5]
    result = check(task, mutations(task)["queen_moved"])
    assert "column" in result.feedback or "diagonal" in result.feedback
    assert reference(task) not in result.feedback


def test_determinism_and_difficulty():
    a = [NQueensSource(seed=4, difficulty=d)[i] for d in LEVELS for i in range(5)]
    b = [NQueensSource(seed=4, difficulty=d)[i] for d in LEVELS for i in range(5)]
    assert a == b
    sizes = [NQueensSource(seed=0, difficulty=d)[0].metadata["n"] for d in sorted(LEVELS)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
