"""Tests for MathVerifier: statuses, caching, multi-part grading, tolerance, feedback, hooks."""

from __future__ import annotations

import pickle
import time
from typing import Any

import pytest

import rlvr.verifiers
from rlvr.types import Task
from rlvr.verifiers.math_verifier import MathVerifier


def B(answer: str) -> str:
    return f"\\boxed{{{answer}}}"


def task(answer: Any, **metadata: Any) -> Task:
    return Task(
        id="math/1", prompt="Solve it and box the answer.", answer=answer, metadata=metadata
    )


def test_registered_as_math() -> None:
    verifier = rlvr.verifiers.get("math", bounded=False)
    assert isinstance(verifier, MathVerifier)
    assert (verifier.name, verifier.version, verifier.timeout) == ("math", "1", 2.0)
    assert "math" in rlvr.verifiers.names()


def test_bounded_math_verifier_round_trips_through_a_worker() -> None:
    verifier = rlvr.verifiers.get("math", graded=True)
    verdict = verifier.verify(task(["3", "4"]), B("3, 5"))
    assert (verdict.reward, verdict.status) == (0.5, "ok")
    assert pickle.loads(pickle.dumps(MathVerifier(graded=True))).graded


@pytest.mark.parametrize(
    ("completion", "status", "reward", "answer"),
    [
        ("", "no_answer", 0.0, None),
        ("no idea", "no_answer", 0.0, None),
        (B(""), "no_answer", 0.0, ""),
        (B("\\frac{1}{2}"), "ok", 1.0, "\\frac{1}{2}"),
        (B("1/3"), "ok", 0.0, "1/3"),
        (B("1") + B("2"), "ok", 0.0, "2"),
        (B("1 or 2"), "ok", 0.0, "1 or 2"),
        (B("\\frac{1}{"), "ok", 0.0, None),
    ],
)
def test_statuses(completion: str, status: str, reward: float, answer: str | None) -> None:
    verdict = MathVerifier().verify(task("1/2"), completion)
    assert (verdict.status, verdict.reward) == (status, reward)
    if answer is not None:
        assert verdict.answer == answer
    if status == "ok":
        assert verdict.components == {"correctness": reward}


def test_several_answers_are_listed_in_feedback() -> None:
    verdict = MathVerifier().verify(task("5"), B("3") + B("4"))
    assert verdict.reward == 0 and "several different final answers" in verdict.feedback
    assert "'3'" in verdict.feedback and "'4'" in verdict.feedback


def test_unparseable_answer_says_why() -> None:
    verdict = MathVerifier().verify(task("5"), B("1 or 2"))
    assert verdict.status == "ok" and "could not read" in verdict.feedback


@pytest.mark.parametrize(
    ("answer", "metadata"),
    [
        ("1 +", {}),
        ("", {}),
        (None, {}),
        ([], {}),
        ("5", {"answer_type": "vector"}),
        ("5", {"tolerance": -1}),
        ("5", {"tolerance": "small"}),
        (["1", "2"], {"answer_type": ["number"]}),
        ("x^2", {"answer_type": "antiderivative", "variable": "2"}),
    ],
)
def test_unusable_gold_or_metadata_is_an_error(answer: Any, metadata: dict[str, Any]) -> None:
    verdict = MathVerifier().verify(task(answer, **metadata), B("5"))
    assert verdict.status == "error" and verdict.reward == 0


def test_invalid_constructor_tolerance() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        MathVerifier(tolerance=-0.1)


# -- tolerance -----------------------------------------------------------------------------------


