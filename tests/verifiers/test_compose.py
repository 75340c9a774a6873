"""Reward composition: weighted_reward, CompositeVerifier and FormatVerifier."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rlvr.types import Task, Verdict
from rlvr.verifiers.compose import CompositeVerifier, FormatVerifier, weighted_reward
from rlvr.verifiers.exact import ExactVerifier, NumericVerifier

B = "\\boxed"
TASK = Task(id="t/1", prompt="What is 6 x 7? Put the answer in a box.", answer="42")

# -- weighted_reward ------------------------------------------------------------------------------

# (rewards, weights, expected) computed by hand
WEIGHTED_CASES = [
    ({"a": 1.0}, {"a": 1.0}, 1.0),
    ({"a": 0.0}, {"a": 3.0}, 0.0),
    ({"a": 1.0, "b": 0.0}, {"a": 1.0, "b": 1.0}, 0.5),
    ({"a": 1.0, "b": 1.0}, {"a": 1.0, "b": 0.25}, 1.0),
    ({"a": 1.0, "b": 0.0}, {"a": 1.0, "b": 0.25}, 0.8),  # 1 / 1.25
    ({"a": 0.0, "b": 1.0}, {"a": 1.0, "b": 0.25}, 0.2),  # 0.25 / 1.25
    ({"a": 0.5, "b": 1.0}, {"a": 2.0, "b": 2.0}, 0.75),
    ({"a": 1.0, "b": 0.5, "c": 0.0}, {"a": 1.0, "b": 2.0, "c": 1.0}, 0.5),  # (1 + 1 + 0) / 4
    ({"a": 1.0}, {"a": 1.0, "b": 1.0}, 0.5),  # a missing reward counts as 0
    ({"a": 1.0, "z": 1.0}, {"a": 1.0, "b": 3.0}, 0.25),  # rewards without a weight are ignored
    ({"a": 1.0, "b": 1.0}, {"a": 0.0, "b": 1.0}, 1.0),  # a zero weight is allowed
    ({"a": 0.3}, {"a": 0.7}, 0.3),
]


@pytest.mark.parametrize(("rewards", "weights", "expected"), WEIGHTED_CASES)
def test_weighted_reward(rewards: dict, weights: dict, expected: float) -> None:
    assert weighted_reward(rewards, weights) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("weights", [{}, {"a": 0.0}, {"a": 0.0, "b": 0.0}])
def test_weighted_reward_needs_positive_total_weight(weights: dict) -> None:
    with pytest.raises(ValueError, match="sum to > 0"):
        weighted_reward({"a": 1.0}, weights)


@given(
    st.dictionaries(
        st.sampled_from("abcde"),
        st.tuples(st.floats(0, 1), st.floats(0.001, 100)),
        min_size=1,
    )
)
def test_weighted_reward_is_a_mean(parts: dict[str, tuple[float, float]]) -> None:
    rewards = {name: r for name, (r, _) in parts.items()}
    weights = {name: w for name, (_, w) in parts.items()}
    value = weighted_reward(rewards, weights)
    assert 0.0 <= value <= 1.0
    assert min(rewards.values()) - 1e-9 <= value <= max(rewards.values()) + 1e-9
    # all-correct is exactly 1, so a composite verdict can be correct with reward 1.0
    assert weighted_reward(dict.fromkeys(weights, 1.0), weights) == 1.0


# -- CompositeVerifier ----------------------------------------------------------------------------


@pytest.fixture
def composite() -> CompositeVerifier:
    return CompositeVerifier(
        {"correctness": (NumericVerifier(), 1.0), "format": (FormatVerifier("boxed"), 0.25)}
    )


# (completion, reward, correct, status, components)
COMPOSITE_CASES = [
    (f"6 x 7 = {B}{{42}}", 1.0, True, "ok", {"correctness": 1.0, "format": 1.0}),
    ("The answer is 42", 0.8, True, "ok", {"correctness": 1.0, "format": 0.0}),
    (f"{B}{{41}}", 0.2, False, "ok", {"correctness": 0.0, "format": 1.0}),
    ("The answer is 41", 0.0, False, "ok", {"correctness": 0.0, "format": 0.0}),
    (f"<think>{B}{{41}}</think> {B}{{42.0}}", 1.0, True, "ok", {"correctness": 1.0, "format": 1.0}),
    (f"{B}{{42}} or {B}{{43}}", 0.0, False, "ok", {"correctness": 0.0, "format": 0.0}),
    ("I do not know.", 0.0, False, "no_answer", {"correctness": 0.0, "format": 0.0}),
    ("", 0.0, False, "no_answer", {"correctness": 0.0, "format": 0.0}),
    (f"{B}{{}}", 0.0, False, "no_answer", {"correctness": 0.0, "format": 0.0}),
]


@pytest.mark.parametrize(
    ("completion", "reward", "correct", "status", "components"), COMPOSITE_CASES
)
def test_composite(
    composite: CompositeVerifier,
    completion: str,
    reward: float,
    correct: bool,
    status: str,
    components: dict[str, float],
) -> None:
    verdict = composite.verify(TASK, completion)
    assert verdict.reward == pytest.approx(reward, abs=1e-12)
    assert (verdict.correct, verdict.status) == (correct, status)
    assert verdict.components == components


def test_composite_keeps_the_primary_verdicts_details(composite: CompositeVerifier) -> None:
    right = composite.verify(TASK, "The answer is 42")
    assert right.answer == "42" and right.feedback == "correct"
    none = composite.verify(TASK, "I do not know.")
    assert none == NumericVerifier().verify(TASK, "I do not know.").model_copy(
        update={"components": {"correctness": 0.0, "format": 0.0}}
    )


def test_composite_identity(composite: CompositeVerifier) -> None:
    assert composite.name == "composite(correctness=numeric+format=format)"
    assert composite.version == "1+1"
    assert composite.timeout == NumericVerifier.timeout + FormatVerifier.timeout
    assert composite.primary == "correctness"
    assert composite.weights == {"correctness": 1.0, "format": 0.25}


def test_composite_other_primary() -> None:
    verifier = CompositeVerifier(
        {"exact": (ExactVerifier(), 3.0), "format": (FormatVerifier("answer_tag"), 1.0)},
        primary="exact",
    )
    assert verifier.verify(TASK, "<answer>42</answer>").reward == 1.0
    assert verifier.verify(TASK, "<answer>41</answer>").reward == pytest.approx(0.25)
    assert verifier.verify(TASK, "The answer is 42").reward == pytest.approx(0.75)


def test_composite_hooks_come_from_the_primary(composite: CompositeVerifier) -> None:
    reference = composite.reference_completion(TASK)
    assert reference == NumericVerifier().reference_completion(TASK)
    assert composite.verify(TASK, reference).reward == 1.0
    bad = composite.known_bad_completions(TASK)
    assert bad == NumericVerifier().known_bad_completions(TASK)
    for name in ("empty", "whitespace", "echo_prompt", "banana", "empty_box", "oversized"):
        verdict = composite.verify(TASK, bad[name])
        assert verdict.reward == 0.0 and not verdict.correct, name


def test_composite_known_bad_completions_earn_no_correctness(composite: CompositeVerifier) -> None:
    # Shaping may pay a little for a well-formatted wrong answer; correctness never does.
    for name, completion in composite.known_bad_completions(TASK).items():
        verdict = composite.verify(TASK, completion)
        assert not verdict.correct, name
        assert verdict.components.get("correctness", 0.0) == 0.0, name
        assert verdict.reward <= 0.25 / 1.25, name


COMPOSITE_ENV = """
from rlvr.envs import TextEnv
from rlvr.envs.config import EnvConfig
from rlvr.tasks.math.arithmetic import ArithmeticSource
from rlvr.verifiers.bounded import BoundedVerifier
from rlvr.verifiers.compose import CompositeVerifier, FormatVerifier
from rlvr.verifiers.exact import NumericVerifier


