"""graded/fact-summary: determinism, generator properties, gold = 1, partial credit, penalties,
and the optional judge."""

from __future__ import annotations

import importlib
import pickle
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import rlvr
from rlvr.envs.graded import JudgedRubricVerifier
from rlvr.tasks.graded.fact_summary import (
    LEVELS,
    NUMBER,
    FactSummarySource,
    key_facts,
    known_bad,
    number_pattern,
    value_pattern,
)
from rlvr.types import Task
from rlvr.verifiers.kinds import env_verifier_kind
from rlvr.verifiers.rubric import RubricVerifier
from rlvr.verifiers.rubric_items import count_words

VERIFIER = RubricVerifier(known_bad=known_bad)
NEUTRAL = "The document says more on this point."  # no number, no value, not copied


def task(seed: int = 0, difficulty: int = 3, index: int = 0) -> Task:
    return FactSummarySource(seed=seed, difficulty=difficulty)[index]


def score(t: Task, completion: str) -> float:
    verdict = VERIFIER.verify(t, completion)
    assert verdict.status == "ok", verdict.feedback
    return verdict.reward


def whole(value: str) -> str:
    return rf"(?<![\w.]){re.escape(value)}(?![\w]|\.\d)"


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text)


def without_facts(t: Task, missing: int) -> str:
    """The reference with the sentences of its first ``missing`` key facts made neutral."""
    heading, body = str(t.answer).split("\n\n", 1)
    parts = sentences(body)
    for _, value in key_facts(t)[:missing]:
        parts = [NEUTRAL if re.search(whole(value), s) else s for s in parts]
    return heading + "\n\n" + " ".join(parts)


def test_tasks_are_a_pure_function_of_seed_difficulty_and_index():
    assert task(4, 2, 9) == task(4, 2, 9)
    assert task(4, 2, 9).id == "fact-summary/s4/d2/9"
    assert task(4, 2, 9) != task(5, 2, 9) and task(4, 2, 9) != task(4, 2, 10)
    assert task(4, 2, 9) != task(4, 3, 9)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), difficulty=st.integers(1, 5), index=st.integers(0, 10**6))
def test_the_reference_scores_1_and_every_key_value_is_in_the_document(seed, difficulty, index):
    t = task(seed, difficulty, index)
    keys, minor, distractors, _ = LEVELS[difficulty]
    document, entity = t.metadata["document"], t.metadata["entity"]
    facts = key_facts(t)
    assert len(facts) == keys and len(t.metadata["distractors"]) == distractors
    assert f"<document>\n{document}\n</document>" in t.prompt
    instructions = t.prompt.split("</document>")[1]
    for what, value in facts:
        assert f"- {what}\n" in instructions
        assert value[0].isdigit() or not re.search(whole(value), instructions)
        stating = [s for s in sentences(document) if re.search(whole(value), s)]
        assert len(stating) == 1 and re.search(whole(entity), stating[0])
    # the opening (and the look-alike's), one sentence a fact or distractor, two of colour
    opening = 1 + (distractors > 0)
    assert len(sentences(document)) == opening + keys + minor + distractors + 2
    reference = str(t.answer)
    assert reference.startswith("## Summary\n\n")
    assert count_words(reference) <= t.metadata["budget"] < count_words(reference) + 30
    assert set(re.findall(NUMBER, reference)) <= set(re.findall(NUMBER, document))
    verdict = VERIFIER.verify(t, VERIFIER.reference_completion(t))
    assert (verdict.reward, verdict.correct) == (1.0, True), verdict.feedback
    for name, completion in VERIFIER.known_bad_completions(t).items():
        assert VERIFIER.verify(t, completion).reward < 1, name


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_partial_credit_for_missing_key_facts(difficulty):
    t = task(11, difficulty, 5)
    count = len(key_facts(t))
    for missing in range(count + 1):
        assert score(t, without_facts(t, missing)) == pytest.approx((count - missing) / count)


