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
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``(logprobs, entropy)`` with shape ``[batch, length - 1]``: entry ``t`` is about token
    ``t + 1`` given tokens ``0..t``. ``model`` is a transformers causal LM (``model.model`` is
    its body and ``get_output_embeddings()`` its head)."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    body = model.get_decoder() if hasattr(model, "get_decoder") else model.model
    head = model.get_output_embeddings()
    hidden = body(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    hidden = hidden[:, :-1]
    targets = input_ids[:, 1:]
    flat_hidden = hidden.reshape(-1, hidden.shape[-1])
    flat_targets = targets.reshape(-1)
    logprob_parts, entropy_parts = [], []
    for start in range(0, flat_hidden.shape[0], chunk_size):
        logits = head(flat_hidden[start : start + chunk_size]).float()
        scale = getattr(model.config, "final_logit_softcapping", None)
        if scale:
            logits = torch.tanh(logits / scale) * scale
        log_probs = torch.log_softmax(logits, dim=-1)
        chosen = flat_targets[start : start + chunk_size].unsqueeze(1)
        logprob_parts.append(log_probs.gather(1, chosen).squeeze(1))
        if with_entropy:
            entropy_parts.append(-(log_probs.exp() * log_probs).sum(dim=-1))
    logprobs = torch.cat(logprob_parts).reshape(targets.shape)
    entropy = torch.cat(entropy_parts).reshape(targets.shape) if with_entropy else None
    return logprobs, entropy
