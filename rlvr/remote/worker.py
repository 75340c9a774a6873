"""A rollout worker: samples episodes from a training run's newest policy snapshot.

``rlvr rollout-worker RUN_DIR`` (or :class:`RolloutWorker`) reads the run's ``config.json`` for
what to play and how to sample, loads the newest snapshot the trainer published, and plays
rounds of ``tasks_per_step`` tasks x ``group_size`` samples with the same rollout engine the
trainer uses locally. Each round's records go to ``RUN_DIR/rollouts/`` (one JSON Lines file per
worker, or one Parquet file per round) with what the trainer needs to learn from them:

``record.policy["policy_version"]``  the snapshot that sampled it (optimiser steps taken)
``record.policy["group"]``           the group it belongs to (same task, ``group_size`` samples)
``record.policy["turn_ids"]``        per policy turn, the sampled token ids and finish reason

The trainer trusts none of it blindly: it rebuilds each task from its own environments, replays
the episode to verify it again, and uses the token ids only when they decode to the verified
text. Between rounds the worker switches to a newer snapshot when one appears (``backend="vllm"``
samples with vLLM and loads each new snapshot's weights into the running engine, starting a new
engine only when that vLLM cannot reload weights), and it stops when the run marks
itself done (or after ``max_rounds``).
"""

from __future__ import annotations

import json
import os
import socket
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from rlvr.remote.snapshot import ROLLOUTS_DIR, Snapshot, is_done, latest_snapshot
from rlvr.types import RolloutRecord

FORMATS = ("jsonl", "parquet")
BACKENDS = ("hf", "vllm")
LOAD_ATTEMPTS = 3
"""Tries at loading the newest snapshot (one may be pruned while it loads)."""


def round_seed(seed: int, worker: str, round_number: int) -> int:
    """Seed of a worker's round: distinct across workers, rounds and runs."""
    entropy = [seed, zlib.crc32(worker.encode("utf-8")), round_number]
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint64)[0] >> 1)


