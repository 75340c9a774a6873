"""How a step's training sequences are cut into the units of one backward pass each.

Two kinds of unit, with the same face (``advantages``, ``mask``, ``logprobs(model, ...)``):

- :class:`SharedPromptUnit`: the sequences of one group that saw the same prompt (all of a
  single-turn group; the first turns of a multi-turn one), the prompt run once
  (:mod:`rlvr.trainers.prefix`);
- :class:`PaddedUnit`: any sequences, right-padded together (the other turns, or everything
  when prompts are not shared), at most ``gradient_accumulation`` of them.

The loss of each unit is weighted by its share of the step's rows or tokens, so the sum of the
units' gradients is the gradient of the whole batch's loss.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from rlvr.trainers.logprobs import token_logprobs
from rlvr.trainers.prefix import shared_prompt_logprobs
from rlvr.trainers.sequences import Batch, TrainingSequence, collate, micro_batches

LogProbs = tuple[torch.Tensor, torch.Tensor | None]


@dataclass(frozen=True)
class PaddedUnit:
    """Sequences padded into one batch."""

    batch: Batch

    @property
    def advantages(self) -> torch.Tensor:
        return self.batch.advantages

    @property
    def mask(self) -> torch.Tensor:
        return self.batch.loss_mask[:, self.batch.first_loss_position :]

    def logprobs(self, model: torch.nn.Module, chunk_size: int, with_entropy: bool) -> LogProbs:
        batch = self.batch.to(next(model.parameters()).device)
        return token_logprobs(
            model,
            batch.input_ids,
            batch.attention_mask,
            chunk_size=chunk_size,
            with_entropy=with_entropy,
            start=batch.first_loss_position,
        )


@dataclass(frozen=True)
class SharedPromptUnit:
    """Completions of one prompt, the prompt run once."""

    prompt: tuple[int, ...]
    completions: tuple[tuple[int, ...], ...]
    advantages: torch.Tensor
    mask: torch.Tensor
    pad_id: int

    def logprobs(self, model: torch.nn.Module, chunk_size: int, with_entropy: bool) -> LogProbs:
        logprobs, entropy, _ = shared_prompt_logprobs(
            model,
            self.prompt,
            self.completions,
            self.pad_id,
            chunk_size=chunk_size,
            with_entropy=with_entropy,
        )
        return logprobs, entropy


Unit = PaddedUnit | SharedPromptUnit


def make_units(
    sequences: Sequence[TrainingSequence],
    *,
    pad_id: int,
    group_size: int,
    accumulation: int,
    mask_truncated: bool,
    share_prompts: bool,
) -> list[Unit]:
    """The units of one optimiser step over ``sequences`` (see the module docstring)."""
    units: list[Unit] = []
    rest: list[TrainingSequence] = list(sequences)
    if share_prompts:
        buckets: dict[tuple[int, tuple[int, ...]], list[TrainingSequence]] = defaultdict(list)
        for sequence in sequences:
            buckets[(sequence.episode // group_size, sequence.prompt_ids)].append(sequence)
        rest = []
        for (_, prompt), members in buckets.items():
            if len(members) > 1 and any(m.completion_ids for m in members):
                units.append(_shared(prompt, members, pad_id, mask_truncated))
            else:
                rest.extend(members)
    for part in micro_batches(rest, accumulation) if rest else []:
        units.append(PaddedUnit(collate(part, pad_id, mask_truncated=mask_truncated)))
    return units


def _shared(
    prompt: tuple[int, ...], members: list[TrainingSequence], pad_id: int, mask_truncated: bool
) -> SharedPromptUnit:
    width = max(len(m.completion_ids) for m in members)
    mask = torch.zeros((len(members), width), dtype=torch.float32)
    for row, member in enumerate(members):
        if not (mask_truncated and member.truncated):
            mask[row, : len(member.completion_ids)] = 1.0
    return SharedPromptUnit(
        prompt=prompt,
        completions=tuple(m.completion_ids for m in members),
        advantages=torch.tensor([m.advantage for m in members], dtype=torch.float32),
        mask=mask,
        pad_id=pad_id,
    )