def test_tolerance_from_constructor_and_metadata() -> None:
    assert not MathVerifier().verify(task("1/3"), B("0.33")).correct
    assert MathVerifier(tolerance=0.02).verify(task("1/3"), B("0.33")).correct
    assert not MathVerifier(tolerance=0.02).verify(task("1/3", tolerance=0.001), B("0.33")).correct
    assert MathVerifier().verify(task("1/3", tolerance=0.02), B("0.33")).correct
    assert MathVerifier(tolerance=0.01).verify(task("pi"), B("3.14")).correct
    assert not MathVerifier(tolerance=0.01).verify(task("pi"), B("3")).correct
    assert MathVerifier().verify(task("0", tolerance=0.01), B("0.001")).correct
    assert MathVerifier().verify(task("(1/3, 2)", tolerance=0.01), B("(0.333, 2)")).correct
    nested = B("\\sqrt{5 + 2\\sqrt{6}}")
    assert MathVerifier().verify(task("sqrt(3) + sqrt(2)", tolerance=0), nested).correct
    assert (
        MathVerifier()
        .verify(task("x + 1", answer_type="expression", tolerance=0), B("1+x"))
        .correct
    )


# -- multi-part ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completion", "binary", "graded"),
    [
        (B("1, 2, 3"), 1.0, 1.0),
        (B("1") + B("2") + B("3"), 1.0, 1.0),
        (B("1, 2, 4"), 0.0, 2 / 3),
        (B("1") + B("5") + B("4"), 0.0, 1 / 3),
        (B("3, 2, 1"), 0.0, 1 / 3),
        (B("1, 2"), 0.0, 0.0),
        (B("1, 2, 3, 4"), 0.0, 0.0),
        (B("1") + B("2"), 0.0, 0.0),
        (B(""), 0.0, 0.0),
    ],
)
def test_multi_part(completion: str, binary: float, graded: float) -> None:
    t = task(["1", "2", "3"], parts=["a", "b", "c"])
    assert MathVerifier().verify(t, completion).reward == binary
    verdict = MathVerifier(graded=True).verify(t, completion)
    assert verdict.reward == pytest.approx(graded)
    assert verdict.correct == (graded == 1.0)


def test_multi_part_feedback_names_the_wrong_parts() -> None:
    verdict = MathVerifier(graded=True).verify(task(["1", "2"], parts=["(a)", "(b)"]), B("1, 5"))
    assert verdict.feedback == "1 of 2 parts correct; wrong: (b)"


def test_multi_part_with_collections_and_types() -> None:
    t = task(["{1, 2}", "(3, 4)", "x^2"], answer_type=["set", "tuple", "expression"])
    assert MathVerifier().verify(t, B("\\{2, 1\\}, (3, 4), x \\cdot x")).correct
    assert MathVerifier(graded=True).verify(t, B("\\{2, 1\\}, (4, 3), x^2")).reward == 2 / 3


# -- caching -------------------------------------------------------------------------------------


def test_cache_hits_and_speed() -> None:
    MathVerifier.cache_clear()
    verifier = MathVerifier()
    t = task("sqrt(3) + sqrt(2)", answer_type="number")
    completion = B("\\sqrt{5 + 2\\sqrt{6}}")
    start = time.perf_counter()
    first = verifier.verify(t, completion)
    cold = time.perf_counter() - start
    before = MathVerifier.cache_info()
    start = time.perf_counter()
    second = verifier.verify(t, completion)
    warm = time.perf_counter() - start
    after = MathVerifier.cache_info()
    assert first == second and first.correct
    assert after.hits == before.hits + 1 and after.misses == before.misses
    assert warm < cold
    MathVerifier.cache_clear()
    assert MathVerifier.cache_info().currsize == 0


def test_cache_key_includes_metadata() -> None:
    verifier = MathVerifier()
    assert not verifier.verify(task("1/3"), B("0.33")).correct
    assert verifier.verify(task("1/3", tolerance=0.05), B("0.33")).correct
    assert not verifier.verify(task("1/2", answer_type="number"), B("50\\%")).correct
    assert verifier.verify(task("1/2", answer_type="number", percent=True), B("50\\%")).correct


# -- feedback never contains the gold ------------------------------------------------------------

