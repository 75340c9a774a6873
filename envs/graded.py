"""Factories of the built-in graded environments (listed in :mod:`rlvr.envs.catalogue.graded`).

Their tasks carry a rubric, and the ``rubric`` verifier grades completions by it: partial credit,
verifier kind ``rubric``, which is hackable (see :mod:`rlvr.verifiers.kinds`), so suites marked
``verifiable`` refuse these environments unless they set ``allow_hackable``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from rlvr.envs.config import env_factory
from rlvr.envs.procedural import ProceduralConfig
from rlvr.envs.text_env import TextEnv
from rlvr.spec import load_entry_point


class GradedConfig(ProceduralConfig):
    """Options of the procedural graded families."""

    pass_threshold: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Reward at or above which a completion counts as correct (pass@k); default: "
        "the rubric's own, 1.0 (every item met).",
    )

    @field_validator("format_weight")
    @classmethod
    def _no_format_component(cls, value: float) -> float:
        if value:
            raise ValueError(
                "graded environments have no \\boxed{} answer for a format component to check; "
                "the rubric already grades the form: leave format_weight at 0"
            )
        return value


def graded(name: str, source: str) -> Any:
    """A factory for ``graded/<name>-v0`` over the family ``"module:SourceClass"``; the module's
    ``known_bad`` adds its family's hacks to the ones the rubric verifier derives."""
    env_id = f"graded/{name}-v0"
    module = source.partition(":")[0]

    @env_factory(env_id, GradedConfig)
    def make(config: GradedConfig) -> TextEnv:
        source_cls = load_entry_point(source)
        tasks = source_cls(seed=config.task_seed, difficulty=config.difficulty)
        verifier = config.verifier(
            "rubric",
            threshold=config.pass_threshold,
            known_bad=load_entry_point(f"{module}:known_bad"),
        )
        return TextEnv(tasks, verifier, **config.env_options())

    make.__doc__ = f"``{env_id}``: tasks from ``{source}``, graded by the ``rubric`` verifier."
    return make


make_structured_output = graded(
    "structured-output", "rlvr.tasks.graded.structured_output:StructuredOutputSource"
)
make_constrained_writing = graded(
    "constrained-writing", "rlvr.tasks.graded.constrained_writing:ConstrainedWritingSource"
)
