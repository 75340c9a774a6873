"""From played episodes to the padded tensors the loss needs.

An episode is one task played by the policy: one turn for single-turn environments, several
for multi-turn ones (retries with feedback, tool calls, games). Every turn becomes one
:class:`TrainingSequence`: the exact token ids of the prompt the policy saw at that turn (the
conversation so far, environment feedback and tool results included) followed by the exact ids
it sampled. Only the sampled ids carry loss: the prompt, and so every environment or tool turn
inside it, never does. All turns of an episode share the episode's advantage.

:func:`collate` right-pads sequences into ``input_ids``/``attention_mask`` and builds the loss
mask aligned with next-token log-probabilities (entry ``t`` is about token ``t + 1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class TrainingSequence:
    """One policy turn: prompt ids, sampled ids, and the episode's advantage."""

    prompt_ids: tuple[int, ...]
    completion_ids: tuple[int, ...]
    advantage: float
    episode: int
    """Index of the episode this turn belongs to (several turns share one)."""
    truncated: bool = False
    """The turn used all its token budget without ending (masked under ``mask_truncated``)."""

    def __post_init__(self) -> None:
        if not self.prompt_ids:
            raise ValueError("a training sequence needs at least one prompt token")

    @property
    def length(self) -> int:
        return len(self.prompt_ids) + len(self.completion_ids)


@dataclass(frozen=True)
class Batch:
    """Padded tensors for a list of sequences (rows in the same order)."""

    input_ids: torch.Tensor
    """``[rows, width]`` token ids, right-padded."""
    attention_mask: torch.Tensor
    """``[rows, width]``: 1 on real tokens."""
    loss_mask: torch.Tensor
    """``[rows, width - 1]``: 1 where the next token was sampled by the policy."""
    advantages: torch.Tensor
    """``[rows]`` float32."""

    @property
    def tokens(self) -> int:
        """Number of tokens that carry loss."""
        return int(self.loss_mask.sum())

    @property
    def first_loss_position(self) -> int:
        """The first column of ``loss_mask`` holding a 1 in any row (0 when none does): the
        log-probs before it are never needed."""
        columns = self.loss_mask.any(dim=0).nonzero()
        return int(columns[0]) if len(columns) else 0

    def to(self, device: torch.device | str) -> Batch:
        return Batch(
            self.input_ids.to(device),
            self.attention_mask.to(device),
            self.loss_mask.to(device),
            self.advantages.to(device),
        )


def collate(
    sequences: Sequence[TrainingSequence], pad_id: int, *, mask_truncated: bool = False
) -> Batch:
    """Right-pad ``sequences`` into a :class:`Batch`. Under ``mask_truncated`` a truncated
    turn keeps its row but has no loss tokens."""
    if not sequences:
        raise ValueError("collate needs at least one sequence")
    width = max(sequence.length for sequence in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(sequences), width), dtype=torch.long)
    loss_mask = torch.zeros((len(sequences), width - 1), dtype=torch.float32)
    for row, sequence in enumerate(sequences):
        ids = (*sequence.prompt_ids, *sequence.completion_ids)
        input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        attention_mask[row, : len(ids)] = 1
        if not (mask_truncated and sequence.truncated):
            start = len(sequence.prompt_ids) - 1
            loss_mask[row, start : start + len(sequence.completion_ids)] = 1.0
    advantages = torch.tensor([s.advantage for s in sequences], dtype=torch.float32)
    return Batch(input_ids, attention_mask, loss_mask, advantages)


def micro_batches(
    sequences: Sequence[TrainingSequence], count: int
) -> list[list[TrainingSequence]]:
    """Split ``sequences`` into at most ``count`` contiguous, nearly equal, non-empty parts."""
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    count = min(count, len(sequences))
    size, extra = divmod(len(sequences), count)
    parts, start = [], 0
    for part in range(count):
        end = start + size + (1 if part < extra else 0)
        parts.append(list(sequences[start:end]))
        start = end
    return [part for part in parts if part]
