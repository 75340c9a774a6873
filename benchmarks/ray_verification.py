"""Verification throughput through Ray against the local verifier pool, side by side.

Jobs: ``math`` verifications of ``math/arithmetic-v0`` tasks, answered correctly (``\\boxed{}``
or "The answer is ..."), wrongly, or not at all, in a fixed mix. Every measurement verifies
tasks of its own (a fresh slice of the source), so no worker answers from its judgement cache.

Measured in one run, on the same machine, with the same number of verifier processes:
  local  VerifierPool(workers=W).run(jobs, timeout)
  ray    RayExecutor(num_actors=W, workers_per_actor=1).run(jobs, timeout) on a local Ray
         instance, at chunk size 1 (one Ray call per job) and at the default chunk size

Both are warmed up first (workers and actors started), and each measurement is repeated
``--reps`` times, interleaved; the median is reported: items/s, the ratio to the local pool,
and Ray's cost per job in microseconds, (t_ray - t_local) / n.

    python benchmarks/ray_verification.py [--n 2000] [--workers 2] [--reps 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import rlvr
import rlvr.verifiers
from rlvr.verifiers.pool import Job, VerifierPool
from rlvr.verifiers.ray_executor import DEFAULT_CHUNK, RayExecutor, import_ray

TIMEOUT = 5.0


def job_slices(n: int) -> Iterator[tuple[list[Job], int]]:
    """Endless slices of ``n`` jobs over fresh tasks (50% correct, 35% wrong, 15% no answer),
    each with how many are correct."""
    env = rlvr.make("math/arithmetic-v0").unwrapped
    verifier = rlvr.verifiers.get("math", bounded=False)
    index = 0
    while True:
        jobs, correct = [], 0
        for _ in range(n):
            task = env.task(index)
            kind = index % 20
            correct += kind < 10
            if kind < 5:
                completion = f"The answer is {task.answer}."
            elif kind < 10:
                completion = f"So the result is $\\boxed{{{task.answer}}}$."
            elif kind < 17:
                completion = f"\\boxed{{{task.answer}1}}"
            else:
                completion = "I am not sure."
            jobs.append(Job(verifier, task, completion))
            index += 1
        yield jobs, correct


def timed(executor, jobs: tuple[list[Job], int]) -> float:
    """Seconds to verify ``jobs``; the verdicts are checked against the known answers."""
    batch, expected = jobs
    start = time.perf_counter()
    verdicts = executor.run(batch, TIMEOUT)
    seconds = time.perf_counter() - start
    assert all(v.status in ("ok", "no_answer") for v in verdicts), [v.feedback for v in verdicts]
    assert sum(v.correct for v in verdicts) == expected
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="jobs per measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    ray = import_ray()
    ray.init(
        address="local",
        num_cpus=args.workers,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    slices = job_slices(args.n)
    local = VerifierPool(args.workers)
    remote = RayExecutor(num_actors=args.workers, workers_per_actor=1)
    chunks = {"chunk 1": 1, f"chunk {DEFAULT_CHUNK}": DEFAULT_CHUNK}
    seconds: dict[str, list[float]] = {"local": [], **{name: [] for name in chunks}}
    try:
        warm = next(slices)[0][: 20 * args.workers]
        local.run(warm, TIMEOUT)
        remote.run(warm, TIMEOUT)
        for _ in range(args.reps):
            seconds["local"].append(timed(local, next(slices)))
            for name, size in chunks.items():
                remote.chunk_size = size
                seconds[name].append(timed(remote, next(slices)))
    finally:
        remote.close()
        local.close()
        ray.shutdown()

    n = args.n
    t_local = statistics.median(seconds["local"])
    print(f"{n} math verifications, {args.workers} verifier processes, median of {args.reps}:")
    print(f"  local VerifierPool     {n / t_local:8.0f} items/s")
    figures: dict[str, object] = {
        "n": n,
        "workers": args.workers,
        "reps": args.reps,
        "seconds": seconds,
        "local_items_per_s": n / t_local,
        "ray": {},
    }
    for name in chunks:
        t_ray = statistics.median(seconds[name])
        overhead_us = (t_ray - t_local) / n * 1e6
        ratio = t_local / t_ray
        print(
            f"  RayExecutor, {name:9} {n / t_ray:8.0f} items/s  ({ratio:.2f}x local, "
            f"{overhead_us:+.0f} us per job)"
        )
        figures["ray"][name] = {  # type: ignore[index]
            "items_per_s": n / t_ray,
            "ratio_to_local": ratio,
            "overhead_us_per_job": overhead_us,
        }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
