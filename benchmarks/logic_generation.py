"""Puzzle generation rate of rlvr's logic families against reasoning-gym 0.1.25, side by side,
and the checker throughput of every family.

Goals from the logic issue: >= 10x on the solver-based families (sudoku, zebra), >= 1x on the
others that both libraries have. reasoning-gym runs with its default configuration (the rates the
issue quotes); where its puzzles are a different size from ours and it has the knobs, it runs a
second time configured to the size of our puzzles at the chosen difficulty ("same size"), which
is the like-for-like figure. Rates are the best of ``--rounds`` timed rounds on each side, the
sides taking turns. Checker throughput: `check(task, reference(task))` calls per second on the
same tasks.

    python benchmarks/logic_generation.py [--seconds 0.5] [--rounds 3] [--difficulty 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import time

from rlvr.spec import load_entry_point
from rlvr.tasks.logic import graph_coloring, shortest_path


def same_size_shortest_path(difficulty: int) -> dict:
    rows, cols, walls = shortest_path.LEVELS[difficulty]
    return dict(min_rows=rows, max_rows=rows, min_cols=cols, max_cols=cols, p_blocked=walls / 32)


def same_size_graph_color(difficulty: int) -> dict:
    n, k, m = graph_coloring.LEVELS[difficulty]
    edge_probability = m / (n * (n - 1) / 2)
    return dict(
        min_num_vertices=n, max_num_vertices=n, num_colors=k, edge_probability=edge_probability
    )


SAME_SIZE = {"shortest_path": same_size_shortest_path, "graph_color": same_size_graph_color}
"""reasoning-gym configurations whose puzzles are the size of ours at a difficulty"""

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


def rates(makers: list, seconds: float, rounds: int = 3) -> list[float]:
    """Items per second of each ``make_item(index)``: the best of ``rounds`` rounds of
    ``seconds`` each, the makers taking turns round by round so that a noisy stretch of the
    machine hits all of them alike."""
    for make_item in makers:  # warm-up: imports, caches
        for i in range(5):
            make_item(10**6 + i)
    best = [0.0] * len(makers)
    for round_number in range(rounds):
        for which, make_item in enumerate(makers):
            count, index, start = 0, round_number * 10**5, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < seconds or count < 3:
                make_item(index + count)
                count += 1
            best[which] = max(best[which], count / elapsed)
    return best


def dataset_items(name: str, config: dict):
    import reasoning_gym

    dataset = reasoning_gym.create_dataset(name, size=10**6 + 10, seed=1, **config)
    return dataset.__getitem__


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per side (best counts)")
    parser.add_argument("--checks", type=int, default=200, help="tasks per checker timing")
    parser.add_argument("--difficulty", type=int, default=3)
    args = parser.parse_args()
    have_rg = importlib.util.find_spec("reasoning_gym") is not None
    if not have_rg:
        print("reasoning-gym is not installed: pip install -e '.[bench]' for the comparison")
    print(
        f"{'family':22s} {'gen/s':>9s} {'check/s':>9s}   {'reasoning-gym':28s} {'gen/s':>9s}  ratio"
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
        tasks = [source[i] for i in range(args.checks)]
        answers = [rules.reference(t) for t in tasks]
        start = time.perf_counter()
        for task, answer in zip(tasks, answers, strict=True):
            assert rules.check(task, answer).solved
        checks = len(tasks) / (time.perf_counter() - start)
        makers = [source.__getitem__]
        labels = []
        if have_rg and rg_name:
            labels.append("default")
            makers.append(dataset_items(rg_name, {}))
            if rg_name in SAME_SIZE:
                labels.append("same size")
                makers.append(dataset_items(rg_name, SAME_SIZE[rg_name](args.difficulty)))
        ours, *theirs = rates(makers, args.seconds, args.rounds)
        line = f"{source.family:22s} {ours:9.0f} {checks:9.0f}"
        for label, their_rate in zip(labels, theirs, strict=True):
            met = "met" if ours / their_rate >= goal else "NOT met"
            line += (
                f"\n{'':42s}{rg_name + ' (' + label + ')':28s} {their_rate:9.0f}"
                f"  {ours / their_rate:6.1f}x (goal >= {goal:g}x: {met})"
            )
        print(line)


if __name__ == "__main__":
    main()
