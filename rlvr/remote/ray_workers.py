"""Rollout workers as Ray actors: ``rlvr rollout-worker RUN_DIR --ray N``.

Each actor runs a :class:`~rlvr.remote.worker.RolloutWorker` on a node of the Ray cluster, with
the resources it asks for (a GPU each, for sampling with a real model), and returns when the run
ends. The workers read snapshots from and write records to ``RUN_DIR``, which must be on a file
system every node sees; the trainer re-verifies every record, wherever it was played.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from rlvr.verifiers.ray_executor import connect_ray, import_ray, release_ray


class RolloutWorkerActor:
    """The Ray actor: one :class:`~rlvr.remote.worker.RolloutWorker`."""

    def __init__(self, run_dir: str, options: dict[str, Any]) -> None:
        from rlvr.remote.worker import RolloutWorker

        self.worker = RolloutWorker(run_dir, **options)

    def run(self) -> tuple[str, int]:
        """Play until the run ends; the worker's name and the rounds it played."""
        return self.worker.name, self.worker.run()


def run_workers_on_ray(
    run_dir: str | Path,
    count: int,
    *,
    address: str | None = None,
    num_cpus: float = 1.0,
    num_gpus: float = 0.0,
    **options: Any,
) -> dict[str, int]:
    """Run ``count`` rollout workers as Ray actors until the run ends; rounds played by each.

    ``options`` go to :class:`~rlvr.remote.worker.RolloutWorker` (``backend``,
    ``output_format``, ``device``, ``max_rounds``, ...); workers are named
    ``ray-HOST-PID-I``. ``address`` is as for ``ray.init`` (``None``: a running instance or a new
    local one).
    """
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    if "name" in options:
        raise ValueError("Ray workers are named ray-HOST-PID-I; do not pass name")
    ray = import_ray()
    owned = connect_ray(address)
    try:
        actor_class = ray.remote(num_cpus=num_cpus, num_gpus=num_gpus)(RolloutWorkerActor)
        prefix = f"ray-{socket.gethostname()}-{os.getpid()}"
        actors = [
            actor_class.remote(str(Path(run_dir).resolve()), {**options, "name": f"{prefix}-{i}"})
            for i in range(count)
        ]
        try:
            return dict(ray.get([actor.run.remote() for actor in actors]))
        finally:
            for actor in actors:
                ray.kill(actor)
    finally:
        release_ray(owned)
