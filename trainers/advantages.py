"""Group-relative advantages for GRPO, as a pure function.

Rewards come in groups of ``G`` completions of the same task (consecutive in the input). The
advantage of completion ``j`` of group ``g`` is ``(r_gj - mean_g) / (std_g + eps)``:

- ``scale="group"`` (GRPO): ``std_g`` is the group's standard deviation (population, ddof 0);
- ``scale="batch"``: the standard deviation of all rewards of the batch instead;
- ``scale="none"`` (Dr. GRPO): no division, ``r_gj - mean_g``.

A group whose rewards are all equal has zero advantages whatever the scale: it carries no
learning signal (:func:`zero_variance_groups` finds them, for dynamic-sampling filters and for
the share the trainer reports).
"""

from __future__ import annotations

from typing import Literal

import torch

Scale = Literal["group", "batch", "none"]


def group_advantages(
    rewards: torch.Tensor, group_size: int, scale: Scale = "group", eps: float = 1e-4
) -> torch.Tensor:
    """Advantages of ``rewards`` (shape ``[num_groups * group_size]``), same shape."""
    if group_size < 1 or rewards.numel() % group_size:
        raise ValueError(f"{rewards.numel()} rewards do not split into groups of {group_size}")
    grouped = rewards.reshape(-1, group_size).to(torch.float32)
    centred = grouped - grouped.mean(dim=1, keepdim=True)
    if scale == "none":
        return centred.reshape(-1)
    if scale == "group":
        denominator = grouped.std(dim=1, unbiased=False, keepdim=True) + eps
    elif scale == "batch":
        denominator = grouped.std(unbiased=False) + eps
    else:
        raise ValueError(f"scale must be 'group', 'batch' or 'none', got {scale!r}")
    safe = torch.where(denominator > 0, denominator, torch.ones_like(denominator))
    return torch.where(denominator > 0, centred / safe, torch.zeros_like(centred)).reshape(-1)


def zero_variance_groups(rewards: torch.Tensor, group_size: int) -> torch.Tensor:
    """A boolean per group: ``True`` where every reward of the group is the same."""
    grouped = rewards.reshape(-1, group_size)
    return (grouped == grouped[:, :1]).all(dim=1)
