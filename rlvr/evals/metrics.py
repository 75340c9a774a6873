"""Metrics of repeated sampling, as pure functions.

- :func:`pass_at_k`: the unbiased estimator of Chen et al. (2021): with ``n`` samples of which
  ``c`` are correct, ``pass@k = 1 - C(n - c, k) / C(n, k)``, the probability that at least one of
  ``k`` samples drawn without replacement from the ``n`` is correct. Computed as a running
  product, so it is exact for any ``n`` without huge binomials.
- :func:`majority_at_k`: whether the most frequent answer among the samples is correct (ties
  broken toward the answer seen first, documented so that results are reproducible).
- :func:`mean`: the plain mean, 0 for no values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


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
