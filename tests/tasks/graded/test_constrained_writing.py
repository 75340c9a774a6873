"""graded/constrained-writing: determinism, generator properties, gold = 1, partial credit."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rlvr
from rlvr.tasks.graded.constrained_writing import (
    LEVELS,
    MAX_USES,
    ConstrainedWritingSource,
    known_bad,
    required_words,
)
from rlvr.types import Task
from rlvr.verifiers.rubric import RubricVerifier
from rlvr.verifiers.rubric_items import count_words

VERIFIER = RubricVerifier(known_bad=known_bad)


def task(seed: int = 0, difficulty: int = 3, index: int = 0) -> Task:
    return ConstrainedWritingSource(seed=seed, difficulty=difficulty)[index]


def item(t: Task, name: str) -> dict:
    return next(i for i in t.metadata["rubric"]["items"] if i["name"] == name)


def bounds(t: Task) -> tuple[int, int]:
    length = item(t, "length")
    return length["min"], length["max"]


def titles(t: Task) -> list[str]:
    return [i["title"] for i in item(t, "sections")["items"]]


def avoided(t: Task) -> str:
    """The forbidden letter, or the forbidden word."""
    pattern = item(t, "avoid")["pattern"]
    return pattern.removeprefix(r"\b").removesuffix(r"\b")


def score(t: Task, completion: str) -> float:
    verdict = VERIFIER.verify(t, completion)
    assert verdict.status == "ok", verdict.feedback
    return verdict.reward


def test_tasks_are_a_pure_function_of_seed_difficulty_and_index():
    assert task(4, 2, 9) == task(4, 2, 9)
    assert task(4, 2, 9).id == "constrained-writing/s4/d2/9"
    assert task(4, 2, 9) != task(5, 2, 9) and task(4, 2, 9) != task(4, 2, 10)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), difficulty=st.integers(1, 5), index=st.integers(0, 10**6))
def test_generated_constraints_are_met_by_the_gold(seed, difficulty, index):
    t = task(seed, difficulty, index)
    reference = t.answer
    words, sections, _, min_words, _ = LEVELS[difficulty]
    low, high = bounds(t)
    assert 10 <= low < count_words(reference) < high and high - low <= 4 * LEVELS[difficulty][4]
    assert len(required_words(t)) == words and len(titles(t)) == sections
    for word in required_words(t):
        assert 1 <= len(re.findall(rf"\b{word}\b", reference, flags=re.IGNORECASE)) <= MAX_USES
        assert word in t.prompt
    banned = avoided(t)
    if difficulty >= 3:
        assert len(banned) == 1 and banned not in reference.lower()
        assert banned not in " ".join([*titles(t), *required_words(t)]).lower()
    else:
        assert not re.search(rf"\b{banned}\b", reference, flags=re.IGNORECASE)
    for title in titles(t):
        assert f"## {title}" in reference and f'"## {title}"' in t.prompt
    assert f"at least {min_words} words" in t.prompt
    verdict = VERIFIER.verify(t, VERIFIER.reference_completion(t))
    assert (verdict.reward, verdict.correct) == (1.0, True)
    for name, completion in VERIFIER.known_bad_completions(t).items():
        assert VERIFIER.verify(t, completion).reward <= 2 / 3, name


def _drop_word(text: str, word: str) -> str:
    return re.sub(rf"\b{word}\b", "this", text, flags=re.IGNORECASE)  # no forbidden letter


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_partial_credit_for_missing_required_words(difficulty):
    t = task(11, difficulty, 5)
    words = required_words(t)
    text = t.answer
    for missing in range(len(words) + 1):
        expected = (4 + 2 * (len(words) - missing) / len(words)) / 6
        assert score(t, text) == pytest.approx(expected)
        if missing < len(words):
            text = _drop_word(text, words[missing])


def test_hand_made_answers_score_as_computed():
    t = task(3, 4, 7)  # a forbidden letter, 4 required words, 3 sections
    gold = t.answer
    high = bounds(t)[1]
    letter = avoided(t)
    first, *_ = titles(t)
    filler = " The calm road rested on the dark hill." * ((high - count_words(gold)) // 8 + 1)
    far = " The calm road rested on the dark hill." * (high // 8 + 1)
    word = required_words(t)[0]
    cases = {
        "gold": (gold, 1.0),
        "the forbidden letter once": (gold + f" The {letter}ylophone sang.", 5 / 6),
        "one section retitled": (gold.replace(f"## {first}", "## Elsewhere"), (4 + 2 * 2 / 3) / 6),
        "no headings at all": (re.sub(r"^## .*\n", "", gold, flags=re.MULTILINE), 4 / 6),
        "a little too long": (gold + filler, 5 / 6),
        "over twice the limit": (gold + far + far, 0.0),  # length fails and the penalty takes 1
        "a word four times in a row": (gold + f" The {word} {word} {word} {word}.", None),
        "prose without sentences": (gold.replace(".", ""), 0.0),  # the gate
    }
    assert count_words(gold + filler) <= 2 * high < count_words(gold + far + far)
    for name, (text, expected) in cases.items():
        if expected is None:  # the used-too-often word also fails: max 3 uses
            expected = (1 + 2 * 3 / 4 + 1 + 2) / 6 - 0.5
        assert score(t, text) == pytest.approx(expected), name


def test_known_bad_hooks_score_as_designed():
    t = task(1, 2, 2)
    bad = known_bad(t)
    low, high = bounds(t)
    stuffed_length = float(low <= count_words(bad["stuffed_sentences"]) <= high)
    assert {name: score(t, text) for name, text in bad.items()} == {
        "word_list": 0.0,  # no sentences: the gate
        "stuffed_sentences": pytest.approx((stuffed_length + 1) / 6),  # words overused, no sections
        "no_headings": pytest.approx(4 / 6),
    }


def test_the_environment_grades_a_bounded_run():
    env = rlvr.make("graded/constrained-writing-v0", difficulty=5)
    _, info = env.reset(options={"index": 1})
    gold = info["task"].answer
    _, reward, terminated, _, info = env.step(gold)
    assert (reward, terminated, info["verdict"].correct) == (1.0, True, True)
    env.reset(options={"index": 1})
    assert env.step(gold.upper())[1] == pytest.approx(1.0)  # case does not matter
