"""rlvr: an RL gym for verifiable reasoning.

Environments pair a task source with a verifier and speak Gymnasium's API::

    import rlvr
    env = rlvr.make("math/arithmetic-v0", difficulty=2)
    prompt, info = env.reset(seed=0)
    _, reward, terminated, truncated, info = env.step("\\\\boxed{42}")

Importing rlvr is cheap: nothing heavy (gymnasium, pydantic, datasets, torch) is imported until
it is used. Once rlvr is imported, every rlvr id also works with ``gymnasium.make``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rlvr import gym_bridge

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 (grouped by topic)
    # data
    "RolloutRecord",
    "Task",
    "Verdict",
    # environments
    "EnvSpec",
    "list_envs",
    "make",
    "register",
    "spec",
    # suites
    "Suite",
    "list_suites",
    "make_suite",
    "register_suite",
    # records and checking
    "check_env",
    "reverify",
]

_LAZY = {
    "Task": "rlvr.types",
    "Verdict": "rlvr.types",
    "RolloutRecord": "rlvr.types",
    "EnvSpec": "rlvr.spec",
    "Suite": "rlvr.suite",
    "list_suites": "rlvr.suite",
    "make_suite": "rlvr.suite",
    "register_suite": "rlvr.suite",
    "check_env": "rlvr.check",
    "reverify": "rlvr.rollout",
}
_SUBMODULES = {"verifiers", "envs", "tasks", "trainers", "errors", "registry", "suite", "check"}

if TYPE_CHECKING:
    from rlvr.check import check_env
    from rlvr.rollout import reverify
    from rlvr.spec import EnvSpec
    from rlvr.suite import Suite, list_suites, make_suite, register_suite
    from rlvr.types import RolloutRecord, Task, Verdict


def list_envs(domain: str | None = None) -> list[str]:
    """Every registered environment id (built-in and from plugins), optionally of one domain."""
    from rlvr.registry import default_registry

    return default_registry().ids(domain)


def make(env_id: str, **kwargs: Any) -> Any:
    """Build the environment ``env_id`` (a :class:`gymnasium.Env`) with ``kwargs``.

    ``max_attempts=N`` (with optional ``feedback="none"|"binary"|"full"`` and ``discount``)
    turns it into a multi-turn environment that retries with the verifier's feedback
    (:class:`rlvr.envs.retry.RetryWithFeedback`); ``tools=["python", "calculator"]`` (with
    optional ``max_tool_calls``) lets the model call tools before answering
    (:class:`rlvr.envs.tools.wrapper.ToolUse`). Both together: each attempt may call tools,
    and a wrong answer gets feedback and a new attempt.
    """
    from rlvr.registry import default_registry

    return default_registry().make(env_id, **kwargs)


def spec(env_id: str) -> EnvSpec:
    """The registered :class:`EnvSpec` of ``env_id``."""
    from rlvr.registry import default_registry

    return default_registry().spec(env_id)


def register(spec: EnvSpec | None = None, /, **fields: Any) -> EnvSpec:
    """Register an environment: ``register(id="x/y-v0", entry_point="pkg.mod:make_env", ...)``."""
    from rlvr.registry import default_registry

    return default_registry().register(spec, **fields)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"rlvr.{name}")
    raise AttributeError(f"module 'rlvr' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})


gym_bridge.install()