SECRET_GOLDS = [
    ("987654321", {}),
    ("31415/2718", {}),
    ("sqrt(7919)", {"answer_type": "number"}),
    ("7919*x^3 - 12", {"answer_type": "expression"}),
    ("{-7919, 4242}", {"answer_type": "set"}),
    ("(7919, -4242)", {"answer_type": "tuple"}),
    ("[7919, 9973)", {"answer_type": "interval"}),
    ("y = 7919*x + 4242", {"answer_type": "equation"}),
    ("[[7919, 1], [1, 4242]]", {"answer_type": "matrix"}),
    ("7919*x^2", {"answer_type": "antiderivative"}),
    (["7919", "4242"], {}),
]
WRONG_COMPLETIONS = [
    "",
    "I give up",
    B(""),
    B("1"),
    B("1") + B("2"),
    B("1 or 2"),
    B("\\frac{1}{"),
    B("(1, 2)"),
    B("\\{1\\}"),
    B("y = x"),
    B("1, 2"),
    B("9" * 300),
]


@pytest.mark.parametrize(("gold", "metadata"), SECRET_GOLDS, ids=repr)
def test_feedback_never_contains_the_gold(gold: Any, metadata: dict[str, Any]) -> None:
    verifier = MathVerifier(graded=True)
    t = task(gold, **metadata)
    secrets = ["7919", "4242", "987654321", "31415", "9973"]
    for completion in WRONG_COMPLETIONS:
        verdict = verifier.verify(t, completion)
        assert not verdict.correct
        for secret in secrets:
            assert secret not in verdict.feedback, (completion, verdict.feedback)


# -- checker hooks -------------------------------------------------------------------------------

HOOK_GOLDS: list[tuple[Any, dict[str, Any]]] = [
    ("7", {}),
    ("0", {}),
    ("-12", {"answer_type": "number"}),
    ("3/4", {}),
    ("0.25", {}),
    (12, {}),
    (2.5, {}),
    ("2*pi", {"answer_type": "number"}),
    ("pi", {}),
    ("e", {}),
    ("sqrt(2)/2", {"answer_type": "number"}),
    ("100 - 25*pi", {"answer_type": "number"}),
    ("9*sqrt(3)/4", {"answer_type": "number"}),
    ("log(2)", {}),
    ("3*x^2 - 2*x + 1", {"answer_type": "expression"}),
    ("sin(x)*exp(x)", {"answer_type": "expression"}),
    ("{-2, 3}", {"answer_type": "set"}),
    ("{0}", {"answer_type": "set"}),
    ("{1, 2, 3}", {"answer_type": "set"}),
    ("{}", {"answer_type": "set"}),
    ("(1, -2)", {"answer_type": "tuple"}),
    ("(1, 1)", {"answer_type": "tuple"}),
    ("(1/2, sqrt(2), 3)", {"answer_type": "tuple"}),
    ("[1, 3)", {"answer_type": "interval"}),
    ("(-oo, 3]", {"answer_type": "interval"}),
    ("(0, 1)", {"answer_type": "interval"}),
    ("(-oo, oo)", {"answer_type": "interval"}),
    ("(-oo, 1) \\cup (2, oo)", {"answer_type": "interval"}),
    ("y = 2*x + 1", {"answer_type": "equation"}),
    ("x^2 + y^2 = 1", {"answer_type": "equation"}),
    ("[[1, 2], [3, 4]]", {"answer_type": "matrix"}),
    ("[[1, 0], [0, 1]]", {"answer_type": "matrix"}),
    ("x^3/3 + sin(x)", {"answer_type": "antiderivative"}),
    ("t^2/2", {"answer_type": "antiderivative", "variable": "t"}),
    ("50", {"answer_type": "number", "percent": True}),
    ("1/2", {"answer_type": "number", "percent": True}),
    ("12", {"unit": "cm"}),
    ("1/3", {"tolerance": 0.01}),
    ("pi", {"tolerance": 0.001}),
    ("1000000", {"tolerance": 0.05}),
    ("1F3", {"answer_type": "text", "case_sensitive": False}),
    ("0", {"answer_type": "text"}),
    (["3", "(1, 2)"], {}),
    (["1/2", "x + 1", "{1, 2}"], {"answer_type": ["number", "expression", "set"]}),
]


