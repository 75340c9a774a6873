"""What the registry knows about an environment before building it."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from rlvr.errors import DependencyNotInstalled
from rlvr.ids import EnvId, parse_env_id

RewardKind = Literal["binary", "graded"]


@dataclass(frozen=True)
class EnvSpec:
    """A registered environment: its id, how to build it, and what to show about it.

    ``entry_point`` is ``"module:factory"``; the factory takes keyword arguments and returns a
    :class:`gymnasium.Env`. ``requires`` names importable modules the environment needs, and
    ``install_hint`` the command that installs them.
    """

    id: str
    entry_point: str
    description: str = ""
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    reward_kind: RewardKind = "binary"
    difficulty: tuple[int, int] | None = None
    tags: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    install_hint: str = ""
    source: str = "rlvr"
    """The distribution that registered it: ``rlvr`` for built-ins, else the plugin's name."""

    def __post_init__(self) -> None:
        parse_env_id(self.id)
        if ":" not in self.entry_point:
            raise ValueError(
                f"{self.id}: entry_point must look like 'module:factory', got {self.entry_point!r}"
            )
        if self.reward_kind not in ("binary", "graded"):
            raise ValueError(f"{self.id}: reward_kind must be 'binary' or 'graded'")
        if self.difficulty is not None:
            low, high = self.difficulty
            if not (isinstance(low, int) and isinstance(high, int) and low <= high):
                raise ValueError(
                    f"{self.id}: difficulty must be (low, high), got {self.difficulty}"
                )
            object.__setattr__(self, "difficulty", (low, high))
        object.__setattr__(self, "kwargs", MappingProxyType(dict(self.kwargs)))
        object.__setattr__(self, "tags", tuple(self.tags))
        object.__setattr__(self, "requires", tuple(self.requires))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "rlvr") -> EnvSpec:
        """Build a spec from a plain mapping (as plugin catalogues may give)."""
        fields = dict(data)
        fields.setdefault("source", source)
        if isinstance(fields.get("difficulty"), list):
            fields["difficulty"] = tuple(fields["difficulty"])
        known = set(cls.__dataclass_fields__)
        unknown = set(fields) - known
        if unknown:
            raise ValueError(f"unknown EnvSpec field(s) {sorted(unknown)}; known: {sorted(known)}")
        return cls(**fields)

    @property
    def parsed(self) -> EnvId:
        return parse_env_id(self.id)

    @property
    def domain(self) -> str:
        return self.parsed.domain

    @property
    def version(self) -> int:
        return self.parsed.version

    def missing_dependencies(self) -> list[str]:
        """The modules in ``requires`` that cannot be imported here."""
        return [name for name in self.requires if importlib.util.find_spec(name) is None]

    def check_available(self) -> None:
        """Raise :class:`DependencyNotInstalled` if a required module is missing."""
        missing = self.missing_dependencies()
        if missing:
            hint = f" Install it with: {self.install_hint}" if self.install_hint else ""
            raise DependencyNotInstalled(
                f"{self.id} needs {', '.join(missing)}, which is not installed.{hint}"
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (for ``rlvr list --json``)."""
        return {
            "id": self.id,
            "domain": self.domain,
            "description": self.description,
            "reward_kind": self.reward_kind,
            "difficulty": list(self.difficulty) if self.difficulty else None,
            "tags": list(self.tags),
            "kwargs": dict(self.kwargs),
            "source": self.source,
            "available": not self.missing_dependencies(),
            "install_hint": self.install_hint,
        }


def load_entry_point(entry_point: str) -> Any:
    """Import ``"module:attr"`` and return the attribute (``attr`` may be dotted)."""
    module_name, sep, attr = entry_point.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"an entry point looks like 'module:attr', got {entry_point!r}")
    value: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise ImportError(f"{entry_point}: {module_name!r} has no attribute {attr!r}") from None
    return value
