"""Puzzle generation rate of rlvr's logic families against reasoning-gym 0.1.25, side by side,
and the checker throughput of every family.

Goals from the logic issue: >= 10x on the solver-based families (sudoku, zebra), >= 1x on the
others that both libraries have. Checker throughput: `check(task, reference(task))` calls per
second on the same tasks.

    python benchmarks/logic_generation.py [--items 300] [--difficulty 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import time

from rlvr.spec import load_entry_point

# (rlvr source, comparable reasoning-gym dataset or None, goal ratio or None)
FAMILIES = [
    ("sudoku:SudokuSource", "sudoku", 10.0),
    ("zebra:ZebraSource", "zebra_puzzles", 10.0),
    ("knights_knaves:KnightsKnavesSource", "knights_knaves", 1.0),
    ("shortest_path:ShortestPathSource", "shortest_path", 1.0),
    ("futoshiki:FutoshikiSource", "futoshiki", 1.0),
    ("graph_coloring:GraphColoringSource", "graph_color", 1.0),
    ("n_queens:NQueensSource", "n_queens", 1.0),
    ("hanoi:HanoiSource", "tower_of_hanoi", 1.0),
    ("countdown:CountdownSource", "countdown", 1.0),
    ("cryptarithm:CryptarithmSource", "cryptarithm", 1.0),
    ("family_relations:FamilyRelationsSource", "family_relationships", 1.0),
    ("syllogisms:SyllogismSource", "syllogism", 1.0),
    ("sat:SatSource", None, None),
    ("nonogram:NonogramSource", None, None),
    ("minesweeper:MinesweeperSource", None, None),
    ("water_jug:WaterJugSource", None, None),
    ("knapsack:KnapsackSource", None, None),
    ("scheduling:SchedulingSource", None, None),
    ("seating:SeatingSource", None, None),
]


def rate(make_item, items: int) -> float:
    for i in range(min(5, items)):  # warm-up: imports, caches
        make_item(10**6 + i)
    start = time.perf_counter()
    for i in range(items):
        make_item(i)
    return items / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=300, help="items per generator")
    parser.add_argument("--difficulty", type=int, default=3)
    args = parser.parse_args()
    have_rg = importlib.util.find_spec("reasoning_gym") is not None
    if not have_rg:
        print("reasoning-gym is not installed: pip install -e '.[bench]' for the comparison")
    print(
        f"{'family':22s} {'gen/s':>9s} {'check/s':>9s}   {'reasoning-gym':22s} {'gen/s':>9s}  ratio"
    )
    for path, rg_name, goal in FAMILIES:
        module_name, _, class_name = path.partition(":")
        try:
            module = load_entry_point(f"rlvr.tasks.logic.{module_name}:{class_name}").__module__
            source = load_entry_point(f"rlvr.tasks.logic.{path}")(
                seed=1, difficulty=args.difficulty
            )
        except ImportError:
            print(f"{module_name}: not available")
            continue
        rules = importlib.import_module(module)
        ours = rate(lambda i, s=source: s[i], args.items)
        tasks = [source[i] for i in range(min(args.items, 200))]
        answers = [rules.reference(t) for t in tasks]
        start = time.perf_counter()
        for task, answer in zip(tasks, answers, strict=True):
            assert rules.check(task, answer).solved
        checks = len(tasks) / (time.perf_counter() - start)
        line = f"{source.family:22s} {ours:9.0f} {checks:9.0f}"
        if have_rg and rg_name:
            import reasoning_gym

            dataset = reasoning_gym.create_dataset(rg_name, size=10**6 + 10, seed=1)
            theirs = rate(lambda i, d=dataset: d[i], max(20, args.items // 5))
            met = "met" if ours / theirs >= goal else "NOT met"
            line += (
                f"   {rg_name:22s} {theirs:9.0f}  {ours / theirs:6.1f}x (goal >= {goal:g}x: {met})"
            )
        print(line)


if __name__ == "__main__":
    main()
