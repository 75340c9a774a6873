"""Guards of a GRPO run: stop before a bad update, and say what looks wrong once.

:func:`check_update` clips the gradients and raises :class:`TrainingDiverged` (before the
optimiser step, so the last checkpoint is intact) on a non-finite loss or gradient norm, or on
a loss spike; :func:`step_warnings` names the conditions under which GRPO learns nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from rlvr.errors import RlvrError

SPIKE_WARMUP_STEPS = 5
"""Steps of loss history before the spike guard is armed."""


class TrainingDiverged(RlvrError, RuntimeError):
    """Training stopped on a non-finite value or a loss spike; the last checkpoint is intact."""


def check_update(
    parameters: Sequence[torch.nn.Parameter],
    loss: float,
    *,
    history: Sequence[float],
    max_grad_norm: float,
    spike_factor: float,
    advantage_scale: float = 0.0,
) -> float:
    """Clip gradients; stop on non-finite values or a loss spike. The gradient norm.

    A spike is a loss over ``spike_factor`` times the larger of its running mean (``history``)
    and the step's mean |advantage|: with the policy still at its sampling weights the loss is
    a weighted mean of advantages, and GRPO losses hover near zero while most groups carry no
    signal, so only the ratio or the KL running away can get past both."""
    norm = float(torch.nn.utils.clip_grad_norm_(list(parameters), max_grad_norm))
    if not math.isfinite(loss) or not math.isfinite(norm):
        raise TrainingDiverged(
            f"non-finite {'loss' if not math.isfinite(loss) else 'gradient norm'} "
            f"(loss {loss}, grad norm {norm}); the model was not updated. Lower "
            "learning_rate or use fp32 (dtype: fp32) and resume from the last checkpoint"
        )
    if len(history) >= SPIKE_WARMUP_STEPS:
        typical = max(sum(abs(v) for v in history) / len(history), advantage_scale)
        if abs(loss) > spike_factor * typical:
            raise TrainingDiverged(
                f"loss spike: |loss| {abs(loss):.4g} is over {spike_factor}x"
                f" its typical size {typical:.4g}; the model was not updated. Lower "
                "learning_rate or raise loss_spike_factor and resume from the last checkpoint"
            )
    return norm


def step_warnings(
    metrics: dict[str, Any], *, max_new_tokens: int, mask_truncated: bool, said: list[str]
) -> list[str]:
    """Warnings about a step that were not ``said`` before (they are added to it)."""
    found = []
    if metrics.get("truncated_share", 0.0) >= 0.99:
        found.append(
            f"every completion used all max_new_tokens ({max_new_tokens})"
            + ("; with mask_truncated nothing is learned" if mask_truncated else "")
            + ": raise max_new_tokens"
        )
    if metrics.get("zero_var_share", 0.0) == 1.0 and metrics.get("reward", 0.0) == 0.0:
        found.append(
            "every group scored 0: GRPO learns nothing; try sft_steps (a warm-up), a lower "
            "difficulty or a format reward"
        )
    new = [w for w in found if w not in said]
    said.extend(new)
    return new
