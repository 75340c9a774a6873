"""What kind of judgement a verifier makes, and whether a policy can game it.

Every verifier declares ``kind``. Four kinds *verify*: the reward follows from checking the answer
against something a policy cannot talk its way around.

- ``exact``: the extracted answer equals the gold (normalised text, exact numbers);
- ``symbolic``: the answer is mathematically equivalent to the gold;
- ``executed``: the answer is run (code against hidden tests);
- ``rule``: the answer is checked by rules (a puzzle's constraints, a game's outcome).

Three kinds *grade*: the reward is an opinion about the answer, and a policy trained on it learns
whatever the grader pays for, which is not always what was meant (reward hacking).

- ``rubric``: a weighted checklist of surface properties (sections, keywords, length, schema);
- ``reward-model``: a learned scorer;
- ``judge``: a language model asked for a verdict.

Suites marked ``verifiable`` refuse the graded kinds unless they say ``allow_hackable``, and
reports show the kind beside every score, so graded scores are never read as verified accuracy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, get_args

VerifierKind = Literal["exact", "symbolic", "executed", "rule", "rubric", "reward-model", "judge"]
"""The kinds a verifier may declare."""

VERIFIABLE_KINDS: tuple[VerifierKind, ...] = ("exact", "symbolic", "executed", "rule")
"""Kinds whose reward is a check of the answer."""

HACKABLE_KINDS: tuple[VerifierKind, ...] = ("rubric", "reward-model", "judge")
"""Kinds whose reward is a grade a policy can learn to game."""

KINDS: tuple[VerifierKind, ...] = get_args(VerifierKind)
DEFAULT_KIND: VerifierKind = "rule"
"""The kind of a verifier that declares none (third-party verifiers written before kinds)."""

_MAX_DEPTH = 32


def check_kind(kind: object, *, owner: str = "a verifier") -> VerifierKind:
    """``kind`` if it is one of :data:`KINDS`, else a ``ValueError`` naming ``owner``."""
    if kind not in KINDS:
        raise ValueError(
            f"{owner} declares kind {kind!r}, which is not a verifier kind; "
            f"verifiable kinds: {', '.join(VERIFIABLE_KINDS)}; "
            f"hackable kinds: {', '.join(HACKABLE_KINDS)}"
        )
    return kind  # type: ignore[return-value]


def is_hackable(kind: str) -> bool:
    """Whether ``kind`` grades rather than verifies (``rubric``, ``reward-model``, ``judge``)."""
    return check_kind(kind, owner="the kind given") in HACKABLE_KINDS


def _declares_kind(obj: object) -> bool:
    return "kind" in vars(obj) if hasattr(obj, "__dict__") else False


def _class_declares_kind(obj: object) -> bool:
    return any("kind" in vars(cls) for cls in type(obj).__mro__ if cls is not object)


def verifier_kind(verifier: Any) -> VerifierKind:
    """The kind of ``verifier``, looking through wrappers.

    A wrapper that declares no kind of its own and holds an ``inner`` verifier (like
    :class:`~rlvr.verifiers.bounded.BoundedVerifier`) has its inner verifier's kind. A
    :class:`~rlvr.verifiers.compose.CompositeVerifier` computes its kind from its parts (see
    :func:`composite_kind`). A verifier that declares nothing is :data:`DEFAULT_KIND` (``rule``).
    """
    for _ in range(_MAX_DEPTH):
        inner = getattr(verifier, "inner", None)
        if inner is None or _class_declares_kind(verifier) or _declares_kind(verifier):
            break
        verifier = inner
    kind = getattr(verifier, "kind", None)
    if kind is None:
        return DEFAULT_KIND
    name = getattr(verifier, "name", type(verifier).__name__)
    return check_kind(kind, owner=f"verifier {name!r} ({type(verifier).__name__})")


def composite_kind(parts: Iterable[Any], primary: Any) -> VerifierKind:
    """The kind of a combination of verifiers: the first hackable part's kind if any part is
    hackable (one graded component makes the whole reward gameable), else ``primary``'s kind."""
    for part in parts:
        kind = verifier_kind(part)
        if kind in HACKABLE_KINDS:
            return kind
    return verifier_kind(primary)


def env_verifier_kind(env: Any) -> VerifierKind:
    """The kind of the verifier that judges ``env`` (any wrapper of it).

    Read from the unwrapped environment's ``verifier_kind`` when it declares one (environments
    that judge inside themselves, like question answering or games, do), else from its
    ``verifier``; an environment with neither is :data:`DEFAULT_KIND`.
    """
    unwrapped = getattr(env, "unwrapped", env)
    declared = getattr(unwrapped, "verifier_kind", None)
    if declared is not None:
        return check_kind(declared, owner=f"environment {type(unwrapped).__name__}")
    verifier = getattr(unwrapped, "verifier", None)
    return DEFAULT_KIND if verifier is None else verifier_kind(verifier)
