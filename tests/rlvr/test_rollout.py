from __future__ import annotations

import gymnasium
import pytest

import rlvr
from rlvr.rollout import make_record
from rlvr.types import RolloutRecord, Verdict


def play(env, completion_for):
    _, info = env.reset(seed=11)
    task = info["task"]
    completion = completion_for(task)
    _, _, _, _, info = env.step(completion)
    return make_record(
        env,
        task,
        info["verdict"],
        completion=completion,
        messages=info["messages"],
        timings={"verify": 0.001},
        policy={"spec": "test"},
    )


def test_record_from_an_episode_round_trips_and_reverifies():
    env = rlvr.make("math/arithmetic-v0", difficulty=4)
    record = play(env, lambda task: f"\\boxed{{{task.answer}}}")
    assert (record.env_id, record.env_version, record.verifier) == (
        "math/arithmetic-v0",
        0,
        "numeric",
    )
    assert record.verdict.correct and record.messages[-1].role == "assistant"
    stored = RolloutRecord.model_validate_json(record.model_dump_json())
    assert rlvr.reverify(stored).verdict == record.verdict


def test_reverify_overrides_a_tampered_verdict():
    env = gymnasium.make("math/arithmetic-v0")
    record = play(env, lambda task: "\\boxed{banana}")
    assert record.verdict.reward == 0.0
    forged = record.model_copy(update={"verdict": Verdict(reward=1.0, correct=True)})
    checked = rlvr.reverify(forged, env)
    assert checked.verdict.reward == 0.0 and not checked.verdict.correct
    assert checked.task == record.task and checked.completion == record.completion


def test_record_needs_an_env_with_an_id(toy_source):
    from rlvr.envs import TextEnv
    from rlvr.verifiers.exact import ExactVerifier

    env = TextEnv(toy_source, ExactVerifier())
    _, info = env.reset(options={"index": 0})
    with pytest.raises(ValueError, match="no id"):
        make_record(env, info["task"], Verdict(reward=0.0), completion="x")
