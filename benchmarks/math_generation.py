"""Task generation rate of rlvr's math families against reasoning-gym 0.1.25, side by side.

For each pair (rlvr family, comparable reasoning-gym dataset) both generators make N items in the
same run, after a warm-up; the script prints items/s for both and the ratio. Goals from the math
issue: >= 1x on arithmetic (basic_arithmetic), >= 10x on polynomial equations.

    python benchmarks/math_generation.py [--items 2000] [--difficulty 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import time

from rlvr.spec import load_entry_point

PAIRS = [
    # (rlvr source, reasoning-gym dataset, goal ratio or None)
    ("rlvr.tasks.math.arithmetic:ArithmeticSource", "basic_arithmetic", 1.0),
    ("rlvr.tasks.math.polynomials:PolynomialRootsSource", "polynomial_equations", 10.0),
    ("rlvr.tasks.math.linear:LinearEquationSource", "simple_equations", None),
    ("rlvr.tasks.math.fractions:FractionsSource", "fraction_simplification", None),
    ("rlvr.tasks.math.polynomial_ops:PolynomialOpsSource", "polynomial_multiplication", None),
    ("rlvr.tasks.math.integrals:IntegralSource", "simple_integration", None),
    ("rlvr.tasks.math.bases:BaseConversionSource", "base_conversion", None),
    ("rlvr.tasks.math.number_theory:NumberTheorySource", "gcd", None),
]


def rate(make_item, items: int) -> float:
    for i in range(min(20, items)):  # warm-up: imports, caches
        make_item(10**6 + i)
    start = time.perf_counter()
    for i in range(items):
        make_item(i)
    return items / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000, help="items per generator")
    parser.add_argument("--difficulty", type=int, default=3)
    args = parser.parse_args()
    have_rg = importlib.util.find_spec("reasoning_gym") is not None
    if not have_rg:
        print("reasoning-gym is not installed: pip install -e '.[bench]' for the comparison")
    print(f"{'rlvr family':28s} {'items/s':>10s}   {'reasoning-gym':24s} {'items/s':>10s}  ratio")
    for source_path, rg_name, goal in PAIRS:
        try:
            source_cls = load_entry_point(source_path)
        except ImportError:
            print(f"{source_path}: not available")
            continue
        source = source_cls(seed=1, difficulty=args.difficulty)
        ours = rate(lambda i, s=source: s[i], args.items)
        line = f"{source.family:28s} {ours:10.0f}"
        if have_rg:
            import reasoning_gym

            rg_items = max(50, args.items // 10) if rg_name != "basic_arithmetic" else args.items
            dataset = reasoning_gym.create_dataset(rg_name, size=10**6 + 50, seed=1)
            theirs = rate(lambda i, d=dataset: d[i], rg_items)
            verdict = ""
            if goal is not None:
                verdict = f"  (goal >= {goal:g}x: {'met' if ours / theirs >= goal else 'NOT met'})"
            line += f"   {rg_name:24s} {theirs:10.0f}  {ours / theirs:5.1f}x{verdict}"
        print(line)


if __name__ == "__main__":
    main()
