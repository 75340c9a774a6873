"""Tests for ExactVerifier and NumericVerifier."""

from __future__ import annotations

import time
from typing import Any

import pytest

from rlvr.types import Task
from rlvr.verifiers.base import BaseVerifier
from rlvr.verifiers.exact import ExactVerifier, NumericVerifier

B = "\\boxed"


def task(answer: Any, task_id: str = "t/1") -> Task:
    return Task(id=task_id, prompt="Compute the thing. Put the answer in a box.", answer=answer)


EXACT_GOLDS = ["7919", "0", "Paris", "x^2+1", "-3/4", "$\\frac{1}{2}$", "YES", 12]
NUMERIC_GOLDS = ["7919", "0", "-3/4", "0.5", "1,234", "\\frac{2}{3}", 1e-05, -12, 2.5]
CASES = [(ExactVerifier(), g) for g in EXACT_GOLDS]
CASES += [(ExactVerifier(case_sensitive=False), g) for g in EXACT_GOLDS]
CASES += [(NumericVerifier(), g) for g in NUMERIC_GOLDS]


@pytest.mark.parametrize(("verifier", "gold"), CASES, ids=repr)
def test_reference_completion_scores_one(verifier: BaseVerifier, gold: Any) -> None:
    t = task(gold)
    verdict = verifier.verify(t, verifier.reference_completion(t))
    assert verdict.reward == 1.0 and verdict.correct and verdict.status == "ok"
    assert verdict.components == {"correctness": 1.0}
    assert verdict.answer is not None


@pytest.mark.parametrize(("verifier", "gold"), CASES, ids=repr)
def test_known_bad_completions_score_zero(verifier: BaseVerifier, gold: Any) -> None:
    t = task(gold)
    bad = verifier.known_bad_completions(t)
    expected = {"wrong", "multi_box", "or_answers", "digit_spray", "gold_in_text", "empty_box"}
    assert expected <= set(bad)
    for name, completion in bad.items():
        verdict = verifier.verify(t, completion)
        assert verdict.reward == 0.0 and not verdict.correct, name
        assert verdict.status != "error", name


def test_numeric_has_negated_unless_zero() -> None:
    v = NumericVerifier()
    assert "negated" in v.known_bad_completions(task("5"))
    assert "negated" not in v.known_bad_completions(task("0"))


EXACT_STATUS_CASES = [
    ("", "no_answer", 0.0, None),
    ("I do not know", "no_answer", 0.0, None),
    (f"{B}{{}}", "no_answer", 0.0, ""),
    (f"{B}{{$ $}}", "no_answer", 0.0, "$ $"),
    (f"{B}{{Paris}}", "ok", 1.0, "Paris"),
    (f"{B}{{ $\\text{{Paris}}$ }}.", "ok", 1.0, "$\\text{Paris}$"),
    ("<answer>Paris</answer>", "ok", 1.0, "Paris"),
    ("The answer is **Paris**.", "ok", 1.0, "Paris"),
    (f"{B}{{paris}}", "ok", 0.0, "paris"),
    (f"{B}{{Paris}}{B}{{Rome}}", "ok", 0.0, "Rome"),
    (f"{B}{{Paris}}{B}{{Paris}}", "ok", 1.0, "Paris"),
    (f"<think>{B}{{Rome}}</think>{B}{{Paris}}", "ok", 1.0, "Paris"),
]


@pytest.mark.parametrize(("completion", "status", "reward", "answer"), EXACT_STATUS_CASES)
def test_exact_statuses(completion: str, status: str, reward: float, answer: str | None) -> None:
    verdict = ExactVerifier().verify(task("Paris"), completion)
    assert (verdict.status, verdict.reward, verdict.answer) == (status, reward, answer)
    assert verdict.correct == (reward == 1.0)


def test_exact_case_insensitive() -> None:
    assert ExactVerifier(case_sensitive=False).verify(task("Paris"), f"{B}{{PARIS}}").correct
    assert not ExactVerifier().verify(task("Paris"), f"{B}{{PARIS}}").correct


NUMERIC_STATUS_CASES = [
    ("", "no_answer", 0.0, None),
    ("no idea", "no_answer", 0.0, None),
    (f"{B}{{}}", "no_answer", 0.0, ""),
    (f"{B}{{0.5}}", "ok", 1.0, "0.5"),
    (f"{B}{{\\frac{{1}}{{2}}}}", "ok", 1.0, "\\frac{1}{2}"),
    (f"{B}{{0.5}}{B}{{1/2}}", "ok", 1.0, "1/2"),
    (f"{B}{{0.5}}{B}{{0.6}}", "ok", 0.0, "0.6"),
    (f"{B}{{0.5}}{B}{{half}}", "ok", 0.0, "half"),
    (f"{B}{{half}}", "ok", 0.0, "half"),
    (f"{B}{{50%}}", "ok", 0.0, "50%"),
    ("so it is 1/2", "ok", 1.0, "1/2"),
    ("The answer is $.5$.", "ok", 1.0, ".5"),
    ("I tried 0.5 but it is 0.7", "ok", 0.0, "0.7"),
]


