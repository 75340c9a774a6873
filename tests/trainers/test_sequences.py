"""Training sequences: only the policy's sampled tokens carry loss."""

from __future__ import annotations

import pytest

from rlvr.trainers.sequences import TrainingSequence, collate, micro_batches


def test_loss_mask_covers_exactly_the_sampled_tokens() -> None:
    sequences = [
        TrainingSequence((1, 2, 3), (4, 5), advantage=1.0, episode=0),
        TrainingSequence((6,), (7, 8, 9), advantage=-0.5, episode=1),
    ]
    batch = collate(sequences, pad_id=0)
    assert batch.input_ids.tolist() == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 0]]
    assert batch.attention_mask.tolist() == [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]]
    # entry t is about token t + 1: row 0 predicts 4 and 5 at positions 2 and 3
    assert batch.loss_mask.tolist() == [[0, 0, 1, 1], [1, 1, 1, 0]]
    assert batch.advantages.tolist() == [1.0, -0.5]
    assert batch.tokens == 5


def test_multi_turn_feedback_inside_the_prompt_carries_no_loss() -> None:
    """Turn 2's prompt holds turn 1's answer and the environment's feedback: no loss there."""
    turn_one = TrainingSequence((10, 11), (20, 21), advantage=0.7, episode=0)
    feedback = (30, 31, 32)  # the environment's "wrong, try again" tokens
    turn_two = TrainingSequence((10, 11, 20, 21, *feedback), (22,), advantage=0.7, episode=0)
    batch = collate([turn_one, turn_two], pad_id=0)
    targets = batch.input_ids[:, 1:]
    trained = targets[batch.loss_mask.bool()].tolist()
    assert trained == [20, 21, 22]
    assert not set(feedback) & set(trained)


def test_truncated_turns_are_masked_only_when_asked() -> None:
    cut = TrainingSequence((1, 2), (3, 4), advantage=1.0, episode=0, truncated=True)
    whole = TrainingSequence((1, 2), (5,), advantage=1.0, episode=1)
    assert collate([cut, whole], 0).loss_mask.sum() == 3
    masked = collate([cut, whole], 0, mask_truncated=True)
    assert masked.loss_mask[0].sum() == 0 and masked.loss_mask[1].sum() == 1


def test_empty_prompt_and_empty_batch_are_errors() -> None:
    with pytest.raises(ValueError, match="prompt token"):
        TrainingSequence((), (1,), advantage=0.0, episode=0)
    with pytest.raises(ValueError, match="at least one"):
        collate([], 0)


@pytest.mark.parametrize(
    ("rows", "count", "sizes"), [(5, 2, [3, 2]), (2, 4, [1, 1]), (6, 3, [2, 2, 2])]
)
def test_micro_batches_split_evenly_in_order(rows: int, count: int, sizes: list[int]) -> None:
    sequences = [TrainingSequence((i + 1,), (), 0.0, i) for i in range(rows)]
    parts = micro_batches(sequences, count)
    assert [len(p) for p in parts] == sizes
    assert [s.episode for p in parts for s in p] == list(range(rows))


def test_first_loss_position_is_the_shortest_prompt_less_one() -> None:
    batch = collate(
        [
            TrainingSequence((1, 2, 3, 4), (5,), 1.0, 0),
            TrainingSequence((1, 2, 3), (6, 7), 1.0, 1),
        ],
        0,
    )
    assert batch.first_loss_position == 2
    assert not batch.loss_mask[:, :2].any()
    empty = collate(
        [TrainingSequence((1, 2), (3,), 1.0, 0, truncated=True)], 0, mask_truncated=True
    )
    assert empty.first_loss_position == 0
