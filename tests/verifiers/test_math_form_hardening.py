"""Form-rule hardening: the audit's false positives of the math verifier now score 0.

Each audit completion (/tmp/audit_math, findings 1-7) is an adversarial negative here, next to the
correct forms that must keep scoring 1; the question echoes of math/fractions-v0 (level 2) and
math/powers-roots-v0 (level 5, rationalize) are swept over many seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import rlvr
from rlvr.types import Task
from rlvr.verifiers.math_verifier import MathVerifier

VERIFIER = MathVerifier()
NUMBER = {"answer_type": "number"}
FRACTION = {"answer_type": "number", "form": "fraction"}
RADICAL = {"answer_type": "expression", "form": "simplified"}
SYSTEM = {"answer_type": "tuple", "variables": ["x", "y"]}


def reward(gold: str, answer: str, metadata: dict[str, Any]) -> float:
    """The reward of ``\\boxed{answer}`` for a task with this gold and metadata."""
    task = Task(id="math/form", prompt="Answer in a box.", answer=gold, metadata=metadata)
    return VERIFIER.check(task, f"The answer is \\boxed{{{answer}}}.").reward


AUDIT_NEGATIVES = [
    # 1. an unevaluated factorial
    ("120", "5!", NUMBER),
    ("720", "6!", NUMBER),
    # 2. products written by juxtaposition
    ("256", "(4)(4)(4)(4)", NUMBER),
    ("120", "(5)(4)(3)(2)", NUMBER),
    ("20", "(4)(5)", NUMBER),
    ("273", "21(13)", NUMBER),
    # 3. divisions with ÷ and chains of fractions
    ("3/11", "12/11 ÷ 4", NUMBER),
    ("3/11", "12/11 \\div 4", NUMBER),
    ("3/11", "12/11/4", NUMBER),
    ("1/4", "2 ÷ 8", NUMBER),
    # 4. fractions not in lowest terms where a fraction is asked for
    ("2193/200", "10965/1000", FRACTION),
    ("3/10", "6/20", FRACTION),
    ("3/10", "\\frac{6}{20}", FRACTION),
    # 5. a root left in the denominator
    ("2*sqrt(33)/33", "2/sqrt(33)", RADICAL),
    ("2*sqrt(33)/33", "\\frac{2}{\\sqrt{33}}", RADICAL),
    ("2*sqrt(33)/33", "2 \\cdot 33^{-1/2}", RADICAL),
    ("sqrt(2)/2", "1/2^{1/2}", RADICAL),
    # a root of a fraction holds a root in its denominator
    ("sqrt(6)/3", "(2/3)^{1/2}", RADICAL),
    ("sqrt(6)/3", "(2/3)^{0.5}", RADICAL),
    ("sqrt(6)/3", "\\sqrt{2/3}", RADICAL),
    ("sqrt(6)/3", "\\sqrt{\\dfrac{2}{3}}", RADICAL),
    ("sqrt(6)/3", "sqrt(2/3)", RADICAL),
    ("sqrt(6)/3", "\\frac{2}{3}^{1/2}", RADICAL),
    ("sqrt(3)/2", "(3/4)^{1/2}", RADICAL),
    # 6. an unsimplified root written as a fractional power
    ("4*2^(1/3)", "128^{1/3}", RADICAL),
    ("7*sqrt(6)", "294^{1/2}", RADICAL),
    ("7*sqrt(6)", "294^(1/2)", RADICAL),
    # 7. labels that contradict the order of the values
    ("(-1, -2)", "y = -1, x = -2", SYSTEM),
    ("(-1, -2)", "(y, x) = (-1, -2)", SYSTEM),
    ("(-1, -2)", "a = -1, b = -2", SYSTEM),
    ("(-1, -2)", "x = -1, x = -2", SYSTEM),
]

CORRECT_FORMS = [
    ("120", "120", NUMBER),
    ("256", "256", NUMBER),
    ("3/11", "3/11", NUMBER),
    ("3/11", "\\frac{3}{11}", NUMBER),
    ("-3/11", "-\\frac{3}{11}", NUMBER),
    ("7", "14/2", NUMBER),  # documented: a fraction of two integers is free without a form
    ("25*pi", "25\\pi", NUMBER),
    ("2193/200", "2193/200", FRACTION),
    ("2193/200", "\\frac{2193}{200}", FRACTION),
    ("3/10", "3/10", FRACTION),
    ("2*sqrt(33)/33", "2*sqrt(33)/33", RADICAL),
    ("2*sqrt(33)/33", "\\frac{2\\sqrt{33}}{33}", RADICAL),
    ("2*sqrt(33)/33", "\\frac{2}{33}\\sqrt{33}", RADICAL),
    ("4*2^(1/3)", "4*2^(1/3)", RADICAL),
    ("4*2^(1/3)", "4\\sqrt[3]{2}", RADICAL),
    ("7*sqrt(6)", "7\\sqrt{6}", RADICAL),
    ("7*sqrt(6)", "7 \\cdot 6^{1/2}", RADICAL),
    ("sqrt(6)/3", "\\frac{6^{1/2}}{3}", RADICAL),
    ("sqrt(6)/3", "\\frac{1}{3}\\sqrt{6}", RADICAL),
    ("sqrt(3)/2", "\\frac12\\sqrt3", RADICAL),
    ("(-1, -2)", "(-1, -2)", SYSTEM),
    ("(-1, -2)", "y = -2, x = -1", SYSTEM),
    ("(-1, -2)", "(y, x) = (-2, -1)", SYSTEM),
    ("(-1, -2)", "(x, y) = (-1, -2)", SYSTEM),
    ("(-1, -2)", "x = -1, y = -2", SYSTEM),
]


@pytest.mark.parametrize(("gold", "answer", "metadata"), AUDIT_NEGATIVES)
def test_audit_false_positive_scores_zero(gold: str, answer: str, metadata: dict) -> None:
    assert reward(gold, answer, metadata) == 0.0


@pytest.mark.parametrize(("gold", "answer", "metadata"), CORRECT_FORMS)
def test_correct_form_scores_one(gold: str, answer: str, metadata: dict) -> None:
    assert reward(gold, answer, metadata) == 1.0


@pytest.mark.parametrize(
    ("gold", "answer", "metadata", "feedback"),
    [
        ("2193/200", "10965/1000", FRACTION, "lowest terms"),
        ("2*sqrt(33)/33", "2/sqrt(33)", RADICAL, "rationalize"),
        ("(2, 1)", "y = 1, z = 2", SYSTEM, "labels"),
    ],
)
def test_feedback_names_the_problem(gold: str, answer: str, metadata: dict, feedback: str) -> None:
    task = Task(id="math/form", prompt="Answer in a box.", answer=gold, metadata=metadata)
    assert feedback in VERIFIER.check(task, f"\\boxed{{{answer}}}").feedback


def _tasks(env_id: str, difficulty: int, keep: Callable[[Task], bool], seeds: int) -> list[Task]:
    """The tasks of ``env_id`` at ``difficulty`` for seeds ``0..seeds-1`` that ``keep`` selects."""
    env = rlvr.make(env_id, difficulty=difficulty)
    tasks = [env.reset(seed=seed)[1]["task"] for seed in range(seeds)]
    return [task for task in tasks if keep(task)]


def _assert_echo_fails(tasks: list[Task], minimum: int) -> None:
    """Every task's own ``echo_expression`` known-bad scores 0 and its reference scores 1."""
    echoes = 0
    for task in tasks:
        assert VERIFIER.check(task, VERIFIER.reference_completion(task)).reward == 1.0, task.id
        echo = VERIFIER.known_bad_completions(task).get("echo_expression")
        if echo is not None:
            echoes += 1
            assert VERIFIER.check(task, echo).reward == 0.0, (task.id, echo)
    assert echoes >= minimum


