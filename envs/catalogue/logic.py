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


ENVS = (_puzzle("n-queens", "make_n_queens", "Complete an N-queens board (any valid placement)."),)
