"""The policy interface: chat messages in, completions out, in batches.

A policy answers a batch of :class:`GenerationRequest` (chat messages plus sampling parameters)
with one :class:`Generation` each, in order. A backend that fails on one request reports it in
that request's ``Generation`` (``finish_reason="error"``) instead of raising, so one bad request
never loses a batch.

Policy specs (:func:`make_policy`):

- ``oracle``: answers each task with its environment's reference completion (a correct
  environment scores pass@1 = 1.0 under it);
- ``empty``: answers every request with an empty string;
- ``replay:PATH``: answers from a JSONL file of ``{"task_id": ..., "completion": ...}`` lines
  (several lines per task are served in turn);
- ``openai:BASE_URL#MODEL``: an OpenAI-compatible server (:mod:`rlvr.policies.openai`);
- ``hf:PATH``: a local transformers model directory, a ``.gguf`` file, or ``smollm2``
  (:mod:`rlvr.policies.hf`; needs ``rlvr[train]``);
- ``vllm:PATH``: a local model served in-process by vLLM, when it is installed
  (:mod:`rlvr.policies.vllm`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

FinishReason = Literal["stop", "length", "error"]


@dataclass(frozen=True)
class SamplingParams:
    """How to sample: the same fields every backend understands."""

    max_tokens: int = 512
    temperature: float = 1.0
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {self.max_tokens}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")


@dataclass(frozen=True)
class GenerationRequest:
    """One completion to produce. ``task_id`` and ``reference`` serve scripted policies."""

    messages: tuple[dict[str, str], ...]
    params: SamplingParams = field(default_factory=SamplingParams)
    task_id: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Generation:
    """One completion, with what it cost.

    ``prompt_ids`` and ``token_ids`` are set by backends that see tokens (the ``hf`` policy):
    the templated prompt's token ids, and the completion's token ids exactly as sampled, cut like
    ``completion_tokens`` (the end-of-sequence token included; tokens after a stop string
    included, the text is cut but the ids are not). Trainers score these ids, not a re-tokenised
    text.
    """

    text: str
    finish_reason: FinishReason = "stop"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    seconds: float = 0.0
    error: str | None = None
    prompt_ids: tuple[int, ...] | None = None
    token_ids: tuple[int, ...] | None = None


@runtime_checkable
class Policy(Protocol):
    """Anything that turns requests into generations. ``spec`` goes into rollout records."""

    spec: str

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]: ...

    def close(self) -> None: ...


def make_policy(spec: str, **options: Any) -> Policy:
    """The policy a spec string names (see the module docstring). ``options`` go to the
    backend's constructor (``hf``: ``device``, ``dtype``, ``batch_size``, ...; ``openai``:
    ``api_key``, ``max_concurrency``, ``timeout``, ...; ``vllm``: vLLM's engine arguments); an
    option the backend does not take is a ``ValueError`` naming the ones it does."""
    from rlvr.policies.scripted import EmptyPolicy, OraclePolicy, ReplayPolicy

    kind, _, rest = spec.partition(":")
    if spec == "oracle":
        return OraclePolicy(**_accepted(OraclePolicy, spec, options))
    if spec == "empty":
        return EmptyPolicy(**_accepted(EmptyPolicy, spec, options))
    if kind == "replay" and rest:
        return ReplayPolicy(rest, **_accepted(ReplayPolicy, "replay", options))
    if kind == "openai" and rest:
        from rlvr.policies.openai import OpenAIPolicy

        base_url, _, model = rest.partition("#")
        return OpenAIPolicy(base_url, model, **_accepted(OpenAIPolicy, "openai", options))
    if kind == "vllm" and rest:
        from rlvr.policies.vllm import VLLMPolicy

        return VLLMPolicy(rest, **options)
    if kind == "hf" and rest:
        from rlvr.policies.hf import HFPolicy

        return HFPolicy(rest, **_accepted(HFPolicy, "hf", options))
    raise ValueError(
        f"unknown policy spec {spec!r}: use oracle, empty, replay:PATH, openai:BASE_URL#MODEL,"
        " hf:PATH or vllm:PATH"
    )


def _accepted(cls: type, kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` when ``cls``'s constructor takes each of them by keyword."""
    import inspect

    parameters = inspect.signature(cls.__init__).parameters
    names = [
        name
        for name, parameter in parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = sorted(set(options) - set(names))
    if unknown:
        takes = f"its options: {', '.join(names)}" if names else "it takes none"
        raise ValueError(
            f"the {kind} policy has no option {', '.join(map(repr, unknown))} ({takes})"
        )
    return options