def test_fraction_echoes_fail_over_seeds() -> None:
    """Finding 3: level-2 "evaluate" echoes such as ``12/11 ÷ 4`` (30 of 227 passed before)."""
    tasks = _tasks("math/fractions-v0", 2, lambda t: t.metadata["kind"] == "evaluate", 400)
    _assert_echo_fails(tasks, minimum=200)


def test_rationalize_echoes_fail_over_seeds() -> None:
    """Finding 5: level-5 "rationalize" echoes such as ``2/sqrt(33)`` (43 of 99 passed before)."""
    tasks = _tasks("math/powers-roots-v0", 5, lambda t: t.metadata["kind"] == "rationalize", 500)
    _assert_echo_fails(tasks, minimum=80)


def test_fractional_power_echoes_fail_over_seeds() -> None:
    """Finding 6: ``m^{1/n}`` for ``sqrt(m)``/``cbrt(m)`` on level-4 "simplify-radical" tasks."""
    env = "math/powers-roots-v0"
    tasks = _tasks(env, 4, lambda t: t.metadata["kind"] == "simplify-radical", 300)
    assert len(tasks) >= 30
    for task in tasks:
        root, _, radicand = task.metadata["expression"].partition("(")
        index = 2 if root == "sqrt" else 3
        answer = f"\\boxed{{{radicand.rstrip(')')}^{{1/{index}}}}}"
        assert VERIFIER.check(task, answer).reward == 0.0, (task.id, answer)


def _labelled(names: list[str], values: list[str]) -> str:
    """``\\boxed{n1 = v1, n2 = v2, ...}`` with the names and values paired in order."""
    return "\\boxed{" + ", ".join(f"{n} = {v}" for n, v in zip(names, values, strict=True)) + "}"


@pytest.mark.parametrize("difficulty", [1, 3, 5])
def test_linear_system_labels_are_matched_by_name(difficulty: int) -> None:
    """Finding 7 on math/linear-systems-v0: values labelled in reverse order are read by name."""
    for task in _tasks("math/linear-systems-v0", difficulty, lambda t: True, 20):
        names, values = task.metadata["variables"], task.answer.strip("()").split(", ")
        reordered = _labelled(names[::-1], values[::-1])
        assert VERIFIER.check(task, reordered).reward == 1.0, (task.id, reordered)
        if values != values[::-1]:
            mislabelled = _labelled(names[::-1], values)
            assert VERIFIER.check(task, mislabelled).reward == 0.0, (task.id, mislabelled)
