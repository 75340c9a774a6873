"""A short supervised warm-up on reference answers, before GRPO.

A model that never produces the answer format gets reward 0 on every sample, and GRPO learns
nothing from groups whose rewards are all equal. A few steps of next-token training on each
task's reference completion (the environment's ``reference_completion``: the gold answer in the
format its verifier reads) teach the format and a little of the task, so GRPO starts at the
edge of the model's ability. The warm-up draws its tasks with a seed of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from rlvr.suite import Suite
from rlvr.trainers.logprobs import token_logprobs
from rlvr.trainers.model import autocast
from rlvr.trainers.sequences import TrainingSequence, collate

SFT_SEED_OFFSET = 7_919


def reference_sequences(
    suite: Suite, tokenizer: Any, count: int, seed: int
) -> list[TrainingSequence]:
    """``count`` tasks of ``suite`` as (templated prompt, reference answer + end-of-sequence)."""
    sequences = []
    for draw in suite.sample(count, seed=seed):
        env = suite.env(draw.key)
        _, info = env.reset(options={"index": draw.index})
        completion = env.unwrapped.reference_completion(info["task"])
        prompt = tokenizer.apply_chat_template(
            info["messages"], add_generation_prompt=True, tokenize=False
        )
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        completion_ids = tokenizer(completion, add_special_tokens=False)["input_ids"]
        if tokenizer.eos_token_id is not None:
            completion_ids = [*completion_ids, tokenizer.eos_token_id]
        sequences.append(TrainingSequence(tuple(prompt_ids), tuple(completion_ids), 1.0, 0))
    return sequences


def supervised_warmup(
    model: Any,
    tokenizer: Any,
    suite: Suite,
    *,
    steps: int,
    batch_size: int,
    learning_rate: float,
    seed: int,
    device: torch.device,
    chunk_size: int = 1024,
    mixed: bool = False,
    on_step: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Train ``steps`` steps of mean next-token loss on reference completions; the losses.
    ``mixed``: bf16 autocast on CUDA (fp32 weights)."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=learning_rate, weight_decay=0.0)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    losses = []
    model.train()
    for step in range(1, steps + 1):
        sequences = reference_sequences(
            suite, tokenizer, batch_size, seed * 1_000_003 + SFT_SEED_OFFSET + step
        )
        batch = collate(sequences, pad_id).to(device)
        with autocast(mixed):
            logprobs, _ = token_logprobs(
                model, batch.input_ids, batch.attention_mask, chunk_size=chunk_size
            )
        loss = -(logprobs * batch.loss_mask).sum() / batch.loss_mask.sum().clamp(min=1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        losses.append(loss.item())
        if on_step is not None:
            on_step(step, losses[-1])
    model.eval()
    return losses


def check_reference_lengths(suite: Suite, tokenizer: Any, max_new_tokens: int, seed: int) -> None:
    """Refuse a warm-up whose reference answers do not fit in ``max_new_tokens``: it would teach
    answers the model cannot finish."""
    sample = reference_sequences(suite, tokenizer, 16, seed)
    longest = max(len(s.completion_ids) for s in sample)
    if longest > max_new_tokens:
        raise ValueError(
            f"reference answers take up to {longest} tokens (end of sequence included), over "
            f"max_new_tokens ({max_new_tokens}): the warm-up would teach answers the model "
            "cannot finish; raise max_new_tokens"
        )
