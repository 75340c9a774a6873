"""Per-token log-probabilities of given tokens, without holding a whole batch's logits.

A causal LM's logits are ``[batch, length, vocab]``: for a 150k-token vocabulary that dwarfs
the activations. :func:`token_logprobs` runs the model's body once, then applies the output
head to ``chunk_size`` positions at a time, keeping only the log-probability of each next token
(and, on request, the entropy of each position's distribution).
"""

from __future__ import annotations

import torch


def token_logprobs(
    model: torch.nn.Module,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    *,
    chunk_size: int = 1024,
    with_entropy: bool = False,
    start: int = 0,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``(logprobs, entropy)`` with shape ``[batch, length - 1 - start]``: entry ``t`` is about
    token ``start + t + 1`` given tokens ``0..start + t``. ``start`` skips the output head on
    positions whose next token needs no log-prob (a batch's shortest prompt, less one): with a
    large vocabulary the head costs more than the body. ``model`` is a transformers causal LM
    (``get_decoder()`` or ``model.model`` is its body and ``get_output_embeddings()`` its
    head)."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    if not 0 <= start < input_ids.shape[1] - 1:
        raise ValueError(f"start must be in [0, {input_ids.shape[1] - 1}), got {start}")
    body = model.get_decoder() if hasattr(model, "get_decoder") else model.model
    hidden = body(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    return head_logprobs(
        model, hidden[:, start:-1], input_ids[:, start + 1 :], chunk_size, with_entropy
    )


def head_logprobs(
    model: torch.nn.Module,
    hidden: torch.Tensor,
    targets: torch.Tensor,
    chunk_size: int,
    with_entropy: bool,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Apply the output head to ``hidden`` (``[batch, positions, width]``) ``chunk_size``
    positions at a time; the log-prob of each ``targets`` token (and the entropy)."""
    head = model.get_output_embeddings()
    flat_hidden = hidden.reshape(-1, hidden.shape[-1])
    flat_targets = targets.reshape(-1)
    logprob_parts, entropy_parts = [], []
    for begin in range(0, flat_hidden.shape[0], chunk_size):
        logits = head(flat_hidden[begin : begin + chunk_size]).float()
        scale = getattr(model.config, "final_logit_softcapping", None)
        if scale:
            logits = torch.tanh(logits / scale) * scale
        log_probs = torch.log_softmax(logits, dim=-1)
        chosen = flat_targets[begin : begin + chunk_size].unsqueeze(1)
        logprob_parts.append(log_probs.gather(1, chosen).squeeze(1))
        if with_entropy:
            entropy_parts.append(-(log_probs.exp() * log_probs).sum(dim=-1))
    logprobs = torch.cat(logprob_parts).reshape(targets.shape)
    entropy = torch.cat(entropy_parts).reshape(targets.shape) if with_entropy else None
    return logprobs, entropy
