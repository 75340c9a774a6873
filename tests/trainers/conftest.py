"""Fixtures of the trainer tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def random_llama() -> Callable[..., Any]:
    """``random_llama(vocab_size=50, heads=2, kv_heads=2)``: a 2-layer, width-16 Llama with
    seeded random weights (in train mode)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")

    def build(vocab_size: int = 50, heads: int = 2, kv_heads: int = 2) -> Any:
        config = transformers.LlamaConfig(
            vocab_size=vocab_size,
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=2,
            num_attention_heads=heads,
            num_key_value_heads=kv_heads,
            max_position_embeddings=64,
        )
        torch.manual_seed(0)
        return transformers.LlamaForCausalLM(config)

    return build