@pytest.mark.parametrize("graded", [False, True], ids=["binary", "graded"])
@pytest.mark.parametrize(("gold", "metadata"), HOOK_GOLDS, ids=repr)
def test_reference_scores_one_and_known_bad_score_zero(
    gold: Any, metadata: dict[str, Any], graded: bool
) -> None:
    verifier = MathVerifier(graded=graded)
    t = task(gold, **metadata)
    verdict = verifier.verify(t, verifier.reference_completion(t))
    assert verdict.reward == 1.0 and verdict.correct, verdict.feedback
    bad = verifier.known_bad_completions(t)
    expected = {"wrong", "multi_box", "or_answers", "digit_spray", "gold_in_text", "empty_box"}
    assert expected <= set(bad)
    for name, completion in bad.items():
        verdict = verifier.verify(t, completion)
        assert verdict.reward == 0.0 and not verdict.correct, (name, completion)
        assert verdict.status != "error", (name, verdict.feedback)


@pytest.mark.parametrize(
    ("gold", "metadata", "names"),
    [
        ("5", {}, {"plus_one", "negated"}),
        ("0", {}, {"plus_one"}),
        ("pi", {}, {"plus_one", "negated", "rounded_2", "rounded_6"}),
        ("pi", {"tolerance": 0.01}, {"plus_one", "negated"}),
        ("x + 1", {"answer_type": "expression"}, {"plus_one", "negated"}),
        ("{1, 2}", {"answer_type": "set"}, {"extra", "dropped"}),
        ("(1, 2)", {"answer_type": "tuple"}, {"reversed", "extra", "dropped", "bumped"}),
        ("(1, 1)", {"answer_type": "tuple"}, {"extra", "dropped", "bumped"}),
        ("[1, 3)", {"answer_type": "interval"}, {"left_flipped", "right_flipped", "shifted"}),
        ("(-oo, 3)", {"answer_type": "interval"}, {"right_flipped", "shifted"}),
        ("y = x", {"answer_type": "equation"}, {"rhs_plus_one"}),
        ("[[1, 2], [3, 4]]", {"answer_type": "matrix"}, {"bumped", "transposed"}),
        ("[[1, 2], [2, 1]]", {"answer_type": "matrix"}, {"bumped"}),
        ("x^2", {"answer_type": "antiderivative"}, {"plus_variable", "doubled"}),
    ],
)
def test_type_aware_known_bad_names(gold: str, metadata: dict[str, Any], names: set[str]) -> None:
    bad = MathVerifier().known_bad_completions(task(gold, **metadata))
    generic = {"empty", "whitespace", "echo_prompt", "banana", "empty_box", "oversized"}
    hacks = {"wrong", "multi_box", "or_answers", "digit_spray", "gold_in_text"}
    assert set(bad) - generic - hacks == names


def test_interval_unions_are_order_free() -> None:
    t = task("(-oo, 1) \\cup [2, oo)", answer_type="interval")
    verifier = MathVerifier()
    assert verifier.verify(t, B("[2, \\infty) \\cup (-\\infty, 1)")).correct
    assert not verifier.verify(t, B("(-\\infty, 1) \\cup (2, \\infty)")).correct
    assert not verifier.verify(t, B("(-\\infty, 1)")).correct


def test_gold_metadata_variants() -> None:
    verifier = MathVerifier()
    assert verifier.verify(task("5", unit=["cm", "centimeter"]), B("5 centimeters")).correct
    assert verifier.verify(task("5", unit=5), B("5")).status == "error"
    assert verifier.verify(
        task("x", answer_type="antiderivative", variable="e"), B("1")
    ).status == ("error")