def make(render_mode=None):
    verifier = CompositeVerifier({"correctness": (NumericVerifier(), 1.0),
                                  "format": (FormatVerifier("boxed"), 0.25)})
    return TextEnv(ArithmeticSource(difficulty=2), BoundedVerifier(verifier),
                   render_mode=render_mode)
"""


def test_an_environment_with_a_format_component_passes_check(tmp_path, monkeypatch) -> None:
    from rlvr.check import check_env
    from rlvr.registry import Registry

    (tmp_path / "composite_env_module.py").write_text(COMPOSITE_ENV)
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry()
    registry.register(id="test/composite-v0", entry_point="composite_env_module:make")
    report = check_env("test/composite-v0", n=5, registry=registry)
    assert report.passed, report.failures


def test_composite_primary_must_be_a_component() -> None:
    with pytest.raises(ValueError, match="primary component 'correctness'"):
        CompositeVerifier({"format": (FormatVerifier(), 1.0)})
    with pytest.raises(ValueError, match="primary component 'main'"):
        CompositeVerifier({"correctness": (NumericVerifier(), 1.0)}, primary="main")


def test_composite_rejects_negative_weights() -> None:
    with pytest.raises(ValueError, match="negative weight"):
        CompositeVerifier(
            {"correctness": (NumericVerifier(), 1.0), "format": (FormatVerifier(), -0.25)}
        )


def test_composite_rejects_zero_total_weight() -> None:
    with pytest.raises(ValueError, match="sum to > 0"):
        CompositeVerifier({"correctness": (NumericVerifier(), 0.0)})


def test_composite_verify_many(composite: CompositeVerifier) -> None:
    verdicts = composite.verify_many([TASK] * 3, [f"{B}{{42}}", "42", f"{B}{{7}}"])
    assert [v.reward for v in verdicts] == pytest.approx([1.0, 0.8, 0.2])
    assert all(isinstance(v, Verdict) for v in verdicts)


# -- FormatVerifier -------------------------------------------------------------------------------

# (style, completion, follows the format)
FORMAT_CASES = [
    # boxed: exactly one non-empty box outside the thinking
    ("boxed", f"So {B}{{42}}.", True),
    ("boxed", f"{B}{{wrong but boxed}}", True),
    ("boxed", f"<think>maybe {B}{{1}}</think> {B}{{2}}", True),
    ("boxed", "\\fbox{5}", True),
    ("boxed", f"{B}{{1}} {B}{{2}}", False),
    ("boxed", f"{B}{{1}} and again {B}{{1}}", False),
    ("boxed", f"{B}{{}}", False),
    ("boxed", f"{B}{{   }}", False),
    ("boxed", "The answer is 42", False),
    ("boxed", f"<think>{B}{{42}}</think> so 42", False),
    ("boxed", f"{B}{{42", False),
    ("boxed", "", False),
    # answer_tag: exactly one <answer>...</answer> outside the thinking
    ("answer_tag", "<answer>42</answer>", True),
    ("answer_tag", "I think so. <ANSWER> 42 </ANSWER>", True),
    ("answer_tag", "<think><answer>1</answer></think><answer>2</answer>", True),
    ("answer_tag", "<answer>1</answer><answer>2</answer>", False),
    ("answer_tag", "<answer>42", False),
    ("answer_tag", "<answer> </answer>", False),
    ("think_answer", "<think>hmm</think><answer></answer>", False),
    ("answer_tag", f"{B}{{42}}", False),
    ("answer_tag", "<think><answer>42</answer></think>", False),
    # think_answer: <think>...</think> then exactly one <answer>...</answer>
    ("think_answer", "<think>6 x 7</think><answer>42</answer>", True),
    ("think_answer", "  <think>\nhmm\n</think>\n<answer>42</answer>\n", True),
    ("think_answer", "<think>6 x 7 <answer>42</answer>", False),  # missing </think>
    ("think_answer", "<answer>42</answer>", False),  # no thinking
    ("think_answer", "Sure. <think>x</think><answer>42</answer>", False),  # not at the start
    ("think_answer", "<think>x</think><answer>1</answer><answer>2</answer>", False),
    ("think_answer", "<think>a</think><think>b</think><answer>42</answer>", False),
    ("think_answer", "<think><answer>42</answer></think>", False),
    ("think_answer", "<think>x</think>42", False),
]


@pytest.mark.parametrize(("style", "completion", "follows"), FORMAT_CASES)
def test_format_styles(style: str, completion: str, follows: bool) -> None:
    verdict = FormatVerifier(style).verify(TASK, completion)
    assert verdict.status == "ok"
    assert verdict.reward == float(follows)
    assert verdict.correct is follows
    assert verdict.components == {"format": float(follows)}
    assert (verdict.feedback == "") is follows
    if not follows:
        assert repr(style) in verdict.feedback


def test_format_ignores_the_answers_value() -> None:
    verifier = FormatVerifier("boxed")
    assert verifier.verify(TASK, f"{B}{{42}}") == verifier.verify(TASK, f"{B}{{-1}}")


def test_format_unknown_style() -> None:
    with pytest.raises(ValueError, match="format style must be one of"):
        FormatVerifier("xml")


def test_format_defaults() -> None:
    verifier = FormatVerifier()
    assert verifier.style == "boxed"
    assert (verifier.name, verifier.version, verifier.timeout) == ("format", "1", 1.0)
