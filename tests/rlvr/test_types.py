from __future__ import annotations

import pytest
from pydantic import ValidationError

from rlvr.types import Message, RolloutRecord, Task, Verdict

TASK = Task(
    id="t/1", prompt="What is 2+2? 中文 🙂", answer={"value": [4, "four"]}, metadata={"d": 1}
)
VERDICT = Verdict(reward=0.5, correct=False, components={"correctness": 0.5}, feedback="half")


@pytest.mark.parametrize(
    "model",
    [
        TASK,
        VERDICT,
        Verdict.failure("timeout", "too slow"),
        RolloutRecord(
            env_id="math/x-v0",
            env_version=0,
            verifier="numeric",
            verifier_version="1",
            task=TASK,
            completion="\\boxed{4}",
            verdict=VERDICT,
            timings={"verify": 0.001},
            policy={"spec": "oracle"},
        ),
        RolloutRecord(
            env_id="math/x-v0",
            env_version=0,
            verifier="numeric",
            verifier_version="1",
            task=TASK,
            messages=[Message(role="user", content="q"), Message(role="assistant", content="a")],
            verdict=VERDICT,
        ),
    ],
)
def test_json_round_trip(model):
    assert type(model).model_validate_json(model.model_dump_json()) == model


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"reward": 1.5}, "reward"),
        ({"reward": -0.1}, "reward"),
        ({"reward": float("nan")}, "reward"),
        ({"reward": 0.0, "status": "maybe"}, "status"),
        ({"reward": 1.0, "status": "timeout"}, "timeout"),
        ({"reward": 0.0, "correct": True, "status": "error"}, "error"),
        ({"reward": 0.0, "surprise": 1}, "surprise"),
    ],
)
def test_verdict_rejects_bad_values(fields, field_name):
    with pytest.raises(ValidationError, match=field_name):
        Verdict(**fields)


def test_failure_verdicts_have_zero_reward():
    for status in ("no_answer", "timeout", "error"):
        verdict = Verdict.failure(status, "why")
        assert (verdict.reward, verdict.correct, verdict.status) == (0.0, False, status)


def test_task_requires_an_id_and_forbids_unknown_fields():
    with pytest.raises(ValidationError, match="id"):
        Task(id="", prompt="p")
    with pytest.raises(ValidationError, match="gold"):
        Task(id="x", prompt="p", gold=1)


def test_rollout_record_needs_output_and_finds_final_completion():
    with pytest.raises(ValidationError, match="completion or messages"):
        RolloutRecord(
            env_id="a/b-v0",
            env_version=0,
            verifier="v",
            verifier_version="1",
            task=TASK,
            verdict=VERDICT,
        )
    record = RolloutRecord(
        env_id="a/b-v0",
        env_version=0,
        verifier="v",
        verifier_version="1",
        task=TASK,
        messages=[
            Message(role="assistant", content="first"),
            Message(role="user", content="again"),
            Message(role="assistant", content="second"),
        ],
        verdict=VERDICT,
    )
    assert record.final_completion == "second"
