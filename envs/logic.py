"""Factories of the built-in logic environments (listed in :mod:`rlvr.envs.catalogue.logic`)."""

from __future__ import annotations

from rlvr.envs.procedural import GradedProceduralConfig, procedural


def _logic(name: str, source: str):
    return procedural(f"logic/{name}-v0", source, "logic", GradedProceduralConfig)


make_n_queens = _logic("n-queens", "rlvr.tasks.logic.n_queens:NQueensSource")
make_sudoku = _logic("sudoku", "rlvr.tasks.logic.sudoku:SudokuSource")
make_futoshiki = _logic("futoshiki", "rlvr.tasks.logic.futoshiki:FutoshikiSource")
make_nonogram = _logic("nonogram", "rlvr.tasks.logic.nonogram:NonogramSource")
make_minesweeper = _logic("minesweeper", "rlvr.tasks.logic.minesweeper:MinesweeperSource")
make_graph_coloring = _logic(
    "graph-coloring", "rlvr.tasks.logic.graph_coloring:GraphColoringSource"
)
make_shortest_path = _logic("shortest-path", "rlvr.tasks.logic.shortest_path:ShortestPathSource")
make_tower_of_hanoi = _logic("tower-of-hanoi", "rlvr.tasks.logic.hanoi:HanoiSource")
make_water_jug = _logic("water-jug", "rlvr.tasks.logic.water_jug:WaterJugSource")
make_knapsack = _logic("knapsack", "rlvr.tasks.logic.knapsack:KnapsackSource")
make_scheduling = _logic("scheduling", "rlvr.tasks.logic.scheduling:SchedulingSource")
make_knights_knaves = _logic(
    "knights-knaves", "rlvr.tasks.logic.knights_knaves:KnightsKnavesSource"
)
make_zebra = _logic("zebra", "rlvr.tasks.logic.zebra:ZebraSource")
make_syllogisms = _logic("syllogisms", "rlvr.tasks.logic.syllogisms:SyllogismSource")
make_family_relations = _logic(
    "family-relations", "rlvr.tasks.logic.family_relations:FamilyRelationsSource"
)
make_sat = _logic("sat", "rlvr.tasks.logic.sat:SatSource")
make_countdown = _logic("countdown", "rlvr.tasks.logic.countdown:CountdownSource")
make_cryptarithm = _logic("cryptarithm", "rlvr.tasks.logic.cryptarithm:CryptarithmSource")
make_seating = _logic("seating", "rlvr.tasks.logic.seating:SeatingSource")