def test_penalties_score_as_computed():
    t = task(2, 4, 3)  # 5 key facts
    reference = str(t.answer)
    budget = t.metadata["budget"]
    invented = " It also has 7777 old windmills."
    assert "7777" not in t.prompt
    filler = " Many people find the whole story worth reading about." * (budget // 9 + 1)
    first_sentence = min(
        (s for s in sentences(t.metadata["document"]) if count_words(s) >= 6), key=count_words
    )
    cases = {
        "the reference": (reference, 1.0),
        "an invented number": (reference + invented, 0.5),
        "over the word budget": (reference + filler, 0.5),
        "both": (reference + filler + invented, 0.0),
        "a fact missing and an invented number": (without_facts(t, 1) + invented, 4 / 5 - 0.5),
        "one sentence of the document copied": (reference + " " + first_sentence, 1.0),
        "the document under the heading": ("## Summary\n\n" + t.metadata["document"], 0.0),
        "a bare list of the values": ("\n".join(v for _, v in key_facts(t)), 0.0),
        "no heading": (reference.removeprefix("## Summary\n\n"), 0.0),
    }
    assert count_words(reference + filler) > budget
    assert count_words(reference + " " + first_sentence) <= budget
    for name, (text, expected) in cases.items():
        assert score(t, text) == pytest.approx(expected), name


def test_a_key_number_is_found_whole():
    assert re.search(value_pattern("1742"), "It was founded in 1742.")
    assert re.search(value_pattern("45.3"), "It covers 45.3 square kilometres.")
    for value in ("45", "3", "5.3", "45.30"):  # parts of 45.3, or more than it
        assert not re.search(value_pattern(value), "It covers 45.3 square kilometres."), value
    assert re.search(value_pattern("Tarin Mosk"), "founded by tarin mosk.", re.IGNORECASE)
    assert not re.search(value_pattern("Tarin Mosk"), "founded by Tarin Moska.")


def test_the_numbers_penalty_reads_whole_numbers():
    pattern = re.compile(number_pattern(["1742", "50.3", "7"]))
    allowed = "Founded in 1742. It covers 50.3 square kilometres, 7 of them woods (7th)."
    assert pattern.search(allowed) is None
    for text in ("in 1743", "in 17420", "50.35 km", "50 km", "1742.5 years", "5.3", "17"):
        assert pattern.search(text) is not None, text
    assert re.compile(number_pattern([])).search("one 2 three") is not None


def test_known_bad_answers_score_as_designed():
    t = task(1, 5, 2)  # 6 key facts, 3 distractors
    scores = {name: score(t, text) for name, text in known_bad(t).items()}
    changed = key_facts(t)[0][1]
    lost = 1 / 6 + (0.5 if changed[-1].isdigit() else 0.0)  # a changed number is invented
    assert scores == {
        "copied_sentences": 0.0,
        "value_list": 0.0,
        "document": 0.0,
        "document_under_heading": 0.0,
        "one_value_changed": pytest.approx(max(0.0, 1 - lost)),
        "invented_number": 0.5,
        "over_budget": 0.5,
        "no_facts": 0.0,
        "distractor_values": pytest.approx(1 - len(t.metadata["distractors"]) / 6),
    }


def test_the_environment_grades_with_the_rubric_by_default():
    env = rlvr.make("graded/fact-summary-v0", difficulty=2)
    assert env_verifier_kind(env) == "rubric"
    _, info = env.reset(options={"index": 4})
    gold = info["task"].answer
    _, reward, terminated, _, info = env.step(gold)
    assert (reward, terminated, info["verdict"].correct) == (1.0, True, True)
    with pytest.raises(ValidationError, match="judge_weight is set but judge is not"):
        rlvr.make("graded/fact-summary-v0", judge_weight=0.5)
    with pytest.raises(ValidationError, match="judge"):
        rlvr.make("graded/fact-summary-v0", judge="no_such_module_xyz:make")


@pytest.fixture
def judges(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The scripted judges of ``fact_judges.py``, importable as ``fact_judges:<factory>``."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    monkeypatch.delitem(sys.modules, "fact_judges", raising=False)
    module = importlib.import_module("fact_judges")
    module.QUESTIONS.clear()
    return module


def test_a_judge_joins_the_rubric(judges):
    env = rlvr.make("graded/fact-summary-v0", difficulty=3, judge="fact_judges:seven")
    assert env_verifier_kind(env) == "judge" and env.unwrapped.verifier_kind == "judge"
    assert isinstance(env.unwrapped.verifier, JudgedRubricVerifier)
    t = env.unwrapped.task(6)
    count = len(key_facts(t))
    assert count == 4
    judge = 0.7  # the scripted judge's 7/10

    def step(text: str):
        env.reset(options={"index": 6})
        return env.step(text)[4]["verdict"]

    verdict = step(str(t.answer))
    assert verdict.reward == pytest.approx(0.7 * 1.0 + 0.3 * judge)  # 0.91
    assert verdict.components["judge"] == judge and verdict.components["facts"] == 1.0
    assert not verdict.correct  # the judge did not give full marks
    question = judges.QUESTIONS[-1]
    assert f"> {t.metadata['document']}" in question  # the document, quoted
    assert "Reference answer:\n> ## Summary" in question  # the gold summary
    assert "Summary to grade" in question and "Faithfulness" in question
    copy = pickle.loads(pickle.dumps(env.unwrapped.verifier))  # the judge is rebuilt from its spec
    assert copy.verify(t, str(t.answer)).reward == pytest.approx(0.91)
    assert step(without_facts(t, 1)).reward == pytest.approx(0.7 * 3 / 4 + 0.3 * judge)
    assert step(str(t.answer) + " It also has 7777 mills.").reward == pytest.approx(0.91 - 0.5)
    asked = len(judges.QUESTIONS)
    assert step(t.metadata["document"]).reward == 0.0  # a gate fails: the judge cannot help
    assert step("").status == "no_answer"  # not judged: an empty answer is not asked about
    assert len(judges.QUESTIONS) == asked + 1

    half = rlvr.make(
        "graded/fact-summary-v0", difficulty=3, judge="fact_judges:seven", judge_weight=0.5
    )
    half.reset(options={"index": 6})
    assert half.step(str(t.answer))[1] == pytest.approx(0.5 + 0.5 * judge)


def test_a_judge_that_gives_no_score_is_an_error_not_a_low_reward(judges):
    env = rlvr.make("graded/fact-summary-v0", judge="fact_judges:mute", pass_threshold=0.5)
    _, info = env.reset(options={"index": 0})
    verdict = env.step(info["task"].answer)[4]["verdict"]
    assert (verdict.status, verdict.reward) == ("error", 0.0)
    assert "the judge's answer had no score" in verdict.feedback
