"""rlvr's ``math`` verifier against math-verify, side by side on the same labelled cases.

Cases: the single-gold rows of ``tests/verifiers/test_math_conformance.py`` (every equivalence
class of docs/math-answers.md and its near misses) plus generated integer, fraction, radical,
multiple-of-pi and polynomial cases whose labels are known by construction.

Measured in one run, each case timed on its own:
  rlvr         MathVerifier.verify(task, completion), in-process (bounded=False); its caches are
               cleared before every repetition, so no repetition is served from cache (sympy's own
               cache is cleared before every repetition of either verifier)
  math-verify  verify(parse(gold), parse(completion)); golds are given to it in LaTeX, "$...$"
               (rendered once, untimed, by sympy's printer from the parsed gold), the form it reads
               best; the agreement it gets with the bare plain-notation golds is printed too

Reported: cases/s, the throughput ratio (goal: rlvr >= 5x), p50/p99 latency per case, and the
agreement of each with the expected labels (goal: rlvr's >= math-verify's).

    python benchmarks/math_verify_bench.py [--reps 3] [--generated 300] [--show-disagreements]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from math import gcd
from pathlib import Path
from typing import Any

import sympy

import rlvr.verifiers
from rlvr.types import Task
from rlvr.verifiers.math_verifier import MathVerifier
from rlvr.verifiers.mathparse import (
    Equation,
    Interval,
    IntervalUnion,
    MathValue,
    Matrix,
    Scalar,
    SetValue,
    TupleValue,
    parse_math,
)

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "verifiers" / "test_math_conformance.py"

Case = tuple[str, str, dict[str, Any], float]


def conformance_cases() -> list[Case]:
    """The single-gold rows of the conformance table (math-verify has no multi-part answers)."""
    spec = importlib.util.spec_from_file_location("math_conformance_table", TABLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(str(g), c, m, float(e)) for g, c, m, e in module.CASES if not isinstance(g, list)]


def _box(text: str) -> str:
    return f"The final answer is $\\boxed{{{text}}}$."


def generated_cases(n: int, seed: int = 0) -> list[Case]:
    """``n`` cases (about) whose labels follow from how they are built."""
    rng = random.Random(seed)
    number: dict[str, Any] = {"answer_type": "number"}
    cases: list[Case] = []
    while len(cases) < n:
        kind = rng.randrange(5)
        if kind == 0:
            k = rng.randint(-999, 9999)
            cases += [
                (str(k), _box(str(k)), {}, 1.0),
                (str(k), f"Adding up, the total is {k}.", {}, 1.0),
                (str(k), _box(str(k + 1)), {}, 0.0),
            ]
        elif kind == 1:
            p, q = rng.randint(1, 60), rng.randint(2, 60)
            g = gcd(p, q)
            p, q = p // g, q // g
            if q == 1:
                continue
            gold = f"{p}/{q}"
            cases += [
                (gold, _box(f"\\frac{{{p}}}{{{q}}}"), {}, 1.0),
                (gold, _box(f"\\dfrac{{{2 * p}}}{{{2 * q}}}"), {}, 1.0),
                (gold, _box(f"\\frac{{{p + 1}}}{{{q}}}"), {}, 0.0),
                (gold, _box(f"{float(Fraction(p, q)):.3f}"), {}, 0.0 if 1000 % q else 1.0),
            ]
        elif kind == 2:
            a, b = rng.randint(2, 9), rng.choice([2, 3, 5, 6, 7, 10, 11])
            gold = f"{a}*sqrt({b})"
            cases += [
                (gold, _box(f"\\sqrt{{{a * a * b}}}"), number, 1.0),
                (gold, _box(f"{a}\\sqrt{{{b}}}"), number, 1.0),
                (gold, _box(f"{a * b**0.5:.2f}"), number, 0.0),
                (gold, _box(f"{a + 1}\\sqrt{{{b}}}"), number, 0.0),
            ]
        elif kind == 3:
            k, m = rng.randint(1, 30), rng.choice([2, 3, 4, 6])
            g = gcd(k, m)
            k, m = k // g, m // g
            gold = f"{k}*pi" if m == 1 else f"{k}*pi/{m}"
            latex = f"{k}\\pi" if m == 1 else f"\\frac{{{k}\\pi}}{{{m}}}"
            cases += [
                (gold, _box(latex), number, 1.0),
                (gold, _box(f"{k * 3.14159265 / m:.2f}"), number, 0.0),
            ]
        else:
            a, b = rng.randint(1, 9), rng.randint(1, 9)
            gold = f"x^2 + {a + b}*x + {a * b}"
            expression: dict[str, Any] = {"answer_type": "expression"}
            cases += [
                (gold, _box(f"(x+{a})(x+{b})"), expression, 1.0),
                (gold, _box(f"x^2+{a + b}x+{a * b}"), expression, 1.0),
                (gold, _box(f"(x+{a})(x-{b})"), expression, 0.0),
            ]
    return cases


def time_cases(
    judge: Callable[[Case], float], cases: list[Case]
) -> tuple[list[float], list[float]]:
    """Per-case seconds and the rewards ``judge`` gave."""
    seconds, rewards = [], []
    for case in cases:
        start = time.perf_counter()
        reward = judge(case)
        seconds.append(time.perf_counter() - start)
        rewards.append(reward)
    return seconds, rewards


def rlvr_judge() -> Callable[[Case], float]:
    verifier = rlvr.verifiers.get("math", bounded=False)

    def judge(case: Case) -> float:
        gold, completion, metadata, _ = case
        task = Task(id="bench/0", prompt="", answer=gold, metadata=metadata)
        return verifier.verify(task, completion).reward

    return judge


def latex(value: MathValue) -> str:
    """``value`` in LaTeX (sympy's printer for expressions): the gold form math-verify reads."""
    if isinstance(value, Scalar):
        return sympy.latex(value.expr)
    if isinstance(value, SetValue):
        return "\\{" + ", ".join(latex(v) for v in value.items) + "\\}"
    if isinstance(value, TupleValue):
        return "\\left(" + ", ".join(latex(v) for v in value.items) + "\\right)"
    if isinstance(value, Interval):
        ends = f"{sympy.latex(value.lo)}, {sympy.latex(value.hi)}"
        return "(["[not value.left_open] + ends + ")]"[not value.right_open]
    if isinstance(value, IntervalUnion):
        return " \\cup ".join(latex(part) for part in value.parts)
    if isinstance(value, Equation):
        return f"{sympy.latex(value.lhs)} = {sympy.latex(value.rhs)}"
    assert isinstance(value, Matrix)
    rows = " \\\\ ".join(" & ".join(sympy.latex(x) for x in row) for row in value.rows)
    return f"\\begin{{pmatrix}} {rows} \\end{{pmatrix}}"


def math_verify_judge(cases: list[Case], latex_golds: bool) -> Callable[[Case], float]:
    """math-verify on a case; golds as ``$LaTeX$`` (rendered here, untimed) or as bare strings."""
    from math_verify import parse, verify

    golds = {}
    for gold, _, metadata, _ in cases:
        key = (gold, metadata.get("answer_type"))
        if key not in golds:
            golds[key] = f"${latex(parse_math(gold, key[1]))}$" if latex_golds else gold

    def judge(case: Case) -> float:
        gold, completion, metadata, _ = case
        try:
            parsed_gold = parse(golds[gold, metadata.get("answer_type")])
            return float(verify(parsed_gold, parse(completion)))
        except Exception:  # count a crash as a wrong verdict, as a trainer would
            return 0.0

    return judge


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def agreement(rewards: list[float], cases: list[Case]) -> float:
    return sum(r == c[3] for r, c in zip(rewards, cases, strict=True)) / len(cases)


def report(name: str, seconds: list[float], rewards: list[float], cases: list[Case]) -> float:
    """Print one line (rate and latency over every timed call, agreement over ``cases``)."""
    rate = len(seconds) / sum(seconds)
    agreed = sum(r == c[3] for r, c in zip(rewards, cases, strict=True))
    print(
        f"{name:12s} {rate:9.0f} cases/s   p50 {percentile(seconds, 0.5) * 1e3:8.3f} ms   "
        f"p99 {percentile(seconds, 0.99) * 1e3:8.3f} ms   "
        f"agreement {agreed / len(cases):6.1%} ({agreed}/{len(cases)})"
    )
    return rate


_TASK_RULES = ("percent", "unit", "tolerance")


def plain_subset(cases: list[Case], rewards: list[float]) -> tuple[list[Case], list[float]]:
    """The cases that need no task-specific rule (percent, unit, tolerance, antiderivative)."""
    keep = [
        i
        for i, (_, _, metadata, _) in enumerate(cases)
        if not any(k in metadata for k in _TASK_RULES)
        and metadata.get("answer_type") != "antiderivative"
    ]
    return [cases[i] for i in keep], [rewards[i] for i in keep]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--generated", type=int, default=300)
    parser.add_argument("--show-disagreements", action="store_true")
    args = parser.parse_args()
    table = conformance_cases()
    cases = table + generated_cases(args.generated)
    print(
        f"{len(cases)} cases: {len(table)} from the conformance table, "
        f"{len(cases) - len(table)} generated; {args.reps} repetitions, each case timed alone"
    )

    have_math_verify = importlib.util.find_spec("math_verify") is not None
    judges = {"rlvr": rlvr_judge()}
    if have_math_verify:
        judges["math-verify"] = math_verify_judge(cases, latex_golds=True)
    for judge in judges.values():  # warm up imports and lazily built state
        time_cases(judge, cases[:20])

    seconds: dict[str, list[float]] = {name: [] for name in judges}
    rewards: dict[str, list[float]] = {}
    for _ in range(args.reps):
        for name, judge in judges.items():  # interleaved, so machine drift hits both alike
            if name == "rlvr":
                MathVerifier.cache_clear()
            sympy.core.cache.clear_cache()  # both build sympy objects: no warm sympy cache either
            s, r = time_cases(judge, cases)
            seconds[name] += s
            rewards[name] = r
    rates = {name: report(name, seconds[name], rewards[name], cases) for name in judges}
    for name in judges:
        subset, subset_rewards = plain_subset(cases, rewards[name])
        agreed = sum(r == c[3] for r, c in zip(subset_rewards, subset, strict=True))
        print(
            f"{name:12s} agreement on the {len(subset)} cases needing no percent/unit/tolerance/"
            f"antiderivative rule: {agreed / len(subset):.1%}"
        )
    generated = cases[len(table) :]  # labelled by construction, not by this project's judgement
    for name in judges:
        print(
            f"{name:12s} agreement on the {len(generated)} generated cases: "
            f"{agreement(rewards[name][len(table) :], generated):.1%}"
        )
    if not have_math_verify:
        print("math-verify is not installed: pip install -e '.[bench]' for the comparison")
        return 1
    print(f"ratio: rlvr is {rates['rlvr'] / rates['math-verify']:.1f}x faster (goal >= 5x)")
    bare = time_cases(math_verify_judge(cases, latex_golds=False), cases)[1]
    print(f"math-verify with bare plain-notation golds: agreement {agreement(bare, cases):.1%}")
    if args.show_disagreements:
        for name in judges:
            for case, reward in zip(cases, rewards[name], strict=True):
                if reward != case[3]:
                    print(
                        f"  {name} disagrees: gold {case[0]!r} {case[1][-60:]!r} "
                        f"expected {case[3]:g} got {reward:g}"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
