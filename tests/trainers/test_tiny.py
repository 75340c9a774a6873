"""The tiny model the project builds for CPU training and tests."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from rlvr.policies import GenerationRequest, SamplingParams, make_policy  # noqa: E402
from rlvr.trainers.tiny import build_tiny_model, character_vocabulary  # noqa: E402


def test_the_tiny_model_is_deterministic_loads_and_generates(tmp_path):
    first = build_tiny_model(tmp_path / "a", seed=3)
    second = build_tiny_model(tmp_path / "b", seed=3)
    other = build_tiny_model(tmp_path / "c", seed=4)
    weights = [
        transformers.AutoModelForCausalLM.from_pretrained(d).state_dict()
        for d in (first, second, other)
    ]
    name = "model.layers.0.self_attn.q_proj.weight"
    assert torch.equal(weights[0][name], weights[1][name])
    assert not torch.equal(weights[0][name], weights[2][name])
    tokenizer = transformers.AutoTokenizer.from_pretrained(first)
    text = "What is 12+30? \\boxed{42}"
    assert tokenizer.decode(tokenizer(text)["input_ids"]) == text
    assert len(tokenizer) == len(character_vocabulary())
    params = sum(p.numel() for p in weights[0].values())
    assert 10_000 < params < 1_000_000
    policy = make_policy(f"hf:{first}", device="cpu")
    request = GenerationRequest(
        messages=({"role": "user", "content": "1+1?"},),
        params=SamplingParams(max_tokens=5, temperature=0.0),
    )
    (generation,) = policy.generate([request])
    assert generation.completion_tokens is not None and generation.completion_tokens <= 5
    policy.close()


def test_building_does_not_disturb_the_global_random_state(tmp_path):
    torch.manual_seed(11)
    expected = torch.rand(3)
    torch.manual_seed(11)
    build_tiny_model(tmp_path / "m", seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_word_tokenizer_shortens_text_and_keeps_digits_single(tmp_path):
    transformers = pytest.importorskip("transformers")
    corpus = ["Compute the value of this expression.", "The answer is \\boxed{12}."] * 50
    a = build_tiny_model(tmp_path / "a", corpus=corpus, vocab_size=128)
    b = build_tiny_model(tmp_path / "b", corpus=corpus, vocab_size=128)
    tokenizer = transformers.AutoTokenizer.from_pretrained(a)
    text = "Compute the value: 407 + 3? The answer is \\boxed{410}.\n"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    pieces = [tokenizer.decode([i]) for i in ids]
    assert tokenizer.decode(ids) == text  # lossless
    assert len(ids) < 0.7 * len(text)  # digits, spaces and signs stay single characters
    assert {"4", "0", "7", "3", "1"} <= set(pieces) and not any(
        len(p) > 1 and any(c.isdigit() for c in p) for p in pieces
    )
    assert (a / "tokenizer.json").read_text() == (b / "tokenizer.json").read_text()
    assert transformers.AutoModelForCausalLM.from_pretrained(a).config.vocab_size == 128
