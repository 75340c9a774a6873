"""Per-episode overhead of the retry-with-feedback wrapper, against the same work without it.

Both sides do the same work on ``math/arithmetic-v0`` in-process (``bounded=False``, so the
wrapper's own cost is not hidden behind worker-pool latency): pose a task, judge a wrong answer,
judge the right one. Without the wrapper: ``reset`` and two ``verify`` calls on the bare
environment; with it: one episode of ``reset`` and two ``step`` calls (feedback, messages, the
verdict list). The difference is the wrapper's overhead per episode. Rounds alternate and the
best of each counts.

The python tool: the latency of a call on a fresh session and of the fifth call of a session
(four earlier cells replayed), against a bare sandbox run of the same cell.

    python benchmarks/multiturn_overhead.py [--episodes 2000] [--rounds 3] [--calls 40]
"""

from __future__ import annotations

import argparse
import time

import rlvr


def boxed(value) -> str:
    return f"\\boxed{{{value}}}"


def bare(env, episodes: int) -> float:
    start = time.perf_counter()
    for i in range(episodes):
        _, info = env.reset(options={"index": i})
        task = info["task"]
        env.verify(task, boxed(int(task.answer) + 1))
        env.verify(task, boxed(task.answer))
    return time.perf_counter() - start


def multi_turn(env, episodes: int) -> float:
    start = time.perf_counter()
    for i in range(episodes):
        _, info = env.reset(options={"index": i})
        gold = info["task"].answer
        env.step(boxed(int(gold) + 1))
        env.step(boxed(gold))
    return time.perf_counter() - start


def python_tool_latency(calls: int) -> None:
    from rlvr.envs.tools.python_tool import PythonTool
    from rlvr.verifiers.sandbox import RunRequest, default_sandbox

    cell = "total = sum(i * i for i in range(1000))\ntotal"
    sandbox = default_sandbox()
    request = RunRequest(
        mode="program", code=f"print({cell.splitlines()[0].split('=')[1]})", inputs=[""]
    )
    sandbox.run(request)  # start the servers
    timings = {"bare sandbox run": [], "python tool, first call": [], "python tool, 5th call": []}
    for _ in range(calls):
        start = time.perf_counter()
        sandbox.run(request)
        timings["bare sandbox run"].append(time.perf_counter() - start)
        tool = PythonTool()
        for number in range(1, 6):
            start = time.perf_counter()
            tool(cell)
            if number in (1, 5):
                key = "python tool, first call" if number == 1 else "python tool, 5th call"
                timings[key].append(time.perf_counter() - start)
    for name, values in timings.items():
        values.sort()
        print(f"{name + ':':36s} {values[len(values) // 2] * 1e3:8.2f} ms median")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    plain = rlvr.make("math/arithmetic-v0", difficulty=2, bounded=False)
    wrapped = rlvr.make("math/arithmetic-v0", difficulty=2, bounded=False, max_attempts=2)
    single, multi = float("inf"), float("inf")
    for _ in range(args.rounds):
        single = min(single, bare(plain, args.episodes))
        multi = min(multi, multi_turn(wrapped, args.episodes))
    per_single = single / args.episodes * 1e6
    per_multi = multi / args.episodes * 1e6
    print(f"reset + 2 verifications (bare env):  {per_single:8.1f} us per task")
    print(f"reset + 2 steps (retry wrapper):     {per_multi:8.1f} us per task")
    print(
        f"wrapper overhead:                    {per_multi - per_single:8.1f} us per episode "
        f"({per_multi / per_single:.2f}x)"
    )

    python_tool_latency(args.calls)


if __name__ == "__main__":
    main()
