"""Verifiers: answer extraction, equivalence checks, bounded execution and reward composition.

``rlvr.verifiers.get(name)`` returns a verifier that runs in the bounded worker pool (a hard time
limit per item; crashes become ``error`` verdicts). ``get(name, bounded=False)`` returns the bare
verifier, which runs in the calling process.
"""

from __future__ import annotations

import difflib
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from rlvr.errors import VerifierNotFound
from rlvr.spec import load_entry_point

if TYPE_CHECKING:
    from rlvr.verifiers.base import Verifier

__all__ = [
    "MAX_COMPLETION_CHARS",
    "BaseVerifier",
    "Verifier",
    "get",
    "names",
    "register",
]

ENTRY_POINT_GROUP = "rlvr.verifiers"

_BUILTIN: dict[str, str] = {
    "exact": "rlvr.verifiers.exact:ExactVerifier",
    "numeric": "rlvr.verifiers.exact:NumericVerifier",
    "format": "rlvr.verifiers.compose:FormatVerifier",
    "logic": "rlvr.verifiers.rules:RuleVerifier",
    "math": "rlvr.verifiers.math_verifier:MathVerifier",
    "code": "rlvr.verifiers.code:CodeVerifier",
    "reward-model": "rlvr.verifiers.reward_model:RewardModelVerifier",
    "judge": "rlvr.verifiers.judge:JudgeVerifier",
    "rubric": "rlvr.verifiers.rubric:RubricVerifier",
}
_registered: dict[str, str] = dict(_BUILTIN)
_plugins_loaded = False


def register(name: str, entry_point: str, *, override: bool = False) -> None:
    """Register a verifier class or factory as ``"module:attr"`` (imported lazily)."""
    if ":" not in entry_point:
        raise ValueError(f"entry point must look like 'module:attr', got {entry_point!r}")
    if name in _registered and not override and _registered[name] != entry_point:
        raise ValueError(
            f"verifier {name!r} is already registered as {_registered[name]!r}; "
            "pass override=True to replace it"
        )
    _registered[name] = entry_point


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        _registered.setdefault(ep.name, ep.value)


def names() -> list[str]:
    """Every registered verifier name."""
    _load_plugins()
    return sorted(_registered)


def get(
    name: str, *, bounded: bool = True, timeout: float | None = None, **kwargs: Any
) -> Verifier:
    """The verifier registered as ``name``, built with ``kwargs``.

    With ``bounded=True`` (the default) every call runs in the worker pool with a hard limit of
    ``timeout`` seconds (default: the verifier's own ``timeout``). Verifiers that bound their
    own work (``self_bounded = True``, like ``code``, which runs everything in its sandbox) are
    returned as they are.
    """
    _load_plugins()
    if name not in _registered:
        close = difflib.get_close_matches(name, list(_registered), n=3, cutoff=0.4)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise VerifierNotFound(f"no verifier named {name!r}.{hint} Known: {', '.join(names())}")
    verifier = load_entry_point(_registered[name])(**kwargs)
    if not bounded or getattr(verifier, "self_bounded", False):
        return verifier  # a self-bounded verifier (code) limits its own runs
    from rlvr.verifiers.bounded import BoundedVerifier

    return BoundedVerifier(verifier, timeout=timeout)


def __getattr__(name: str) -> Any:
    # The verifier base types import pydantic: loaded on first use, so that processes which only
    # need a leaf module (the sandbox's fork server) stay small and fork fast.
    if name in ("MAX_COMPLETION_CHARS", "BaseVerifier", "Verifier"):
        from rlvr.verifiers import base

        return getattr(base, name)
    raise AttributeError(f"module 'rlvr.verifiers' has no attribute {name!r}")
