"""Keyword arguments every built-in environment accepts, validated by pydantic.

Each environment factory validates its kwargs with a subclass of :class:`EnvConfig`, so a wrong
name or value fails at ``rlvr.make`` with an error naming the field. Every field documents itself
(``description``): the CLI and the docs read it from here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from rlvr.verifiers.base import MAX_COMPLETION_CHARS


class EnvConfig(BaseModel):
    """Options shared by every built-in environment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system_prompt: str | None = Field(
        None, description="System message put before the prompt in info['messages']."
    )
    max_completion_chars: int = Field(
        MAX_COMPLETION_CHARS,
        ge=1,
        le=16 * MAX_COMPLETION_CHARS,
        description="Completions longer than this get a no_answer verdict without being parsed.",
    )
    render_mode: Literal["ansi"] | None = Field(
        None, description="'ansi' makes render() return the episode as text."
    )
    verify_timeout: float | None = Field(
        None,
        gt=0,
        le=600,
        description="Hard limit in seconds for one verification (default: the verifier's own).",
    )
    bounded: bool = Field(
        True,
        description="Verify in killable worker processes (True) or in the calling process (False, "
        "only for trusted completions).",
    )
    format_weight: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Weight of an opt-in format component (exactly one non-empty \\boxed{} "
        "answer) next to correctness (weight 1); 0 leaves the reward to correctness alone.",
    )

    def env_options(self) -> dict[str, Any]:
        """The options :class:`rlvr.envs.TextEnv` takes directly."""
        return {
            "system_prompt": self.system_prompt,
            "max_completion_chars": self.max_completion_chars,
            "render_mode": self.render_mode,
        }

    def verifier_options(self) -> dict[str, Any]:
        """Keyword arguments this configuration passes to its verifier."""
        return {}

    def verifier(self, name: str, **kwargs: Any):
        """The verifier ``name`` with the configured format component, bounded or not."""
        from rlvr import verifiers
        from rlvr.verifiers.bounded import BoundedVerifier
        from rlvr.verifiers.compose import CompositeVerifier, FormatVerifier

        verifier = verifiers.get(name, bounded=False, **kwargs)
        if self.format_weight > 0:
            verifier = CompositeVerifier(
                {"correctness": (verifier, 1.0), "format": (FormatVerifier(), self.format_weight)}
            )
        if not self.bounded or getattr(verifier, "self_bounded", False):
            return verifier  # a self-bounded verifier (code) limits its own runs
        return BoundedVerifier(verifier, timeout=self.verify_timeout)


def validate(config_cls: type[EnvConfig], env_id: str, kwargs: dict[str, Any]) -> Any:
    """Validate ``kwargs`` against ``config_cls``; errors are titled with the environment id."""
    model = type(config_cls.__name__, (config_cls,), {"model_config": ConfigDict(title=env_id)})
    return model.model_validate(kwargs)


ConfigT = TypeVar("ConfigT", bound=EnvConfig)


def env_factory(env_id: str, config_cls: type[ConfigT]):
    """Turn ``build(config) -> env`` into a registry factory ``factory(**kwargs) -> env``.

    The factory validates its kwargs with ``config_cls`` and exposes it as ``config_model`` (so
    ``rlvr show`` can list the options with their help).
    """

    def wrap(build: Callable[[ConfigT], Any]) -> Callable[..., Any]:
        @functools.wraps(build)
        def factory(**kwargs: Any) -> Any:
            return build(validate(config_cls, env_id, kwargs))

        factory.config_model = config_cls  # type: ignore[attr-defined]
        return factory

    return wrap
