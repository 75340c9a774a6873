"""Fixtures of the transformers-backed policy tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer Llama over a character vocabulary, saved with a chat-templated tokenizer; a
    zero logit for </s> (id 2), so greedy decoding never ends on its own."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from rlvr.trainers.tiny import build_tiny_model

    directory = build_tiny_model(
        tmp_path_factory.mktemp("tiny-llama"),
        hidden_size=32,
        max_positions=256,
        initializer_range=0.5,
        tie_embeddings=False,
    )
    model = transformers.LlamaForCausalLM.from_pretrained(directory)
    with torch.no_grad():
        model.lm_head.weight[2].zero_()
    model.save_pretrained(directory)
    return directory
