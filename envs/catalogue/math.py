"""Built-in math environments."""

from rlvr.spec import EnvSpec

ENVS = (
    EnvSpec(
        id="math/arithmetic-v0",
        entry_point="rlvr.envs.math:make_arithmetic",
        description="Integer expressions with + - * / and parentheses; answer in \\boxed{}.",
        difficulty=(1, 5),
        tags=("math", "procedural"),
    ),
    EnvSpec(
        id="math/word-problems-v0",
        entry_point="rlvr.envs.math:make_word_problems",
        description="200 multi-step word problems shipped as JSONL; answer in \\boxed{}.",
        tags=("math", "dataset"),
    ),
)
