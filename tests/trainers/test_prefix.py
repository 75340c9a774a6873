"""A group's shared prompt run once gives the per-row log-probs and gradients."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from rlvr.trainers.logprobs import token_logprobs  # noqa: E402
from rlvr.trainers.prefix import shared_prompt_logprobs  # noqa: E402
from rlvr.trainers.sequences import TrainingSequence, collate  # noqa: E402

PROMPT = (5, 9, 11, 3, 7, 21, 8)
COMPLETIONS = [(4, 6, 2), (12,), (30, 31, 32, 33, 34)]


def per_row(model):
    batch = collate([TrainingSequence(PROMPT, c, 1.0, i) for i, c in enumerate(COMPLETIONS)], 0)
    start = batch.first_loss_position
    logprobs, entropy = token_logprobs(
        model, batch.input_ids, batch.attention_mask, with_entropy=True, start=start
    )
    mask = batch.loss_mask[:, start:]
    return logprobs, entropy, mask


def test_values_match_the_per_row_computation(random_llama) -> None:
    model = random_llama(vocab_size=40, heads=4).eval()
    with torch.no_grad():
        got, got_entropy, mask = shared_prompt_logprobs(
            model, PROMPT, COMPLETIONS, 0, with_entropy=True
        )
        expected, expected_entropy, expected_mask = per_row(model)
    assert got.shape == (3, 5) and mask.tolist() == expected_mask.tolist()
    real = mask.bool()
    assert torch.allclose(got[real], expected[real], atol=1e-5)
    assert torch.allclose(got_entropy[real], expected_entropy[real], atol=1e-5)


def test_gradients_match_the_per_row_computation(random_llama) -> None:
    weights = torch.tensor([1.0, -2.0, 0.5]).unsqueeze(1)
    shared, rows = random_llama(vocab_size=40, heads=4), random_llama(vocab_size=40, heads=4)
    logprobs, _, mask = shared_prompt_logprobs(shared, PROMPT, COMPLETIONS, 0)
    (logprobs * mask * weights).sum().backward()
    expected, _, expected_mask = per_row(rows)
    (expected * expected_mask * weights).sum().backward()
    for (name, a), (_, b) in zip(shared.named_parameters(), rows.named_parameters(), strict=True):
        assert torch.allclose(a.grad, b.grad, atol=1e-5), name


def test_empty_inputs_are_errors(random_llama) -> None:
    with pytest.raises(ValueError, match="prompt"):
        shared_prompt_logprobs(random_llama(vocab_size=40, heads=4), (), COMPLETIONS, 0)
    with pytest.raises(ValueError, match="completion"):
        shared_prompt_logprobs(random_llama(vocab_size=40, heads=4), PROMPT, [()], 0)


def test_units_share_prompts_within_groups_only() -> None:
    from rlvr.trainers.units import PaddedUnit, SharedPromptUnit, make_units

    group = [TrainingSequence(PROMPT, c, float(i), i) for i, c in enumerate(COMPLETIONS)]
    other = [TrainingSequence(PROMPT, (1, 2), 0.5, 3), TrainingSequence(PROMPT, (3,), -0.5, 4)]
    second_turn = TrainingSequence((*PROMPT, 4, 6, 2, 9), (7,), 0.0, 0)  # feedback in the prompt
    cut = TrainingSequence(PROMPT, (8, 8), 1.0, 5, truncated=True)
    units = make_units(
        [*group, *other, second_turn, cut],
        pad_id=0,
        group_size=3,
        accumulation=4,
        mask_truncated=True,
        share_prompts=True,
    )
    shared = [u for u in units if isinstance(u, SharedPromptUnit)]
    padded = [u for u in units if isinstance(u, PaddedUnit)]
    assert [len(u.completions) for u in shared] == [3, 3]  # episodes 0-2, then 3-5
    assert shared[0].advantages.tolist() == [0.0, 1.0, 2.0]
    assert shared[1].mask.tolist() == [[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]  # truncated: no loss
    assert len(padded) == 1 and padded[0].batch.input_ids.shape[0] == 1  # the second turn
    off = make_units(
        [*group, *other],
        pad_id=0,
        group_size=3,
        accumulation=2,
        mask_truncated=False,
        share_prompts=False,
    )
    assert [type(u) for u in off] == [PaddedUnit, PaddedUnit]
    assert sum(float(u.mask.sum()) for u in off) == sum(
        len(s.completion_ids) for s in [*group, *other]
    )