@pytest.mark.parametrize(("completion", "status", "reward", "answer"), NUMERIC_STATUS_CASES)
def test_numeric_statuses(completion: str, status: str, reward: float, answer: str | None) -> None:
    verdict = NumericVerifier().verify(task("1/2"), completion)
    assert (verdict.status, verdict.reward, verdict.answer) == (status, reward, answer)
    assert verdict.components.get("correctness", 0.0) == reward


def test_feedback_messages() -> None:
    no_answer = ExactVerifier().verify(task("7919"), "hmm")
    assert "\\boxed" in no_answer.feedback
    several = ExactVerifier().verify(task("a"), f"{B}{{b}}{B}{{c}}")
    assert "several different final answers" in several.feedback
    assert "'b'" in several.feedback and "'c'" in several.feedback
    not_number = NumericVerifier().verify(task("7919"), f"{B}{{seven}}")
    assert "is not a number" in not_number.feedback


WRONG_FOR_7919 = [
    f"{B}{{7918}}",
    f"{B}{{-7918}}",
    f"{B}{{7920}}",
    f"{B}{{7,919.5}}",
    f"{B}{{seven thousand}}",
    f"{B}{{1}}{B}{{2}}",
    f"{B}{{}}",
    "nothing here",
    "The answer is 7918.",
    "x" * 5000,
]


@pytest.mark.parametrize("verifier", [ExactVerifier(), NumericVerifier()], ids=repr)
@pytest.mark.parametrize("completion", WRONG_FOR_7919)
def test_feedback_never_leaks_gold(verifier: BaseVerifier, completion: str) -> None:
    verdict = verifier.verify(task("7919"), completion)
    assert verdict.reward == 0.0
    assert "7919" not in verdict.feedback


def test_feedback_is_bounded() -> None:
    verdict = ExactVerifier().verify(task("a"), f"{B}{{{'z' * 10_000}}}")
    assert verdict.reward == 0.0 and len(verdict.feedback) < 400
    many = "".join(f"{B}{{{i}}}" for i in range(100))
    assert len(NumericVerifier().verify(task("1"), many).feedback) < 2000


@pytest.mark.parametrize("verifier", [ExactVerifier(), NumericVerifier()], ids=repr)
@pytest.mark.parametrize("completion", [None, b"\\boxed{1}", 1, ["1"]])
def test_non_str_completion_raises(verifier: BaseVerifier, completion: Any) -> None:
    with pytest.raises(TypeError):
        verifier.verify(task("1"), completion)


@pytest.mark.parametrize("verifier", [ExactVerifier(), NumericVerifier()], ids=repr)
def test_over_long_completion_is_no_answer_quickly(verifier: BaseVerifier) -> None:
    completion = f"{B}{{1}}" + "9" * verifier.max_completion_chars
    start = time.process_time()  # CPU time: immune to a busy machine, not to a slow parse
    verdict = verifier.verify(task("1"), completion)
    assert time.process_time() - start < 0.1
    assert verdict.status == "no_answer" and verdict.reward == 0.0


@pytest.mark.parametrize("verifier", [ExactVerifier(), NumericVerifier()], ids=repr)
def test_max_size_adversarial_completion_is_fast(verifier: BaseVerifier) -> None:
    completion = (B + "{") * (verifier.max_completion_chars // 7)
    start = time.perf_counter()
    verdict = verifier.verify(task("1"), completion)
    assert time.perf_counter() - start < verifier.timeout
    assert verdict.reward == 0.0


@pytest.mark.parametrize("gold", ["Paris", None, "", "1/0", True, [1, 2]])
def test_numeric_unparsable_gold_is_error(gold: Any) -> None:
    verdict = NumericVerifier().verify(task(gold, task_id="bad/7"), f"{B}{{1}}")
    assert verdict.status == "error" and verdict.reward == 0.0
    assert "bad/7" in verdict.feedback


@pytest.mark.parametrize("gold", [None, "", "  ", "$ $"])
def test_exact_unusable_gold_is_error(gold: Any) -> None:
    verdict = ExactVerifier().verify(task(gold, task_id="bad/8"), f"{B}{{1}}")
    assert verdict.status == "error" and "bad/8" in verdict.feedback


def test_verifier_metadata() -> None:
    assert (ExactVerifier.name, ExactVerifier.version, ExactVerifier.timeout) == ("exact", "1", 1.0)
    assert (NumericVerifier.name, NumericVerifier.version) == ("numeric", "1")
    assert NumericVerifier.timeout == 1.0
