"""Rollout workers as Ray actors feed a training run whose trainer re-verifies their records."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

pytest.importorskip("ray")
pytest.importorskip("torch")
pytest.importorskip("transformers")

from rlvr.remote.ray_workers import run_workers_on_ray
from rlvr.trainers.config import GRPOConfig
from rlvr.trainers.grpo import GRPOTrainer
from rlvr.trainers.metrics import read_metrics


def test_ray_workers_serve_a_run_until_it_ends(tmp_path: Path, ray_session) -> None:
    config = GRPOConfig.model_validate(
        {
            "model": "tiny",
            "tiny_model": {"hidden_size": 32, "layers": 1, "heads": 2, "kv_heads": 1},
            "env": "math/arithmetic-v0",
            "env_kwargs": {"difficulty": 1},
            "eval_limit": 4,
            "output_dir": str(tmp_path),
            "steps": 2,
            "tasks_per_step": 2,
            "group_size": 4,
            "max_new_tokens": 6,
            "eval_every": 100,
            "checkpoint_every": 100,
            "rollouts": "remote",
            "rollout_timeout": 180,
        }
    )
    played: dict[str, int] = {}

    def serve() -> None:
        played.update(run_workers_on_ray(tmp_path, 1, num_cpus=0.5, device="cpu", wait_seconds=120))

    thread = threading.Thread(target=serve)
    thread.start()
    trainer = GRPOTrainer(config, console=False)
    try:
        trainer.train()
    finally:
        trainer.close()
        thread.join(timeout=120)
    assert not thread.is_alive()
    [(name, rounds)] = played.items()
    assert name.startswith("ray-") and rounds >= 2
    assert (tmp_path / "rollouts" / f"{name}.jsonl").is_file()
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "train"]
    assert [r["remote/accepted"] for r in rows] == [8.0, 8.0]


def test_bad_worker_counts_and_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="count must be >= 1"):
        run_workers_on_ray(tmp_path, 0)
    with pytest.raises(ValueError, match="do not pass name"):
        run_workers_on_ray(tmp_path, 1, name="w")
