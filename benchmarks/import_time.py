"""`import rlvr` time, side by side with reasoning-gym's import in the same run.

Each measurement is a fresh interpreter that times its own import with perf_counter (interpreter
start-up excluded); the script prints the median of N runs per package and the ratio.

    python benchmarks/import_time.py [--runs 15]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys

CODE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_seconds(module: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", CODE.format(module=module)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        times.append(float(out))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {}
    # Interleave the two packages so drift on a noisy machine affects both alike.
    for module in ("rlvr", "reasoning_gym"):
        if importlib.util.find_spec(module) is None:
            print(f"{module}: not installed (pip install 'rlvr[bench]' for the comparison)")
            continue
        import_seconds(module, 2)  # warm the file cache
    for _ in range(args.runs):
        for module in ("rlvr", "reasoning_gym"):
            if importlib.util.find_spec(module) is not None:
                results.setdefault(module, []).extend(import_seconds(module, 1))
    for module, times in results.items():
        print(
            f"import {module:14s} median {statistics.median(times) * 1000:7.1f} ms   "
            f"min {min(times) * 1000:7.1f} ms   ({len(times)} runs)"
        )
    if len(results) == 2:
        ratio = statistics.median(results["reasoning_gym"]) / statistics.median(results["rlvr"])
        print(f"ratio: import rlvr is {ratio:.1f}x faster than import reasoning_gym")
    rlvr_ms = statistics.median(results["rlvr"]) * 1000
    print(f"goal <= 300 ms: {'met' if rlvr_ms <= 300 else 'NOT met'} ({rlvr_ms:.1f} ms)")


if __name__ == "__main__":
    main()
