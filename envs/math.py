"""Factories of the built-in math environments (listed in :mod:`rlvr.envs.catalogue.math`)."""

from __future__ import annotations

from importlib import resources
from typing import Literal

from pydantic import Field

from rlvr.envs.config import EnvConfig, env_factory
from rlvr.envs.procedural import procedural
from rlvr.envs.text_env import TextEnv

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


class DatasetConfig(EnvConfig):
    """Options of the dataset-backed math environments."""

    path: str = Field(
        description="A local .jsonl/.json/.csv/.parquet file, a dataset folder, or a hub dataset "
        "name (hub names need a network)."
    )
    config: str | None = Field(None, description="Hub configuration; ignored for local files.")
    hub_split: str = Field("test", description="Which split of a hub dataset to load.")
    split: Literal["all", "train", "test"] = Field(
        "all", description="rlvr's own disjoint train/test split of the rows (20% test)."
    )


class GSM8KConfig(DatasetConfig):
    path: str = Field("openai/gsm8k", description=DatasetConfig.model_fields["path"].description)
    config: str | None = Field("main", description="Hub configuration; ignored for local files.")


class CompetitionMathConfig(DatasetConfig):
    path: str = Field(
        "HuggingFaceH4/MATH-500", description=DatasetConfig.model_fields["path"].description
    )


def _dataset_env(loader: str, config: DatasetConfig) -> TextEnv:
    from rlvr.tasks.math import loaders

    hub = {} if loaders.is_local_file(config.path) else {"config": config.config}
    source = getattr(loaders, loader)(
        config.path, split=config.split, hub_split=config.hub_split, **hub
    )
    return TextEnv(source, config.verifier("math"), **config.env_options())


@env_factory("math/gsm8k-v0", GSM8KConfig)
def make_gsm8k(config: GSM8KConfig) -> TextEnv:
    """``math/gsm8k-v0``: GSM8K-format word problems (final answer after ``####``)."""
    return _dataset_env("gsm8k", config)


@env_factory("math/competition-v0", CompetitionMathConfig)
def make_competition_math(config: CompetitionMathConfig) -> TextEnv:
    """``math/competition-v0``: MATH-format problems (gold in the solution's last box)."""
    return _dataset_env("math_dataset", config)
