"""Metrics of repeated sampling, as pure functions.

- :func:`pass_at_k`: the unbiased estimator of Chen et al. (2021): with ``n`` samples of which
  ``c`` are correct, ``pass@k = 1 - C(n - c, k) / C(n, k)``, the probability that at least one of
  ``k`` samples drawn without replacement from the ``n`` is correct. Computed as a running
  product, so it is exact for any ``n`` without huge binomials.
- :func:`majority_at_k`: whether the most frequent answer among the samples is correct (ties
  broken toward the answer seen first, documented so that results are reproducible).
- :func:`mean`: the plain mean, 0 for no values.
- Reward-hacking signals: :func:`length_correlation` (reward against completion length),
  :func:`format_share` (reward paid by a format component), :func:`unearned_share` (reward paid
  to answers not judged correct).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence

from rlvr.types import RolloutRecord


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for ``c`` correct among ``n`` samples (``1 <= k <= n``)."""
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got c={c}, n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got k={k}, n={n}")
    if n - c < k:
        return 1.0
    miss = 1.0
    for i in range(n - c + 1, n + 1):  # C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i)
        miss *= 1.0 - k / i
    return 1.0 - miss


def majority_at_k(answers: Sequence[Hashable | None], correct: Sequence[bool]) -> bool:
    """Whether the most frequent non-missing answer is a correct one.

    ``answers[i]`` is sample ``i``'s extracted answer (``None`` when it gave none) and
    ``correct[i]`` whether it scored as correct. Ties go to the answer seen first.
    """
    if len(answers) != len(correct):
        raise ValueError(f"{len(answers)} answers but {len(correct)} correctness flags")
    counts = Counter(a for a in answers if a is not None)
    if not counts:
        return False
    top = max(counts.values())
    winner = next(a for a in answers if a is not None and counts[a] == top)
    return any(ok for a, ok in zip(answers, correct, strict=True) if a == winner)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# -- reward-hacking signals ------------------------------------------------------------------------


def length_correlation(rewards: Sequence[float], lengths: Sequence[float]) -> float | None:
    """Pearson correlation of reward and completion length; ``None`` when either is constant."""
    if len(rewards) != len(lengths):
        raise ValueError(f"{len(rewards)} rewards but {len(lengths)} lengths")
    n = len(rewards)
    if n < 2:
        return None
    mean_r, mean_l = sum(rewards) / n, sum(lengths) / n
    cov = sum((r - mean_r) * (x - mean_l) for r, x in zip(rewards, lengths, strict=True))
    var_r = sum((r - mean_r) ** 2 for r in rewards)
    var_l = sum((x - mean_l) ** 2 for x in lengths)
    if var_r <= 0 or var_l <= 0:
        return None
    return cov / math.sqrt(var_r * var_l)


def format_share(records: Sequence[RolloutRecord], format_weight: float) -> float:
    """Share of the total reward paid by the ``format`` component.

    With ``format_weight`` ``w`` the reward is ``(correctness + w * format) / (1 + w)``, so a
    record's format part is ``w * format / (1 + w)``.
    """
    total = sum(r.verdict.reward for r in records)
    if total <= 0 or format_weight <= 0:
        return 0.0
    part = sum(
        format_weight * r.verdict.components.get("format", 0.0) / (1 + format_weight)
        for r in records
    )
    return min(part / total, 1.0)


def unearned_share(records: Sequence[RolloutRecord]) -> float:
    """Share of the total reward paid to answers the verifier did not judge correct."""
    total = sum(r.verdict.reward for r in records)
    if total <= 0:
        return 0.0
    return sum(r.verdict.reward for r in records if not r.verdict.correct) / total
