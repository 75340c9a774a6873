"""GRPO advantages and loss against hand-computed values."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from rlvr.trainers.advantages import group_advantages, zero_variance_groups  # noqa: E402
from rlvr.trainers.loss import grpo_loss  # noqa: E402


def t(values, dtype=None):
    return torch.tensor(values, dtype=dtype or torch.float64)


def test_group_advantages_by_hand():
    rewards = t([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    # group 1: mean 0.5, std 0.5 -> +-1 (minus the eps effect); group 2: all equal -> 0
    got = group_advantages(rewards, 4, eps=0.0)
    assert got.tolist() == pytest.approx([1.0, -1.0, -1.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    assert group_advantages(rewards, 4, scale="none").tolist() == pytest.approx(
        [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0]
    )
    batch_std = math.sqrt(sum((r - 0.75) ** 2 for r in rewards.tolist()) / 8)
    assert group_advantages(rewards, 4, scale="batch", eps=0.0).tolist() == pytest.approx(
        [0.5 / batch_std, -0.5 / batch_std, -0.5 / batch_std, 0.5 / batch_std, 0, 0, 0, 0]
    )
    assert zero_variance_groups(rewards, 4).tolist() == [False, True]
    with pytest.raises(ValueError, match="groups of 3"):
        group_advantages(rewards, 3)


def test_loss_equals_minus_mean_advantage_when_the_policy_has_not_moved():
    logp = t([[-1.0, -2.0, 0.0], [-0.5, -0.5, -0.5]])
    mask = t([[1, 1, 0], [1, 1, 1]])
    adv = t([2.0, -1.0])
    loss, stats = grpo_loss(logp, logp.clone(), adv, mask, aggregation="token")
    # ratio 1 everywhere: per-token -A; token mean over 5 tokens = -(2*2 - 1*3) / 5
    assert loss.item() == pytest.approx(-(4 - 3) / 5)
    assert stats.clip_fraction == 0.0 and stats.ratio_mean == pytest.approx(1.0)
    seq, _ = grpo_loss(logp, logp.clone(), adv, mask, aggregation="sequence")
    assert seq.item() == pytest.approx(-(2.0 + -1.0) / 2)
    const, _ = grpo_loss(logp, logp.clone(), adv, mask, aggregation="constant", max_tokens=4)
    assert const.item() == pytest.approx(-(4 - 3) / (2 * 4))


def test_clipping_with_separate_low_and_high_bounds():
    old = t([[0.0, 0.0]])
    new = t([[math.log(1.5), math.log(0.5)]])  # ratios 1.5 and 0.5
    mask = t([[1, 1]])
    # positive advantage: 1.5 clipped to 1 + eps_high; 0.5 kept (min picks the unclipped 0.5)
    loss, stats = grpo_loss(new, old, t([1.0]), mask, eps_low=0.2, eps_high=0.28)
    assert loss.item() == pytest.approx(-(1.28 + 0.5) / 2)
    assert stats.clip_fraction == pytest.approx(0.5)
    # negative advantage: 0.5 clipped up to 1 - eps_low (min of -0.5 and -0.8 is -0.8)
    loss, stats = grpo_loss(new, old, t([-1.0]), mask, eps_low=0.2, eps_high=0.28)
    assert loss.item() == pytest.approx(-(-1.5 + -0.8) / 2)
    assert stats.clip_fraction == pytest.approx(0.5)


def test_k3_kl_to_the_reference():
    logp = t([[math.log(0.5)]])
    ref = t([[math.log(0.25)]])
    delta = math.log(0.25) - math.log(0.5)
    k3 = math.exp(delta) - delta - 1
    loss, stats = grpo_loss(logp, logp.clone(), t([0.0]), t([[1]]), ref_logprobs=ref, beta=0.1)
    assert loss.item() == pytest.approx(0.1 * k3) and stats.kl == pytest.approx(k3)


def test_masked_tokens_and_truncated_completions_do_not_count():
    logp = t([[-1.0, -1.0], [-3.0, -3.0]], dtype=torch.float32).requires_grad_()
    mask = t([[1, 0], [0, 0]], dtype=torch.float32)  # row 2 masked entirely (truncated)
    loss, _ = grpo_loss(logp, logp.detach().clone(), t([1.0, 5.0], torch.float32), mask)
    loss.backward()
    assert logp.grad[0, 1].item() == 0.0 and logp.grad[1].abs().sum().item() == 0.0
    assert logp.grad[0, 0].item() == pytest.approx(-1.0)


def test_one_update_moves_log_probs_with_the_sign_of_the_advantage():
    torch.manual_seed(0)
    logits = torch.zeros(2, 4, requires_grad=True)
    targets = torch.tensor([1, 2])
    optimiser = torch.optim.SGD([logits], lr=0.5)
    before = torch.log_softmax(logits, -1)[torch.arange(2), targets].detach()
    logp = torch.log_softmax(logits, -1)[torch.arange(2), targets].unsqueeze(1)
    loss, _ = grpo_loss(logp, logp.detach(), torch.tensor([1.0, -1.0]), torch.ones(2, 1))
    loss.backward()
    optimiser.step()
    after = torch.log_softmax(logits, -1)[torch.arange(2), targets].detach()
    assert after[0] > before[0] and after[1] < before[1]


def test_shapes_and_options_are_checked():
    x = t([[0.0, 0.0]])
    with pytest.raises(ValueError, match="same shape"):
        grpo_loss(x, t([[0.0]]), t([1.0]), x)
    with pytest.raises(ValueError, match="one value per row"):
        grpo_loss(x, x, t([1.0, 2.0]), x)
    with pytest.raises(ValueError, match="aggregation"):
        grpo_loss(x, x, t([1.0]), x, aggregation="mean")  # type: ignore[arg-type]
