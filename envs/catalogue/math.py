"""Built-in math environments."""

from rlvr.spec import EnvSpec


def _procedural(name: str, factory: str, description: str) -> EnvSpec:
    return EnvSpec(
        id=f"math/{name}-v0",
        entry_point=f"rlvr.envs.math:{factory}",
        description=description,
        difficulty=(1, 5),
        tags=("math", "procedural"),
    )


TOOL_VARIANTS = (
    ("arithmetic", "make_arithmetic", "Integer expressions"),
    ("linear-systems", "make_linear_systems", "2x2 to 4x4 linear systems"),
    ("number-theory", "make_number_theory", "gcd, lcm, modular arithmetic, primes"),
    ("combinatorics-probability", "make_combinatorics", "Counting and probability"),
    ("matrices", "make_matrices", "Determinants, inverses and products"),
)
"""Math families that also come as tool-use environments (``math/<name>-tools-v0``)."""

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
    EnvSpec(
        id="math/gsm8k-v0",
        entry_point="rlvr.envs.math:make_gsm8k",
        description="GSM8K (hub openai/gsm8k, or path= a local GSM8K-format file).",
        tags=("math", "dataset", "hub"),
    ),
    EnvSpec(
        id="math/competition-v0",
        entry_point="rlvr.envs.math:make_competition_math",
        description="MATH-format competition problems (hub MATH-500, or path= a local file).",
        tags=("math", "dataset", "hub"),
    ),
    _procedural("fractions", "make_fractions", "Arithmetic on fractions and decimals."),
    _procedural("powers-roots", "make_powers_roots", "Powers, roots and simplified radicals."),
    _procedural("linear-equations", "make_linear_equations", "Solve a linear equation for x."),
    _procedural("linear-systems", "make_linear_systems", "Solve 2x2 to 4x4 linear systems."),
    _procedural("polynomial-roots", "make_polynomial_roots", "All real roots, as a set."),
    _procedural("polynomial-ops", "make_polynomial_ops", "Expand or factor polynomials."),
    _procedural("derivatives", "make_derivatives", "Differentiate functions of x."),
    _procedural("integrals", "make_integrals", "Definite (exact) and indefinite integrals."),
    _procedural("limits", "make_limits", "Limits at a point and at infinity."),
    _procedural("sequences-series", "make_sequences", "Terms and sums of sequences and series."),
    _procedural("number-theory", "make_number_theory", "gcd, lcm, modular arithmetic, primes."),
    _procedural(
        "combinatorics-probability", "make_combinatorics", "Counting and exact probabilities."
    ),
    _procedural("geometry", "make_geometry", "Areas, lengths, volumes, Pythagoras (exact)."),
    _procedural("base-conversion", "make_base_conversion", "Convert numbers between bases 2-16."),
    _procedural("matrices", "make_matrices", "Determinants, inverses and products."),
    _procedural(
        "word-problems-gen", "make_word_problems_gen", "Multi-step word problems from templates."
    ),
    *(
        EnvSpec(
            id=f"math/{name}-tools-v0",
            entry_point=f"rlvr.envs.math:{factory}",
            description=f"{what}, with python and calculator tools.",
            kwargs={"tools": ("python", "calculator")},
            difficulty=(1, 5),
            tags=("math", "procedural", "tools", "multi-turn"),
        )
        for name, factory, what in TOOL_VARIANTS
    ),
)
