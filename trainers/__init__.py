"""Trainers that learn from verifiable rewards (GRPO); they need the ``train`` extra.

``from rlvr.trainers import GRPOConfig, GRPOTrainer``: the config is plain pydantic; the
trainer (and torch) is imported on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GRPOConfig", "GRPOTrainer", "TrainingDiverged"]


def __getattr__(name: str) -> Any:
    if name == "GRPOConfig":
        from rlvr.trainers.config import GRPOConfig

        return GRPOConfig
    if name in ("GRPOTrainer", "TrainingDiverged"):
        from rlvr.trainers import grpo

        return getattr(grpo, name)
    raise AttributeError(f"module 'rlvr.trainers' has no attribute {name!r}")
