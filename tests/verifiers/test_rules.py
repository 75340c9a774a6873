from __future__ import annotations

import pytest

from rlvr.tasks.logic.n_queens import NQueensSource, mutations, reference
from rlvr.types import Task
from rlvr.verifiers.rules import RuleVerifier, extract_puzzle_answer

TASK = NQueensSource(seed=2, difficulty=2)[3]
GOLD = reference(TASK)


@pytest.mark.parametrize(
    ("completion", "answer"),
    [
        (f"<answer>\n{GOLD}\n</answer>", GOLD),
        (f"thinking...\n<answer>x</answer> then <answer>\n{GOLD}\n</answer>", GOLD),
        (f"\\boxed{{{GOLD}}}", GOLD),
        (f"Here it is:\n```\n{GOLD}\n```", GOLD),
        (f"<think><answer>wrong</answer></think><answer>{GOLD}</answer>", GOLD),
        ("no answer here", None),
    ],
)
def test_extraction_policy(completion, answer):
    found, _ = extract_puzzle_answer(completion)
    assert (found.strip() if found else found) == answer


@pytest.mark.parametrize(
    ("completion", "status", "reward"),
    [
        (f"<answer>\n{GOLD}\n</answer>", "ok", 1.0),
        (f"<answer>\n{mutations(TASK)['queen_moved']}\n</answer>", "ok", 0.0),
        (f"<answer>{GOLD}</answer><answer>{mutations(TASK)['queen_moved']}</answer>", "ok", 0.0),
        ("I give up", "no_answer", 0.0),
        ("<answer>banana</answer>", "no_answer", 0.0),
        ("<answer>   </answer>", "no_answer", 0.0),
    ],
)
def test_statuses(completion, status, reward):
    verdict = RuleVerifier().verify(TASK, completion)
    assert (verdict.status, verdict.reward) == (status, reward)


def test_graded_credit_is_measured_from_the_best_trivial_answer_and_hides_the_solution():
    from rlvr.tasks.logic import sudoku

    task = sudoku.SudokuSource(seed=2, difficulty=3)[1]
    near_miss = sudoku.mutations(task)["cells_swapped"]
    raw = sudoku.check(task, near_miss)
    floor = max(
        result.satisfied / result.total
        for result in map(lambda a: sudoku.check(task, a), sudoku.trivial_answers(task).values())
    )
    assert 0 < floor < raw.satisfied / raw.total < 1
    verdict = RuleVerifier(graded=True).verify(task, f"<answer>\n{near_miss}\n</answer>")
    expected = (raw.satisfied / raw.total - floor) / (1 - floor)
    assert verdict.reward == pytest.approx(expected) and 0 < verdict.reward < 1
    assert not verdict.correct and verdict.feedback and task.answer not in verdict.feedback


def test_boards_that_take_no_reasoning_earn_nothing_in_graded_mode():
    n = TASK.metadata["n"]
    boards = {
        "empty": "\n".join("." * n for _ in range(n)),
        "diagonal": "\n".join("." * r + "Q" + "." * (n - r - 1) for r in range(n)),
    }
    for name, board in boards.items():
        verdict = RuleVerifier(graded=True).verify(TASK, f"<answer>\n{board}\n</answer>")
        assert (verdict.status, verdict.reward, verdict.correct) == ("ok", 0.0, False), name
    near_miss = RuleVerifier(graded=True).verify(
        TASK, f"<answer>\n{mutations(TASK)['queen_moved']}\n</answer>"
    )
    assert 0.0 < near_miss.reward < 1.0


@pytest.mark.parametrize("source", [None, "no-such-family", "../../os", "os.path"])
def test_unknown_family_is_an_error_not_a_wrong_answer(source):
    task = Task(id="t", prompt="p", answer="x", metadata={"source": source} if source else {})
    verdict = RuleVerifier().verify(task, "<answer>x</answer>")
    assert verdict.status == "error" and verdict.reward == 0.0


def test_known_bad_completions_all_fail():
    verifier = RuleVerifier()
    for name, completion in verifier.known_bad_completions(TASK).items():
        assert verifier.verify(TASK, completion).reward == 0.0, name
