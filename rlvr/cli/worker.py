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
    p.add_argument(
        "--ray",
        type=int,
        metavar="N",
        help="run N workers as Ray actors on the cluster's nodes (RUN_DIR on a shared file "
        "system; needs rlvr[ray])",
    )
    p.add_argument("--ray-address", help="the Ray cluster (default: a running one, or local)")
    p.add_argument("--gpus-per-worker", type=float, default=0.0, help="Ray GPUs per worker")


def cmd_rollout_worker(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401

        from rlvr.remote.worker import RolloutWorker
    except ImportError as error:
        raise DependencyNotInstalled(
            f"rlvr rollout-worker needs torch and transformers ({error}): pip install 'rlvr[train]'"
        ) from error
    options = {
        "output_format": args.format,
        "backend": args.backend,
        "device": args.device,
        "max_rounds": args.max_rounds,
        "wait_seconds": args.wait,
    }
    if args.ray is not None:
        return _run_on_ray(args, options)
    worker = RolloutWorker(args.run_dir, name=args.name, **options)
    console.print(f"rollout worker {worker.name}: serving {args.run_dir}")
    rounds = worker.run()
    version = worker.snapshot.version if worker.snapshot is not None else None
    console.print(f"rollout worker {worker.name}: {rounds} rounds, last policy version {version}")
    return 0


def _run_on_ray(args: argparse.Namespace, options: dict[str, object]) -> int:
    from rlvr.remote.ray_workers import run_workers_on_ray

    if args.name:
        raise ValueError("--name names one worker; Ray workers are named ray-HOST-PID-I")
    console.print(f"{args.ray} rollout worker(s) on Ray: serving {args.run_dir}")
    rounds = run_workers_on_ray(
        args.run_dir,
        args.ray,
        address=args.ray_address,
        num_gpus=args.gpus_per_worker,
        **options,
    )
    for name, played in sorted(rounds.items()):
        console.print(f"rollout worker {name}: {played} rounds")
    return 0
