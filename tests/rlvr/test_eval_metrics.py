"""pass@k and maj@k against brute-force enumeration."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.evals.metrics import majority_at_k, mean, pass_at_k


def brute_pass_at_k(n: int, c: int, k: int) -> float:
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(samples[i] for i in s) for s in subsets) / len(subsets)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 10).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n))
    )
)
def test_pass_at_k_equals_brute_force(args):
    n, c, k = args
    assert pass_at_k(n, c, k) == pytest.approx(brute_pass_at_k(n, c, k), abs=1e-12)


def test_pass_at_k_special_cases_and_large_n():
    assert pass_at_k(10, 0, 5) == 0.0
    assert pass_at_k(10, 10, 1) == 1.0
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    exact = 1 - math.comb(1000 - 7, 50) / math.comb(1000, 50)
    assert pass_at_k(1000, 7, 50) == pytest.approx(exact, rel=1e-12)
    for bad in ((5, 6, 1), (5, 2, 0), (5, 2, 6), (5, -1, 1)):
        with pytest.raises(ValueError):
            pass_at_k(*bad)


def test_majority_at_k():
    assert majority_at_k(["4", "5", "4"], [True, False, True])
    assert not majority_at_k(["5", "5", "4"], [False, False, True])
    assert majority_at_k(["4", "5"], [True, False])  # tie: the answer seen first
    assert not majority_at_k([None, None], [False, False])
    assert not majority_at_k([None, "5", None, "5"], [False, False, False, False])
    with pytest.raises(ValueError):
        majority_at_k(["1"], [True, False])


def test_mean():
    assert mean([]) == 0.0 and mean([1.0, 0.0, 0.5]) == 0.5


def test_the_summary_shows_signs_of_a_gamed_reward():
    from rlvr.evals.run import summarise
    from rlvr.types import RolloutRecord, Task, Verdict

    def record(index: int, completion: str, reward: float, correct: bool) -> RolloutRecord:
        return RolloutRecord(
            env_id="toy/x-v0",
            env_version=0,
            verifier="toy",
            verifier_version="1",
            task=Task(id=f"t{index}", prompt="p", answer="a"),
            completion=completion,
            verdict=Verdict(reward=reward, correct=correct),
            policy={
                "job": {"env_key": "toy/x-v0", "index": index, "sample": 0},
                "completion_tokens": len(completion),
            },
        )

    # longer answers score more, and half of the reward goes to answers that are not correct
    records = [record(0, "a", 0.0, False), record(1, "aa", 0.5, False), record(2, "aaa", 0.5, True)]
    entry = summarise(records, samples=1)["envs"]["toy/x-v0"]
    assert entry["reward_length_corr"] == pytest.approx(math.sqrt(3) / 2)
    assert entry["unearned_share"] == pytest.approx(0.5)
    flat = summarise([record(0, "a", 1.0, True), record(1, "b", 1.0, True)], samples=1)
    assert flat["overall"]["reward_length_corr"] is None
    assert flat["overall"]["unearned_share"] == 0.0
