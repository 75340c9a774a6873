"""The policy interface and the scripted policies."""

from __future__ import annotations

import json

import pytest

from rlvr.policies import Generation, GenerationRequest, Policy, SamplingParams, make_policy


def request(task_id: str | None = None, reference: str | None = None) -> GenerationRequest:
    return GenerationRequest(
        messages=({"role": "user", "content": "2+2?"},), task_id=task_id, reference=reference
    )


def test_oracle_answers_with_the_reference_and_reports_a_missing_one():
    oracle = make_policy("oracle")
    assert isinstance(oracle, Policy) and oracle.spec == "oracle"
    out = oracle.generate([request("a", "\\boxed{4}"), request("b")])
    assert out[0] == Generation("\\boxed{4}")
    assert out[1].finish_reason == "error" and "no reference" in out[1].error


def test_options_a_policy_does_not_take_are_named():
    with pytest.raises(ValueError, match=r"oracle policy has no option 'device' \(it takes none\)"):
        make_policy("oracle", device="cpu")
    with pytest.raises(ValueError, match="replay policy has no option 'batch_size'"):
        make_policy("replay:answers.jsonl", batch_size=2)
    with pytest.raises(
        ValueError, match=r"hf policy has no option 'devcie' \(its options: device, "
    ):
        make_policy("hf:some/model", devcie="cpu")  # checked before anything loads
    with pytest.raises(ValueError, match=r"'concurrency', 'retries'.*max_concurrency"):
        make_policy("openai:http://127.0.0.1:9#m", concurrency=4, retries=2)


def test_empty_policy():
    assert [g.text for g in make_policy("empty").generate([request(), request()])] == ["", ""]


def test_replay_serves_each_tasks_completions_in_turn(tmp_path):
    path = tmp_path / "answers.jsonl"
    rows = [
        {"task_id": "t1", "completion": "x"},
        {"task_id": "t1", "completion": "y"},
        {"task_id": 7, "completion": "z"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    replay = make_policy(f"replay:{path}")
    texts = [g.text for g in replay.generate([request("t1"), request("t1"), request("t1")])]
    assert texts == ["x", "y", "x"]
    assert replay.generate([request("7")])[0].text == "z"
    missing = replay.generate([request("nope")])[0]
    assert missing.finish_reason == "error" and "nope" in missing.error


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("not json\n", "answers.jsonl:1"),
        ('{"task_id": 1}\n', "task_id and completion"),
        ('{"task_id": 1, "completion": 5}\n', "must be a string"),
    ],
)
def test_replay_names_bad_lines(tmp_path, content, match):
    path = tmp_path / "answers.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        make_policy(f"replay:{path}")


def test_bad_specs_and_params_are_named(tmp_path):
    with pytest.raises(ValueError, match="unknown policy spec 'gpt'"):
        make_policy("gpt")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        make_policy(f"replay:{tmp_path / 'missing.jsonl'}")
    for bad in ({"max_tokens": 0}, {"temperature": -1}, {"top_p": 0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            SamplingParams(**bad)


def test_vllm_policy_names_its_install_when_vllm_is_missing():
    pytest.importorskip("rlvr.policies.vllm")
    try:
        import vllm  # noqa: F401
    except ImportError:
        from rlvr.errors import DependencyNotInstalled

        with pytest.raises(DependencyNotInstalled, match="pip install vllm"):
            make_policy("vllm:/models/tiny")
    else:
        pytest.skip("vLLM is installed: the missing-dependency path cannot be exercised")
