"""A tiny causal language model the project builds itself: no download, seconds on a CPU.

:func:`build_tiny_model` writes a randomly initialised Llama over a character vocabulary
(printable ASCII plus ``<pad>``, ``<s>``, ``</s>``) and a fast tokenizer with a plain chat
template to a directory that ``transformers`` (and so the ``hf:`` policy) loads like any model.
Its size is a few hundred thousand parameters by default: enough to learn small arithmetic-style
tasks on a 2-core CPU in minutes, which is what the CPU quickstart and the tests need.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SPECIAL_TOKENS = ("<pad>", "<s>", "</s>")
CHAT_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)


def character_vocabulary() -> dict[str, int]:
    """Token -> id: the special tokens, then printable ASCII (without \\r, \\v, \\f)."""
    chars = [c for c in string.printable if c not in "\r\x0b\x0c"]
    return {token: i for i, token in enumerate([*SPECIAL_TOKENS, *chars])}


WORD_PIECES = r"\d| ?[A-Za-z]+|[^A-Za-z\d]"
"""Pre-tokens of the word tokenizer: single digits, words with their leading space, any other
single character. BPE merges happen inside a pre-token only."""


def _word_tokenizer(corpus: Iterable[str], vocab_size: int) -> Any:
    import tokenizers

    alphabet = [c for c in string.printable if c not in "\r\x0b\x0c"]
    if vocab_size < len(SPECIAL_TOKENS) + len(alphabet):
        raise ValueError(f"vocab_size must be at least {len(SPECIAL_TOKENS) + len(alphabet)}")
    backend = tokenizers.Tokenizer(tokenizers.models.BPE(unk_token="<s>"))
    backend.pre_tokenizer = tokenizers.pre_tokenizers.Split(
        tokenizers.Regex(WORD_PIECES), behavior="isolated"
    )
    trainer = tokenizers.trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=alphabet,
        show_progress=False,
    )
    backend.train_from_iterator(corpus, trainer)
    return backend


def build_tiny_model(
    directory: str | Path,
    *,
    hidden_size: int = 64,
    layers: int = 2,
    heads: int = 4,
    kv_heads: int = 2,
    max_positions: int = 512,
    initializer_range: float = 0.02,
    tie_embeddings: bool = True,
    seed: int = 0,
    corpus: Iterable[str] | None = None,
    vocab_size: int = 384,
) -> Path:
    """Write the tiny model and its tokenizer to ``directory``; returns the directory.

    Without ``corpus`` the tokenizer has one token per character. With it, BPE merges learnt
    from the corpus join letters into words (up to ``vocab_size`` tokens; every character
    stays a token, and digits are never merged, so arithmetic is still spelt digit by digit):
    prompts get several times shorter, which makes a CPU run that much faster."""
    import tokenizers
    import torch
    import transformers

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if corpus is None:
        vocab = character_vocabulary()
        backend = tokenizers.Tokenizer(
            tokenizers.models.BPE(vocab=vocab, merges=[], unk_token="<s>")
        )
    else:
        backend = _word_tokenizer(corpus, vocab_size)
        vocab = backend.get_vocab()
    backend.decoder = tokenizers.decoders.Fuse()
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(directory)
    config = transformers.LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        max_position_embeddings=max_positions,
        pad_token_id=vocab["<pad>"],
        bos_token_id=vocab["<s>"],
        eos_token_id=vocab["</s>"],
        initializer_range=initializer_range,
        tie_word_embeddings=tie_embeddings,
    )
    generator_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        model = transformers.LlamaForCausalLM(config)
    finally:
        torch.random.set_rng_state(generator_state)
    model.save_pretrained(directory)
    return directory
