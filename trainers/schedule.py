"""The learning-rate schedule: linear warm-up, then constant, linear or cosine decay."""

from __future__ import annotations

import math


def learning_rate_factor(done: int, *, warmup: int, total: int, schedule: str) -> float:
    """The learning rate's multiplier after ``done`` optimiser steps: a linear warm-up over
    ``warmup`` steps, then constant, or a linear or cosine decay reaching 0 at ``total``."""
    if warmup and done < warmup:
        return (done + 1) / warmup
    if schedule == "constant":
        return 1.0
    progress = min(1.0, (done - warmup) / max(total - warmup, 1))
    if schedule == "linear":
        return 1.0 - progress
    return 0.5 * (1.0 + math.cos(math.pi * progress))