def test_text_answers() -> None:
    verifier = MathVerifier()
    t = task("1F3", answer_type="text", case_sensitive=False)
    assert verifier.verify(t, B("1f3")).correct
    assert verifier.verify(t, B("\\text{1F3}")).correct
    assert not verifier.verify(t, B("1F4")).correct
    assert not verifier.verify(task("1F3", answer_type="text"), B("1f3")).correct
    assert not verifier.verify(task("1011", answer_type="text"), B("11")).correct


def test_reference_completion_of_a_list_gold_is_one_box() -> None:
    t = task(["3", "(1, 2)", "{4, 5}"])
    assert (
        MathVerifier().reference_completion(t) == "The final answer is \\boxed{3, (1, 2), {4, 5}}."
    )


def test_known_bad_parts_only_in_binary_mode() -> None:
    t = task(["3", "4"])
    assert {"part_1_wrong", "part_2_wrong"} <= set(MathVerifier().known_bad_completions(t))
    assert not {"part_1_wrong"} & set(MathVerifier(graded=True).known_bad_completions(t))


@pytest.mark.parametrize(
    ("completion", "correct"),
    [
        ("$\\frac{1}{2}$", True),
        ("$\\dfrac{1}{2}$.", True),
        ("So x = $\\frac{1}{2}$", True),
        ("$$x = 0.5$$", True),
        ("$\\frac{1}{4}$", False),
        ("$1, 2$", False),  # a spray inside one span is not the last number 2
        ("I think $\\frac{1}{2}$ or maybe 3", False),
    ],
)
def test_a_final_math_span_is_the_answer(completion: str, correct: bool) -> None:
    verdict = MathVerifier().verify(Task(id="t", prompt="p", answer="1/2"), completion)
    assert verdict.correct is correct and verdict.status == "ok"


@pytest.mark.parametrize(
    ("gold", "completion", "correct"),
    [
        ("1/2", "x = \\frac12", True),
        ("1/2", "$\\tfrac12$", True),
        ("4", "it is \\sqrt{16}", True),
        ("1024", "x = 2^{10}", True),
        # a number inside a term is not the answer: these scored 1 when it was
        ("2", "x = \\dfrac{3}{2}", False),
        ("2", "so the answer is \\frac{1}{2} because", False),
        ("16", "it is \\sqrt{16}", False),
        ("10", "x = 2^{10}", False),
        ("27", "\\sqrt[3]{27}", False),
        ("3", "\\sqrt[3]{27}", True),
        # nor is the exponent of a one-letter base
        ("-1", "so x = e^{-1}", False),
        ("1/e", "so x = e^{-1}", True),
        ("2", "the area is \\pi^2", False),
    ],
)
def test_a_number_inside_a_latex_term_stands_for_the_term(
    gold: str, completion: str, correct: bool
) -> None:
    verdict = MathVerifier().verify(Task(id="t", prompt="p", answer=gold), completion)
    assert verdict.correct is correct and verdict.status == "ok"


@pytest.mark.parametrize(
    "completion", ["\\boxed 8 \\boxed{39}", "\\boxed\n{8} \\boxed{39}", "\\boxed{39} \\boxed 8"]
)
def test_a_box_without_braces_is_one_more_final_answer(completion: str) -> None:
    verdict = MathVerifier().verify(Task(id="t", prompt="p", answer="39"), completion)
    assert verdict.reward == 0.0 and verdict.status == "ok"
    assert "several" in verdict.feedback


@pytest.mark.parametrize("gold", ["oo", "-oo"])
def test_known_bad_answers_of_an_infinite_gold(gold: str) -> None:
    verifier, task = MathVerifier(), Task(id="t", prompt="p", answer=gold)
    bad = verifier.known_bad_completions(task)
    assert {"negated", "finite"} <= set(bad)
    assert all(verifier.verify(task, completion).reward == 0.0 for completion in bad.values())
    assert verifier.verify(task, f"\\boxed{{{gold}}}").reward == 1.0
