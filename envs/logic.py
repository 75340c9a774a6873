"""Factories of the built-in logic environments (listed in :mod:`rlvr.envs.catalogue.logic`)."""

from __future__ import annotations

from rlvr.envs.procedural import GradedProceduralConfig, procedural


def _logic(name: str, source: str):
    return procedural(f"logic/{name}-v0", source, "logic", GradedProceduralConfig)


make_n_queens = _logic("n-queens", "rlvr.tasks.logic.n_queens:NQueensSource")
