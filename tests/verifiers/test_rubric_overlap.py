"""The rubric's ``overlap`` item: the share of an answer copied from a source in long runs."""

from __future__ import annotations

import time

import pytest

from rlvr.types import Task
from rlvr.verifiers.rubric import RubricVerifier
from rlvr.verifiers.rubric_items import copied_share

SOURCE = "The old mill on the river was built in 1742 by a weaver named Tarin Mosk."
TASK = Task(id="t/0", prompt=f"Summarise this: {SOURCE}", answer="")


@pytest.mark.parametrize(
    ("text", "n", "share"),
    [
        ("", 3, 0.0),
        ("Too short.", 3, 0.0),  # fewer words than a run
        (SOURCE, 6, 1.0),
        (SOURCE.upper().replace(" ", "  ,"), 6, 1.0),  # case and punctuation aside
        ("A weaver built the mill in 1742.", 3, 0.0),  # no run of 3 in order
        ("Built in 1742 by a weaver, it still stands.", 3, 6 / 9),  # built ... weaver
        ("The old mill on the river. The old mill on the river.", 6, 12 / 12),
        ("built in 1742 and built in 1742", 3, 6 / 7),  # two runs, "and" between
        ("was built in 1742 by", 3, 5 / 5),  # overlapping runs count each word once
    ],
)
def test_copied_share_counts_words_in_copied_runs(text, n, share):
    assert copied_share(text, SOURCE, n) == pytest.approx(share)


def test_an_overlap_item_passes_up_to_its_share_and_names_the_problem():
    rubric = {"items": [{"name": "own_words", "kind": "overlap", "n": 3, "max_share": 0.5}]}
    verifier = RubricVerifier(rubric)
    assert verifier.verify(TASK, "A weaver built the mill in 1742.").reward == 1.0
    assert verifier.verify(TASK, "Built in 1742 by a weaver, it still stands.").reward == 0.0
    copied = verifier.verify(TASK, SOURCE)  # the source defaults to the task's prompt
    assert (copied.reward, copied.components["own_words"]) == (0.0, 0.0)
    assert copied.feedback == (
        "reward 0.000; failed: own_words: 100% of the words are copied from the prompt in runs "
        "of 3 words, over 50%"
    )
    explicit = RubricVerifier(
        [{"name": "own", "kind": "overlap", "source": "the old mill", "n": 2, "max_share": 0.2}]
    )
    verdict = explicit.verify(TASK, "Near the old mill, a new one.")  # 3 of 7 words
    assert verdict.reward == 0.0 and "copied from the source" in verdict.feedback


def test_as_a_penalty_copying_costs_its_weight():
    rubric = [
        {"name": "mill", "kind": "regex", "pattern": r"\bmill\b"},
        {"name": "copying", "kind": "overlap", "n": 4, "penalty": True, "weight": 0.75},
    ]
    verifier = RubricVerifier(rubric)
    assert verifier.verify(TASK, "The mill dates from 1742.").reward == 1.0
    assert verifier.verify(TASK, SOURCE).reward == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("item", "match"),
    [
        ({"n": 1}, r"items\.0\.overlap\.n"),
        ({"max_share": 1.0}, r"items\.0\.overlap\.max_share"),
        ({"max_share": -0.1}, r"items\.0\.overlap\.max_share"),
        ({"source": "x" * 200_001}, r"items\.0\.overlap\.source"),
        ({"window": 3}, r"items\.0\.overlap\.window"),
    ],
)
def test_bad_overlap_items_name_the_field(item, match):
    with pytest.raises(ValueError, match=match):
        RubricVerifier([{"name": "o", "kind": "overlap", **item}])


def test_a_huge_answer_is_scored_in_linear_time():
    text = "the old mill on the river " * 40_000  # 240,000 words, every run copied
    start = time.perf_counter()
    assert copied_share(text, SOURCE, 6) == 1.0
    assert time.perf_counter() - start < 5.0
