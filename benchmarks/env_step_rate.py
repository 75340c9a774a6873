"""`rlvr.make` + `reset` + `step` rate for math/arithmetic-v0.

Three measurements in one run:
  make+reset+step   a new environment per episode (what a naive user loop does)
  reset+step        one environment, many episodes, verification bounded in worker processes
  reset+step inline one environment, verification in-process (bounded=False): the cost of
                    isolation is the ratio between the last two

    python benchmarks/env_step_rate.py [--episodes 2000] [--difficulty 3]
"""

from __future__ import annotations

import argparse
import time

import rlvr


def episodes_per_second(step_fn, episodes: int) -> float:
    step_fn(0)  # warm up (starts the verifier pool, imports)
    start = time.perf_counter()
    for i in range(episodes):
        step_fn(i)
    return episodes / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--difficulty", type=int, default=3)
    args = parser.parse_args()
    env_id, kwargs = "math/arithmetic-v0", {"difficulty": args.difficulty}

    def answer(info):
        return f"The answer is \\boxed{{{info['task'].answer}}}."

    def make_reset_step(i: int) -> None:
        env = rlvr.make(env_id, **kwargs)
        _, info = env.reset(seed=i)
        assert env.step(answer(info))[1] == 1.0

    def loop(env):
        def reset_step(i: int) -> None:
            _, info = env.reset(seed=i)
            assert env.step(answer(info))[1] == 1.0

        return reset_step

    bounded = episodes_per_second(loop(rlvr.make(env_id, **kwargs)), args.episodes)
    inline = episodes_per_second(loop(rlvr.make(env_id, bounded=False, **kwargs)), args.episodes)
    full = episodes_per_second(make_reset_step, args.episodes)
    print(f"{env_id} difficulty {args.difficulty}, {args.episodes} episodes each")
    print(f"make+reset+step        {full:9.0f} episodes/s")
    print(f"reset+step (bounded)   {bounded:9.0f} episodes/s")
    print(f"reset+step (inline)    {inline:9.0f} episodes/s")
    print(f"ratio inline/bounded: {inline / bounded:.1f}x (cost of process isolation per step)")


if __name__ == "__main__":
    main()
