"""The GRPO policy loss, as one small pure function.

For each completion ``i`` with tokens ``t`` (``mask[i, t] = 1`` on the policy's own tokens:
not the prompt, not tool or environment turns, not the padding, and not at all for a
completion masked as truncated), with the probability ratio
``rho = exp(logp - old_logp)`` and the completion's advantage ``A_i``:

    surrogate[i, t] = min(rho * A_i, clip(rho, 1 - eps_low, 1 + eps_high) * A_i)
    kl[i, t]        = exp(ref_logp - logp) - (ref_logp - logp) - 1            (k3 estimator)
    per_token[i, t] = -surrogate[i, t] + beta * kl[i, t]

and the loss aggregates ``per_token`` over the masked tokens:

- ``"token"`` (DAPO): the sum over all tokens of the batch / the number of tokens;
- ``"sequence"`` (GRPO): the mean over each completion's tokens, then the mean over completions;
- ``"constant"`` (Dr. GRPO): the sum over all tokens / (completions * ``max_tokens``), a
  constant that does not depend on lengths.

``eps_low == eps_high`` is PPO's symmetric clip; a larger ``eps_high`` is DAPO's clip-higher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

Aggregation = Literal["token", "sequence", "constant"]


@dataclass(frozen=True)
class LossStats:
    """Diagnostics of one loss evaluation (plain floats)."""

    clip_fraction: float
    """Share of masked tokens whose ratio was clipped in the direction that matters."""
    kl: float
    """Mean k3 KL to the reference over masked tokens (0 without a reference)."""
    ratio_mean: float


def grpo_loss(
    logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    *,
    eps_low: float = 0.2,
    eps_high: float = 0.2,
    aggregation: Aggregation = "token",
    ref_logprobs: torch.Tensor | None = None,
    beta: float = 0.0,
    max_tokens: int | None = None,
) -> tuple[torch.Tensor, LossStats]:
    """The loss of the module docstring. ``logprobs``, ``old_logprobs``, ``ref_logprobs`` and
    ``mask`` have shape ``[completions, tokens]``; ``advantages`` has shape ``[completions]``."""
    if logprobs.shape != old_logprobs.shape or logprobs.shape != mask.shape:
        raise ValueError(
            f"logprobs {tuple(logprobs.shape)}, old_logprobs {tuple(old_logprobs.shape)} and "
            f"mask {tuple(mask.shape)} must have the same shape"
        )
    if advantages.shape != logprobs.shape[:1]:
        raise ValueError(f"advantages {tuple(advantages.shape)} must have one value per row")
    mask = mask.to(logprobs.dtype)
    ratio = torch.exp(logprobs - old_logprobs)
    adv = advantages.to(logprobs.dtype).unsqueeze(1)
    unclipped = ratio * adv
    clipped = torch.clamp(ratio, 1 - eps_low, 1 + eps_high) * adv
    surrogate = torch.minimum(unclipped, clipped)
    per_token = -surrogate
    kl = torch.zeros_like(per_token)
    if ref_logprobs is not None and beta:
        delta = ref_logprobs - logprobs
        kl = torch.exp(delta) - delta - 1
        per_token = per_token + beta * kl
    total_tokens = mask.sum().clamp(min=1)
    if aggregation == "token":
        loss = (per_token * mask).sum() / total_tokens
    elif aggregation == "sequence":
        lengths = mask.sum(dim=1).clamp(min=1)
        loss = ((per_token * mask).sum(dim=1) / lengths).mean()
    elif aggregation == "constant":
        width = max_tokens if max_tokens is not None else logprobs.shape[1]
        loss = (per_token * mask).sum() / (logprobs.shape[0] * width)
    else:
        raise ValueError(f"aggregation must be token, sequence or constant, got {aggregation!r}")
    with torch.no_grad():
        was_clipped = (clipped < unclipped).to(mask.dtype)
        stats = LossStats(
            clip_fraction=float((was_clipped * mask).sum() / total_tokens),
            kl=float((kl * mask).sum() / total_tokens),
            ratio_mean=float((ratio * mask).sum() / total_tokens),
        )
    return loss, stats
