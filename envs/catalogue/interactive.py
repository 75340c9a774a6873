"""Built-in interactive environments: multi-turn games against a rule-based oracle."""

from rlvr.spec import EnvSpec


def _game(name: str, module: str, factory: str, description: str) -> EnvSpec:
    return EnvSpec(
        id=f"interactive/{name}-v0",
        entry_point=f"rlvr.envs.interactive.{module}:{factory}",
        description=description,
        difficulty=(1, 5),
        tags=("interactive", "logic", "multi-turn"),
    )


ENVS = (
    _game(
        "mastermind",
        "mastermind",
        "make_mastermind",
        "Crack a colour code from black/white peg feedback, over several turns.",
    ),
    _game(
        "twenty-questions",
        "twenty_questions",
        "make_twenty_questions",
        "Identify a hidden creature from a listed set with yes/no attribute questions.",
    ),
    _game(
        "guess-the-rule",
        "guess_the_rule",
        "make_guess_the_rule",
        "Find a hidden rule over integer sequences by testing sequences, then name it.",
    ),
)
