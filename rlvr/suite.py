"""Suites: named, weighted mixtures of environments with per-environment kwargs.

A suite is written in YAML (or built in Python)::

    name: math
    envs:
      - id: math/arithmetic-v0
        weight: 3
        kwargs: {difficulty: 1}
      - id: math/word-problems-v0

``suite.sample(n, seed=s)`` draws ``n`` (entry, task index) pairs: entries by weight, task indices
without repeats within an epoch for finite sources. The draws are a pure function of ``s``, and
``sample(n)`` is a prefix of ``sample(n + k)``.

A suite marked ``verifiable: true`` accepts only environments whose verifier verifies (kinds
``exact``, ``symbolic``, ``executed``, ``rule``); building it with an environment judged by a
rubric, a reward model or a judge raises ``ValueError``, unless it also says
``allow_hackable: true`` (see :mod:`rlvr.verifiers.kinds`).
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from rlvr.errors import SuiteNotFound
from rlvr.types import Task

FINITE_LIMIT = 10_000_000
"""Sources at most this large are drawn without repeats within an epoch."""


class SuiteEntry(BaseModel):
    """One environment of a suite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Registered environment id, e.g. math/arithmetic-v0.")
    weight: float = Field(1.0, gt=0, description="Relative share of draws (need not sum to 1).")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="Passed to rlvr.make.")
    label: str | None = Field(None, description="Name in reports; default: id plus kwargs.")

    @property
    def key(self) -> str:
        if self.label:
            return self.label
        if not self.kwargs:
            return self.id
        args = ",".join(f"{k}={v}" for k, v in sorted(self.kwargs.items()))
        return f"{self.id}[{args}]"


class SuiteDraw(NamedTuple):
    """One draw from a suite: which entry (by key), its env id, and the task index."""

    key: str
    env_id: str
    index: int


class Suite(BaseModel):
    """A named, weighted mixture of environments."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    name: str = Field(min_length=1)
    description: str = ""
    envs: list[SuiteEntry] = Field(min_length=1)
    verifiable: bool = Field(
        False,
        description="Every entry must be judged by a verifiable kind of verifier (exact, "
        "symbolic, executed, rule): building the suite refuses a rubric, reward model or judge.",
    )
    allow_hackable: bool = Field(
        False,
        description="Accept entries with hackable (graded) verifiers in a suite marked verifiable.",
    )
    _built: dict[str, Any] = PrivateAttr(default_factory=dict)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @model_validator(mode="after")
    def _unique_keys(self) -> Suite:
        keys = [entry.key for entry in self.envs]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(
                f"suite {self.name!r} lists the same entry twice: {duplicates}; "
                "give them different kwargs or labels"
            )
        return self

    @classmethod
    def from_yaml(cls, path: str | Path) -> Suite:
        """Load a suite from a YAML file; errors name the file."""
        from rlvr.yamlfile import read_yaml_mapping

        data = read_yaml_mapping(path, expected="a suite file is a mapping with 'name' and 'envs'")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ValueError(f"{path}: {exc}") from None

    @property
    def keys(self) -> list[str]:
        return [entry.key for entry in self.envs]

    def env(self, key: str) -> Any:
        """The environment of entry ``key`` (built once, then reused)."""
        from rlvr.registry import default_registry

        entries = {entry.key: entry for entry in self.envs}
        if key not in entries:
            raise KeyError(f"suite {self.name!r} has no entry {key!r}; entries: {self.keys}")
        with self._lock:
            if key not in self._built:
                entry = entries[key]
                env = default_registry().make(entry.id, **entry.kwargs)
                try:
                    self._check_kind(entry, env)
                except ValueError:
                    env.close()
                    raise
                self._built[key] = env
            return self._built[key]

    def _check_kind(self, entry: SuiteEntry, env: Any) -> None:
        """Refuse a hackable verifier in a suite marked verifiable (unless it allows them)."""
        if not self.verifiable or self.allow_hackable:
            return
        from rlvr.verifiers.kinds import VERIFIABLE_KINDS, env_verifier_kind, is_hackable

        kind = env_verifier_kind(env)
        if is_hackable(kind):
            verifier = getattr(getattr(env.unwrapped, "verifier", None), "name", "its own")
            raise ValueError(
                f"suite {self.name!r} is marked verifiable, but its entry {entry.key!r} is judged "
                f"by the {verifier!r} verifier, of kind {kind!r}, which grades rather than "
                f"verifies (only {', '.join(VERIFIABLE_KINDS)} verify); remove the entry, or "
                "set `allow_hackable: true` in the suite to train or evaluate on it anyway"
            )

    def build(self) -> Suite:
        """Build every environment now, so unknown ids and bad kwargs fail early."""
        for key in self.keys:
            self.env(key)
        return self

    def sample(self, n: int, *, seed: int = 0) -> list[SuiteDraw]:
        """Draw ``n`` (entry, task index) pairs by weight, deterministically from ``seed``."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        weights = np.array([entry.weight for entry in self.envs], dtype=float)
        root = np.random.SeedSequence(seed)
        choose_rng = np.random.default_rng(root.spawn(1)[0])
        streams = [
            _IndexStream(len(self.env(entry.key).source), np.random.default_rng(child))
            for entry, child in zip(self.envs, root.spawn(len(self.envs)), strict=True)
        ]
        picks = choose_rng.choice(len(self.envs), size=n, p=weights / weights.sum())
        return [
            SuiteDraw(self.envs[i].key, self.envs[i].id, streams[i].next()) for i in picks.tolist()
        ]

    def tasks(self, n: int, *, seed: int = 0) -> list[tuple[SuiteDraw, Task]]:
        """Like :meth:`sample`, with each draw's task."""
        return [(draw, self.env(draw.key).task(draw.index)) for draw in self.sample(n, seed=seed)]


