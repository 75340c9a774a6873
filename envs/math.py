"""Factories of the built-in math environments (listed in :mod:`rlvr.envs.catalogue.math`)."""

from __future__ import annotations

from importlib import resources
from typing import Literal

from pydantic import Field

from rlvr.envs.config import EnvConfig, env_factory
from rlvr.envs.text_env import TextEnv
from rlvr.spec import load_entry_point

BOXED_INSTRUCTION = "Give the final answer as an integer inside \\boxed{}."


class ArithmeticConfig(EnvConfig):
    """Options of ``math/arithmetic-v0``."""

    difficulty: int = Field(1, ge=1, le=5, description="1 (two small operands) to 5 (nested, x/÷).")
    task_seed: int = Field(
        0, ge=0, description="Which stream of tasks; task i of a stream never changes."
    )


@env_factory("math/arithmetic-v0", ArithmeticConfig)
def make_arithmetic(config: ArithmeticConfig) -> TextEnv:
    """``math/arithmetic-v0``: integer expressions with precedence and parentheses."""
    from rlvr.tasks.math.arithmetic import ArithmeticSource

    source = ArithmeticSource(seed=config.task_seed, difficulty=config.difficulty)
    return TextEnv(source, config.verifier("numeric"), **config.env_options())


class WordProblemsConfig(EnvConfig):
    """Options of ``math/word-problems-v0``."""

    split: Literal["all", "train", "test"] = Field(
        "all", description="Which side of the fixed, disjoint train/test split (20% test)."
    )


WORD_PROBLEMS_FILE = "word_problems.jsonl"


@env_factory("math/word-problems-v0", WordProblemsConfig)
def make_word_problems(config: WordProblemsConfig) -> TextEnv:
    """``math/word-problems-v0``: 200 multi-step word problems shipped with rlvr as JSONL."""
    from rlvr.tasks.dataset import DatasetSource

    path = resources.files("rlvr.tasks.data").joinpath(WORD_PROBLEMS_FILE)
    with resources.as_file(path) as file:
        source = DatasetSource.from_file(
            file,
            name="word-problems",
            prompt_column="question",
            answer_column="answer",
            id_column="id",
            metadata_columns=["steps", "template"],
            prompt_template="{prompt}\n\n" + BOXED_INSTRUCTION,
            split=config.split,
        )
    return TextEnv(source, config.verifier("numeric"), **config.env_options())


class ProceduralConfig(EnvConfig):
    """Options of the procedural math families."""

    difficulty: int = Field(1, ge=1, le=5, description="1 (easiest) to 5 (hardest).")
    task_seed: int = Field(
        0, ge=0, description="Which stream of tasks; task i of a stream never changes."
    )


def procedural(env_id: str, source: str, verifier: str = "math"):
    """A factory for the environment ``env_id`` over the procedural family ``"module:Class"``."""

    @env_factory(env_id, ProceduralConfig)
    def make(config: ProceduralConfig) -> TextEnv:
        source_cls = load_entry_point(source)
        tasks = source_cls(seed=config.task_seed, difficulty=config.difficulty)
        return TextEnv(tasks, config.verifier(verifier), **config.env_options())

    make.__doc__ = f"``{env_id}``: tasks from ``{source}``, judged by the ``{verifier}`` verifier."
    return make


make_fractions = procedural("math/fractions-v0", "rlvr.tasks.math.fractions:FractionsSource")
make_powers_roots = procedural("math/powers-roots-v0", "rlvr.tasks.math.powers:PowersSource")
make_linear_equations = procedural(
    "math/linear-equations-v0", "rlvr.tasks.math.linear:LinearEquationSource"
)
make_linear_systems = procedural(
    "math/linear-systems-v0", "rlvr.tasks.math.systems:LinearSystemSource"
)
make_polynomial_roots = procedural(
    "math/polynomial-roots-v0", "rlvr.tasks.math.polynomials:PolynomialRootsSource"
)
make_polynomial_ops = procedural(
    "math/polynomial-ops-v0", "rlvr.tasks.math.polynomial_ops:PolynomialOpsSource"
)
make_derivatives = procedural("math/derivatives-v0", "rlvr.tasks.math.derivatives:DerivativeSource")
make_integrals = procedural("math/integrals-v0", "rlvr.tasks.math.integrals:IntegralSource")
make_limits = procedural("math/limits-v0", "rlvr.tasks.math.limits:LimitSource")
make_sequences = procedural("math/sequences-series-v0", "rlvr.tasks.math.sequences:SequenceSource")
make_number_theory = procedural(
    "math/number-theory-v0", "rlvr.tasks.math.number_theory:NumberTheorySource"
)
make_combinatorics = procedural(
    "math/combinatorics-probability-v0", "rlvr.tasks.math.combinatorics:CombinatoricsSource"
)
make_geometry = procedural("math/geometry-v0", "rlvr.tasks.math.geometry:GeometrySource")
make_base_conversion = procedural(
    "math/base-conversion-v0", "rlvr.tasks.math.bases:BaseConversionSource"
)
make_matrices = procedural("math/matrices-v0", "rlvr.tasks.math.matrices:MatrixSource")
make_word_problems_gen = procedural(
    "math/word-problems-gen-v0", "rlvr.tasks.math.word_problems:WordProblemSource"
)
