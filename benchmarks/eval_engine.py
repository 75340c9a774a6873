"""Rollout-engine overhead per record, and how verification overlaps generation.

1. Overhead: the oracle policy on ``math/arithmetic-v0`` (in-process verification) through the
   engine, against a bare loop doing the same resets and verifications; the difference per
   record is what the engine adds (requests, batching, threads, records).
2. Overlap: a policy that takes a fixed time per ``generate`` call (a stand-in for a model)
   on ``code/lists-v0`` (verification in the sandbox). Without overlap the wall time would be
   generation plus verification; the engine keeps one batch verifying while the next generates.

    python benchmarks/eval_engine.py [--episodes 1000] [--code-episodes 96] [--generate-ms 40]
"""

from __future__ import annotations

import argparse
import time

import rlvr
from rlvr.evals.engine import EpisodeJob, RolloutEngine
from rlvr.policies import Generation, make_policy


def bare(env, episodes: int) -> float:
    start = time.perf_counter()
    for i in range(episodes):
        _, info = env.reset(options={"index": i})
        task = info["task"]
        env.verify(task, env.reference_completion(task))
    return time.perf_counter() - start


def through_engine(env_id: str, policy, episodes: int, batch_size: int, **kwargs) -> tuple:
    records = []
    engine = RolloutEngine(lambda key: rlvr.make(key, **kwargs), policy, batch_size=batch_size)
    start = time.perf_counter()
    engine.run([EpisodeJob(env_id, i) for i in range(episodes)], records.append)
    return time.perf_counter() - start, records


class SlowOracle:
    """The oracle, taking ``seconds`` per generate call like a model would."""

    spec = "slow-oracle"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls = 0

    def generate(self, requests):
        self.calls += 1
        time.sleep(self.seconds)
        return [Generation(r.reference or "") for r in requests]

    def close(self) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--code-episodes", type=int, default=96)
    parser.add_argument("--generate-ms", type=float, default=40.0)
    args = parser.parse_args()

    env = rlvr.make("math/arithmetic-v0", bounded=False)
    bare(env, 50)
    base = bare(env, args.episodes)
    seconds, records = through_engine(
        "math/arithmetic-v0", make_policy("oracle"), args.episodes, 32, bounded=False
    )
    assert all(r.verdict.correct for r in records)
    print(f"bare reset + verify:        {args.episodes / base:8.0f} episodes/s")
    print(f"engine, oracle policy:      {args.episodes / seconds:8.0f} records/s")
    print(f"engine overhead per record: {(seconds - base) / args.episodes * 1e6:8.0f} us")

    n = args.code_episodes
    through_engine("code/lists-v0", make_policy("oracle"), 8, 8)  # start the sandbox servers
    verify_only, _ = through_engine("code/lists-v0", make_policy("oracle"), n, 8)
    policy = SlowOracle(args.generate_ms / 1000)
    wall, records = through_engine("code/lists-v0", policy, n, 8)
    assert all(r.verdict.correct for r in records)
    generate = policy.calls * policy.seconds
    hidden = max(0.0, generate + verify_only - wall)
    print(
        f"\ncode/lists-v0, {n} episodes, batches of 8, {args.generate_ms:g} ms per generate call:"
    )
    print(
        f"generation alone {generate:.2f} s ({policy.calls} calls), verification alone "
        f"{verify_only:.2f} s (instant policy), both through the engine {wall:.2f} s"
    )
    print(
        f"overlapped: {hidden:.2f} s, {hidden / min(generate, verify_only):.0%} of the smaller part"
    )


if __name__ == "__main__":
    main()