class _IndexStream:
    """Task indices for one entry: shuffled epochs for finite sources, uniform draws otherwise."""

    def __init__(self, size: int, rng: np.random.Generator) -> None:
        self.size, self.rng = size, rng
        self._epoch: list[int] = []

    def next(self) -> int:
        if self.size > FINITE_LIMIT:
            return int(self.rng.integers(self.size))
        if not self._epoch:
            self._epoch = self.rng.permutation(self.size).tolist()[::-1]
        return self._epoch.pop()


_registered: dict[str, Suite] = {}


def register_suite(suite: Suite | dict[str, Any], *, override: bool = False) -> Suite:
    """Make a suite available by name to :func:`make_suite` and ``rlvr eval --suite``."""
    suite = suite if isinstance(suite, Suite) else Suite.model_validate(suite)
    if suite.name in _registered and not override:
        raise ValueError(f"a suite named {suite.name!r} is already registered")
    _registered[suite.name] = suite
    return suite


def list_suites() -> list[str]:
    """Names of the built-in and registered suites."""
    builtin = [
        p.name.removesuffix(".yaml")
        for p in resources.files("rlvr.suites").iterdir()
        if p.name.endswith(".yaml")
    ]
    return sorted({*builtin, *_registered})


def make_suite(name: str | Path) -> Suite:
    """A suite by registered name, built-in name, or path to a YAML file; its envs are built."""
    if isinstance(name, str) and name in _registered:
        return Suite.model_validate(_registered[name].model_dump()).build()
    builtin = resources.files("rlvr.suites").joinpath(f"{name}.yaml")
    if isinstance(name, str) and builtin.is_file():
        with resources.as_file(builtin) as path:
            return Suite.from_yaml(path).build()
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return Suite.from_yaml(path).build()
    raise SuiteNotFound(
        f"no suite named {str(name)!r} and no such YAML file; suites: {', '.join(list_suites())}"
    )
