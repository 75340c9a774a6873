"""Which tasks the trainer plays at each step, and on which held-out tasks it evaluates.

Training draws come from a suite (a one-entry suite when the config names an environment).
The draws of step ``s`` are a pure function of the run's seed and ``s``, so the data position of
a checkpoint is just its step: a resumed run plays exactly the tasks the uninterrupted run
would have played.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rlvr.suite import Suite, SuiteDraw, SuiteEntry, make_suite
from rlvr.trainers.config import GRPOConfig

if TYPE_CHECKING:
    from rlvr.evals.engine import EpisodeJob

HELD_OUT_SEED_OFFSET = 1
"""The default held-out tasks are the training environments with ``task_seed`` moved by this."""


def _shared_kwargs(config: GRPOConfig) -> dict[str, Any]:
    """Environment options the trainer's config sets for every environment."""
    shared: dict[str, Any] = {}
    if config.system_prompt is not None:
        shared["system_prompt"] = config.system_prompt
    if config.format_weight > 0:
        shared["format_weight"] = config.format_weight
    return shared


def _with_shared(suite: Suite, shared: dict[str, Any]) -> Suite:
    if not shared:
        return suite.build()
    entries = [
        entry.model_copy(update={"kwargs": {**entry.kwargs, **shared}, "label": entry.key})
        for entry in suite.envs
    ]
    return Suite(name=suite.name, description=suite.description, envs=entries).build()


def training_suite(config: GRPOConfig) -> Suite:
    """The suite the run trains on (a one-entry suite for ``env``), with the config's
    ``system_prompt`` and ``format_weight`` applied to every entry."""
    if config.env is not None:
        suite = Suite(name=config.env, envs=[SuiteEntry(id=config.env, kwargs=config.env_kwargs)])
    else:
        assert config.suite is not None
        suite = make_suite(config.suite)
    return _with_shared(suite, _shared_kwargs(config))


def held_out_suite(config: GRPOConfig, training: Suite) -> Suite:
    """``eval_suite`` when given; otherwise the training entries with ``task_seed`` moved by
    :data:`HELD_OUT_SEED_OFFSET` (tasks the run never trains on)."""
    if config.eval_suite is not None:
        return _with_shared(make_suite(config.eval_suite), _shared_kwargs(config))
    entries = []
    for entry in training.envs:
        factory = _config_model(entry.id)
        if factory is None or "task_seed" not in factory.model_fields:
            raise ValueError(
                f"{entry.id} has no task_seed option, so held-out tasks cannot be drawn from it "
                "by default; give eval_suite (a suite of held-out environments)"
            )
        seed = int(entry.kwargs.get("task_seed", 0)) + HELD_OUT_SEED_OFFSET
        entries.append(
            entry.model_copy(update={"kwargs": {**entry.kwargs, "task_seed": seed}, "label": None})
        )
    labelled = [e.model_copy(update={"label": f"{e.id}:held-out"}) for e in entries]
    return Suite(name=f"{training.name}:held-out", envs=labelled).build()


def _config_model(env_id: str) -> Any:
    from rlvr.registry import default_registry
    from rlvr.spec import load_entry_point

    spec = default_registry().spec(env_id)
    return getattr(load_entry_point(spec.entry_point), "config_model", None)


class TaskPlan:
    """The draws of every step of a run."""

    def __init__(self, suite: Suite, tasks_per_step: int, seed: int) -> None:
        self.suite = suite
        self.tasks_per_step = tasks_per_step
        self.seed = seed

    def draws(self, step: int) -> list[SuiteDraw]:
        """The ``tasks_per_step`` draws of step ``step`` (1-based)."""
        if step < 1:
            raise ValueError(f"steps count from 1, got {step}")
        return self.suite.sample(self.tasks_per_step, seed=self.seed * 1_000_003 + step)

    def env_factories(self) -> dict[str, Callable[[], Any]]:
        """A factory of a fresh environment per suite entry (the rollout engine needs many)."""
        return suite_factories(self.suite)


def suite_factories(suite: Suite) -> dict[str, Callable[[], Any]]:
    """``{entry key: factory}`` building fresh environments of each entry."""
    from rlvr.registry import default_registry

    registry = default_registry()
    return {
        entry.key: (lambda entry=entry: registry.make(entry.id, **entry.kwargs))
        for entry in suite.envs
    }


def group_jobs(draws: Sequence[SuiteDraw], group_size: int) -> list[EpisodeJob]:
    """``group_size`` episodes of every draw, in group order: draw ``i``'s samples are
    ``i * group_size`` to ``(i + 1) * group_size - 1``."""
    from rlvr.evals.engine import EpisodeJob

    return [
        EpisodeJob(draw.key, draw.index, sample=position * group_size + sample)
        for position, draw in enumerate(draws)
        for sample in range(group_size)
    ]
