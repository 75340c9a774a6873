"""Built-in logic environments: procedural puzzles judged by their own rules."""

from rlvr.spec import EnvSpec


def _puzzle(name: str, factory: str, description: str) -> EnvSpec:
    return EnvSpec(
        id=f"logic/{name}-v0",
        entry_point=f"rlvr.envs.logic:{factory}",
        description=description,
        difficulty=(1, 5),
        tags=("logic", "procedural"),
    )


ENVS = (
    _puzzle("n-queens", "make_n_queens", "Complete an N-queens board (any valid placement)."),
    _puzzle("sudoku", "make_sudoku", "Sudoku 4x4 to 9x9 with a unique solution."),
    _puzzle("futoshiki", "make_futoshiki", "Latin squares with inequality clues (unique)."),
    _puzzle("nonogram", "make_nonogram", "Fill a grid from row and column clues (unique)."),
    _puzzle("minesweeper", "make_minesweeper", "Deduce every mine from the revealed numbers."),
    _puzzle(
        "graph-coloring",
        "make_graph_coloring",
        "Colour a graph with k colours (any valid colouring).",
    ),
    _puzzle(
        "shortest-path", "make_shortest_path", "A shortest path through a maze (any shortest path)."
    ),
    _puzzle(
        "tower-of-hanoi",
        "make_tower_of_hanoi",
        "Tower of Hanoi move sequences, checked by simulation.",
    ),
    _puzzle("water-jug", "make_water_jug", "Measure a target amount with jugs (simulated)."),
    _puzzle("knapsack", "make_knapsack", "0/1 knapsack: a feasible subset of optimal value."),
    _puzzle(
        "scheduling", "make_scheduling", "Schedule tasks with precedences at optimal makespan."
    ),
    _puzzle("knights-knaves", "make_knights_knaves", "Who tells the truth? (unique solution)"),
    _puzzle("zebra", "make_zebra", "Einstein/zebra puzzles with a unique solution."),
    _puzzle(
        "syllogisms",
        "make_syllogisms",
        "Valid or invalid? Syllogisms and entailment, solver-labelled.",
    ),
    _puzzle(
        "family-relations", "make_family_relations", "How are two people in a family tree related?"
    ),
    _puzzle("sat", "make_sat", "Satisfy a CNF formula (any satisfying assignment)."),
    _puzzle(
        "countdown",
        "make_countdown",
        "The 24 game and countdown: reach the target with the numbers given.",
    ),
    _puzzle(
        "cryptarithm", "make_cryptarithm", "Letter-digit addition puzzles (any valid assignment)."
    ),
    _puzzle("seating", "make_seating", "Seat people from ordering clues (unique order)."),
)
