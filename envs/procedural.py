"""Factories for environments over a procedural task family."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from rlvr.envs.config import EnvConfig, env_factory
from rlvr.envs.text_env import TextEnv
from rlvr.spec import load_entry_point


class ProceduralConfig(EnvConfig):
    """Options of environments over a procedural family."""

    difficulty: int = Field(1, ge=1, le=5, description="1 (easiest) to 5 (hardest).")
    task_seed: int = Field(
        0, ge=0, description="Which stream of tasks; task i of a stream never changes."
    )


def procedural(
    env_id: str,
    source: str,
    verifier: str = "math",
    config_cls: type[ProceduralConfig] | None = None,
) -> Any:
    """A factory for the environment ``env_id`` over the procedural family ``"module:Class"``."""

    @env_factory(env_id, config_cls or ProceduralConfig)
    def make(config: ProceduralConfig) -> TextEnv:
        source_cls = load_entry_point(source)
        tasks = source_cls(seed=config.task_seed, difficulty=config.difficulty)
        return TextEnv(
            tasks, config.verifier(verifier, **config.verifier_options()), **config.env_options()
        )

    make.__doc__ = f"``{env_id}``: tasks from ``{source}``, judged by the ``{verifier}`` verifier."
    return make


class GradedProceduralConfig(ProceduralConfig):
    """Options of procedural families whose verifier can give partial credit."""

    graded: bool = Field(
        False,
        description="Reward the fraction of constraints satisfied instead of 1 only when all "
        "hold (binary, the default).",
    )

    def verifier_options(self) -> dict[str, Any]:
        return {"graded": self.graded}
