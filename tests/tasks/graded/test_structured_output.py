"""graded/structured-output: determinism, generator properties, gold = 1, partial credit."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rlvr
from rlvr.tasks.graded.structured_output import (
    LEVELS,
    StructuredOutputSource,
    known_bad,
    reference_completion,
)
from rlvr.types import Task
from rlvr.verifiers.rubric import RubricVerifier

VERIFIER = RubricVerifier(known_bad=known_bad)
seeds = st.integers(0, 2**31)
indices = st.integers(0, 10**6)
levels = st.integers(1, 5)


def task(seed: int = 0, difficulty: int = 3, index: int = 0) -> Task:
    return StructuredOutputSource(seed=seed, difficulty=difficulty)[index]


def fenced(value) -> str:
    return "```json\n" + json.dumps(value) + "\n```"


def score(t: Task, completion: str) -> float:
    verdict = VERIFIER.verify(t, completion)
    assert verdict.status == "ok", verdict.feedback
    return verdict.reward


def test_tasks_are_a_pure_function_of_seed_difficulty_and_index():
    assert task(4, 2, 9) == task(4, 2, 9)
    assert task(4, 2, 9).id == "structured-output/s4/d2/9"
    assert task(4, 2, 9) != task(5, 2, 9) and task(4, 2, 9) != task(4, 2, 10)
    assert (
        task(4, 2, 9).model_dump_json()
        == Task.model_validate_json(task(4, 2, 9).model_dump_json()).model_dump_json()
    )


@settings(max_examples=60, deadline=None)
@given(seed=seeds, difficulty=levels, index=indices)
def test_generated_tasks_are_consistent_and_their_gold_scores_1(seed, difficulty, index):
    t = task(seed, difficulty, index)
    answer = t.answer
    fields, _, distractors = LEVELS[difficulty]
    assert len(answer) == fields and next(iter(answer)) == "name"
    asked = re.findall(r'^- "(\w+)" \(', t.prompt, flags=re.MULTILINE)
    assert asked == list(answer)  # the prompt asks for exactly the gold's fields, in order
    facts = t.prompt.split("\n\nGive a JSON object")[0]
    assert len(re.findall(r"^- ", facts, flags=re.MULTILINE)) == fields - 1 + distractors
    for value in answer.values():  # every value comes from the facts (years may be derived)
        if isinstance(value, str):
            assert value in facts
        elif isinstance(value, list):
            assert all(item in facts for item in value)
        elif isinstance(value, dict):
            assert all(str(v) in facts for v in value.values())
    verdict = VERIFIER.verify(t, VERIFIER.reference_completion(t))
    assert (verdict.reward, verdict.correct) == (1.0, True)
    for name, completion in VERIFIER.known_bad_completions(t).items():
        assert VERIFIER.verify(t, completion).reward <= 0.5, name


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_partial_credit_is_one_quarter_shape_three_quarters_values(difficulty):
    t = task(7, difficulty, 3)
    gold = dict(t.answer)
    keys = list(gold)
    n = len(keys)
    for right in range(n + 1):
        answer = {k: (gold[k] if i < right else _wrong(gold[k])) for i, k in enumerate(keys)}
        assert score(t, fenced(answer)) == pytest.approx((1 + 3 * right / n) / 4)


def _wrong(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "!"
    if isinstance(value, list):
        return value[:1]
    return {k: _wrong(v) for k, v in value.items()}


def test_hand_made_answers_score_as_computed():
    t = task(0, 5, 1)
    gold = dict(t.answer)
    n = len(gold)
    key = next(k for k, v in gold.items() if isinstance(v, int) and not isinstance(v, bool))
    array = next(k for k, v in gold.items() if isinstance(v, list))
    cases = {
        "gold, compact": (json.dumps(gold), 1.0),
        "gold, fenced with a sentence": ("Here it is:\n" + fenced(gold), 1.0),
        "array in another order": (fenced({**gold, array: gold[array][::-1]}), 1.0),
        "number as text": (fenced({**gold, key: str(gold[key])}), (0 + 3 * (n - 1) / n) / 4),
        "an extra field": (fenced({**gold, "notes": "x"}), 3 / 4),
        "a field missing": (
            fenced({k: v for k, v in gold.items() if k != key}),
            3 * (n - 1) / n / 4,
        ),
        "not JSON": ("name: " + gold["name"], 0.0),
        "a list": (fenced([gold]), 0.0),
        "gold, then padding": (reference_completion(gold) + "\n\nAlso. " * 400, 0.5),
    }
    scores = {name: score(t, text) for name, (text, _) in cases.items()}
    assert scores == {name: pytest.approx(value) for name, (_, value) in cases.items()}


def test_feedback_names_wrong_fields_without_their_values():
    t = task(2, 4, 0)
    gold = dict(t.answer)
    wrong = {**gold, "name": "Nobody"}
    verdict = VERIFIER.verify(t, fenced(wrong))
    assert 'the value of "name"' in verdict.feedback and gold["name"] not in verdict.feedback


def test_known_bad_hooks_score_as_designed():
    t = task(1, 4, 2)
    bad = known_bad(t)
    assert {name: score(t, text) for name, text in bad.items()} == {
        "prose": 0.0,
        "every_value_wrong": 0.25,
        "keys_only": 0.0,
        "right_then_wrong": 0.25,
    }


def test_the_environment_grades_and_takes_a_pass_threshold():
    env = rlvr.make("graded/structured-output-v0", difficulty=2, bounded=False)
    _, info = env.reset(options={"index": 0})
    gold = dict(info["task"].answer)
    half = {k: (v if k == "name" else _wrong(v)) for k, v in gold.items()}
    _, reward, terminated, _, info = env.step(fenced(half))
    assert reward == pytest.approx((1 + 3 / 4) / 4) and terminated
    assert info["verdict"].correct is False
    lenient = rlvr.make("graded/structured-output-v0", difficulty=2, pass_threshold=0.4)
    lenient.reset(options={"index": 0})
    assert lenient.step(fenced(half))[4]["verdict"].correct is True
    with pytest.raises(ValueError, match="format_weight"):
        rlvr.make("graded/structured-output-v0", format_weight=0.1)