class RolloutWorker:
    """Plays rounds for the run in ``run_dir``; see the module docstring."""

    def __init__(
        self,
        run_dir: str | Path,
        *,
        name: str | None = None,
        output_format: str = "jsonl",
        backend: str = "hf",
        device: str = "auto",
        max_rounds: int | None = None,
        poll_seconds: float = 1.0,
        wait_seconds: float = 600.0,
    ) -> None:
        if output_format not in FORMATS:
            raise ValueError(
                f"output format must be one of {', '.join(FORMATS)}, got {output_format!r}"
            )
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        if max_rounds is not None and max_rounds < 1:
            raise ValueError(f"max_rounds must be >= 1, got {max_rounds}")
        self.run_dir = Path(run_dir)
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        if not self.name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise ValueError(
                f"worker name {self.name!r}: use letters, digits, '-', '_' or '.' (it names a file)"
            )
        self.output_format = output_format
        self.backend = backend
        self.device = device
        self.max_rounds = max_rounds
        self.poll_seconds = poll_seconds
        self.wait_seconds = wait_seconds
        self.rounds = 0
        self.snapshot: Snapshot | None = None
        self.config: Any = None  # the run's GRPOConfig, once it has published a snapshot
        self._policy: Any = None

    def run(self) -> int:
        """Play rounds until the run is done or ``max_rounds`` are played; rounds played."""
        from rlvr.evals.engine import RolloutEngine
        from rlvr.policies.base import SamplingParams
        from rlvr.trainers.data import suite_factories, training_suite

        config = self.config = self._wait_for_run()
        suite = training_suite(config)
        factories = suite_factories(suite)
        params = SamplingParams(
            max_tokens=config.max_new_tokens, temperature=config.temperature, top_p=config.top_p
        )
        try:
            while not is_done(self.run_dir):
                if self.max_rounds is not None and self.rounds >= self.max_rounds:
                    break
                self._load_newest()
                engine = RolloutEngine(
                    lambda key: factories[key](),
                    self._policy,
                    params,
                    batch_size=config.tasks_per_step * config.group_size,
                )
                draws = suite.sample(
                    config.tasks_per_step, seed=round_seed(config.seed, self.name, self.rounds)
                )
                self._write(self._play_round(engine, draws, config.group_size))
                self.rounds += 1
        finally:
            if self._policy is not None:
                self._policy.close()
        return self.rounds

    def _play_round(self, engine: Any, draws: list[Any], group_size: int) -> list[RolloutRecord]:
        from rlvr.trainers.data import group_jobs

        assert self.snapshot is not None
        version = self.snapshot.version
        jobs = group_jobs(draws, group_size)
        played: dict[int, RolloutRecord] = {}

        def keep(record: RolloutRecord, generations: list[Any]) -> None:
            sample = record.policy["job"]["sample"]
            record.policy.update(
                {
                    "policy_version": version,
                    "group": f"{self.name}/{self.rounds}/{sample // group_size}",
                    "worker": self.name,
                    "turn_ids": [
                        {"token_ids": list(g.token_ids or ()), "finish_reason": g.finish_reason}
                        for g in generations
                    ],
                }
            )
            played[sample] = record

        engine.run_episodes(jobs, keep)
        return [played[job.sample] for job in jobs]

    def _wait_for_run(self) -> Any:
        """The run's config, once the trainer has published its first snapshot."""
        from rlvr.trainers.config import GRPOConfig

        deadline = time.monotonic() + self.wait_seconds
        while latest_snapshot(self.run_dir) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.run_dir}: no policy snapshot appeared in {self.wait_seconds:g} s; is a "
                    "trainer with rollouts: remote running with this output_dir?"
                )
            time.sleep(self.poll_seconds)
        config_file = self.run_dir / "config.json"
        config = GRPOConfig.model_validate(json.loads(config_file.read_text(encoding="utf-8")))
        if config.rollouts != "remote":
            raise ValueError(f"{config_file}: the run samples locally (rollouts: local)")
        return config

    def _load_newest(self) -> None:
        """Switch to the newest snapshot if it is not the one loaded."""
        for attempt in range(LOAD_ATTEMPTS):
            newest = latest_snapshot(self.run_dir)
            assert newest is not None
            if self.snapshot is not None and newest.version == self.snapshot.version:
                return
            if self._reloaded(newest):
                self.snapshot = newest
                return
            if self._policy is not None:
                self._policy.close()
                self._policy = None
            try:
                self._policy = self._open(newest)
            except OSError:  # pruned while loading: the trainer published newer ones
                if attempt == LOAD_ATTEMPTS - 1:
                    raise
                continue
            self.snapshot = newest
            return

    def _reloaded(self, snapshot: Snapshot) -> bool:
        """Whether the open vLLM engine took ``snapshot``'s weights in place."""
        reload = getattr(self._policy, "load_weights", None)  # only the vllm: policy has it
        return reload is not None and reload(str(snapshot.path))

    def _open(self, snapshot: Snapshot) -> Any:
        """A policy sampling from ``snapshot``: transformers (hf) or vLLM."""
        if self.backend == "vllm":
            from rlvr.policies.vllm import VLLMPolicy

            return VLLMPolicy(str(snapshot.path))
        from rlvr.policies.hf import HFPolicy

        return HFPolicy(
            str(snapshot.path),
            device=self.device,
            batch_size=self.config.generation_batch_size,
            fast_decoding="on" if self.config.fast_decoding else "off",
        )

    def _write(self, records: list[RolloutRecord]) -> None:
        directory = self.run_dir / ROLLOUTS_DIR
        directory.mkdir(parents=True, exist_ok=True)
        if self.output_format == "jsonl":
            with (directory / f"{self.name}.jsonl").open("a", encoding="utf-8") as handle:
                handle.write("".join(record.model_dump_json() + "\n" for record in records))
            return
        from rlvr.integrations.hf_datasets import records_to_dataset

        final = directory / f"{self.name}-{self.rounds:06d}.parquet"
        partial = directory / f".{final.name}.partial"
        records_to_dataset(records).to_parquet(str(partial))
        os.replace(partial, final)
