"""``rlvr rollout-worker RUN_DIR``: sample episodes for a training run from another process."""

from __future__ import annotations

import argparse

from rich.console import Console

from rlvr.errors import DependencyNotInstalled

console = Console(stderr=True)


def add_worker_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rollout-worker",
        help="sample episodes for a GRPO run that has rollouts: remote",
        description="Play rounds of the run's tasks with its newest policy snapshot and write "
        "the rollout records to RUN_DIR/rollouts/, where the trainer re-verifies them. Stops "
        "when the run ends. Start as many as you like, on any machine that sees RUN_DIR.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="the run's output_dir")
    p.add_argument("--name", help="worker name, unique per worker (default: host-pid)")
    p.add_argument(
        "--format",
        choices=("jsonl", "parquet"),
        default="jsonl",
        help="one JSON Lines file per worker, or one Parquet file per round",
    )
    p.add_argument(
        "--backend",
        choices=("hf", "vllm"),
        default="hf",
        help="sample with transformers (rlvr's fast sampler) or with vLLM, when installed",
    )
    p.add_argument("--device", default="auto", help="cpu, cuda, cuda:1, ... (default: auto)")
    p.add_argument("--max-rounds", type=int, help="stop after this many rounds")
    p.add_argument(
        "--wait", type=float, default=600.0, help="seconds to wait for the run's first snapshot"
    )


def cmd_rollout_worker(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401

        from rlvr.remote.worker import RolloutWorker
    except ImportError as error:
        raise DependencyNotInstalled(
            f"rlvr rollout-worker needs torch and transformers ({error}): pip install 'rlvr[train]'"
        ) from error
    worker = RolloutWorker(
        args.run_dir,
        name=args.name,
        output_format=args.format,
        backend=args.backend,
        device=args.device,
        max_rounds=args.max_rounds,
        wait_seconds=args.wait,
    )
    console.print(f"rollout worker {worker.name}: serving {args.run_dir}")
    rounds = worker.run()
    version = worker.snapshot.version if worker.snapshot is not None else None
    console.print(f"rollout worker {worker.name}: {rounds} rounds, last policy version {version}")
    return 0
