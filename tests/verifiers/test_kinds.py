"""Verifier kinds: every built-in declares one, wrappers pass it through, records carry it."""

from __future__ import annotations

import pytest

import rlvr
from rlvr import verifiers
from rlvr.rollout import make_record, reverify
from rlvr.types import RolloutRecord, Task, Verdict
from rlvr.verifiers.base import BaseVerifier
from rlvr.verifiers.bounded import BoundedVerifier
from rlvr.verifiers.compose import CompositeVerifier, FormatVerifier
from rlvr.verifiers.exact import ExactVerifier
from rlvr.verifiers.kinds import (
    DEFAULT_KIND,
    HACKABLE_KINDS,
    KINDS,
    VERIFIABLE_KINDS,
    check_kind,
    env_verifier_kind,
    is_hackable,
    verifier_kind,
)
from rlvr.verifiers.rubric import RubricVerifier
from rlvr.verifiers.testing import ScriptedVerifier

TASK = Task(id="t/0", prompt="2+2?", answer="4")
RUBRIC = [{"name": "four", "kind": "regex", "pattern": "4"}]


class Undeclared:
    """A third-party verifier written before kinds: no ``kind`` attribute."""

    name, version = "plain", "1"

    def verify(self, task: Task, completion: str) -> Verdict:
        return Verdict(reward=1.0, correct=True)


class Misdeclared(Undeclared):
    name, kind = "llm-ish", "llm"


def test_the_vocabulary_splits_in_two():
    assert VERIFIABLE_KINDS == ("exact", "symbolic", "executed", "rule")
    assert HACKABLE_KINDS == ("rubric", "reward-model", "judge")
    assert set(KINDS) == set(VERIFIABLE_KINDS) | set(HACKABLE_KINDS)
    assert DEFAULT_KIND == "rule"


@pytest.mark.parametrize(
    ("kind", "hackable"),
    [
        ("exact", False),
        ("symbolic", False),
        ("executed", False),
        ("rule", False),
        ("rubric", True),
        ("reward-model", True),
        ("judge", True),
    ],
)
def test_is_hackable(kind, hackable):
    assert is_hackable(kind) is hackable


@pytest.mark.parametrize("kind", ["", "llm", "Rubric", None])
def test_unknown_kinds_are_refused_with_the_vocabulary(kind):
    with pytest.raises(ValueError, match="verifiable kinds: exact, symbolic"):
        is_hackable(kind)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("exact", "exact"),
        ("numeric", "exact"),
        ("math", "symbolic"),
        ("code", "executed"),
        ("logic", "rule"),
        ("format", "rule"),
        ("rubric", "rubric"),
    ],
)
def test_every_builtin_verifier_declares_its_kind(name, kind):
    bare = verifiers.get(name, bounded=False)
    assert bare.kind == kind and verifier_kind(bare) == kind
    assert verifier_kind(verifiers.get(name)) == kind  # bounded (or self-bounded) too


@pytest.mark.parametrize(
    ("verifier", "kind"),
    [
        (BaseVerifier(), "rule"),
        (ScriptedVerifier(), "rule"),
        (Undeclared(), "rule"),
        (BoundedVerifier(ExactVerifier()), "exact"),
        (BoundedVerifier(BoundedVerifier(RubricVerifier(RUBRIC))), "rubric"),
        (BoundedVerifier(Undeclared()), "rule"),
    ],
    ids=["base", "scripted", "undeclared", "bounded", "bounded-twice", "bounded-undeclared"],
)
def test_kinds_through_wrappers_and_defaults(verifier, kind):
    assert verifier_kind(verifier) == kind


def test_a_misdeclared_kind_names_the_verifier():
    with pytest.raises(ValueError, match=r"verifier 'llm-ish' \(Misdeclared\) declares kind 'llm'"):
        verifier_kind(Misdeclared())
    assert check_kind("judge") == "judge"


@pytest.mark.parametrize(
    ("components", "primary", "kind"),
    [
        ({"correctness": ExactVerifier(), "format": FormatVerifier()}, "correctness", "exact"),
        ({"correctness": FormatVerifier(), "answer": ExactVerifier()}, "correctness", "rule"),
        (
            {"correctness": ExactVerifier(), "style": RubricVerifier(RUBRIC)},
            "correctness",
            "rubric",
        ),
        (
            {"correctness": RubricVerifier(RUBRIC), "format": FormatVerifier()},
            "correctness",
            "rubric",
        ),
        ({"correctness": ExactVerifier(), "x": Undeclared()}, "correctness", "exact"),
    ],
    ids=["exact+format", "format-primary", "hackable-part", "hackable-primary", "undeclared-part"],
)
def test_a_composite_is_hackable_if_any_part_is_else_its_primarys_kind(components, primary, kind):
    composite = CompositeVerifier({k: (v, 1.0) for k, v in components.items()}, primary=primary)
    assert composite.kind == kind
    assert verifier_kind(composite) == kind
    assert verifier_kind(BoundedVerifier(composite)) == kind


@pytest.mark.parametrize(
    ("env_id", "kwargs", "kind"),
    [
        ("math/arithmetic-v0", {}, "exact"),
        ("math/fractions-v0", {}, "symbolic"),
        ("math/arithmetic-v0", {"format_weight": 0.2}, "exact"),
        ("logic/sudoku-v0", {}, "rule"),
        ("code/strings-v0", {}, "executed"),
        ("math/arithmetic-tools-v0", {}, "exact"),
        ("qa/encyclopedia-v0", {}, "exact"),
        ("interactive/mastermind-v0", {}, "rule"),
        ("graded/structured-output-v0", {}, "rubric"),
        ("graded/constrained-writing-v0", {}, "rubric"),
    ],
)
def test_environments_expose_their_verifiers_kind(env_id, kwargs, kind):
    env = rlvr.make(env_id, **kwargs)
    assert env_verifier_kind(env) == kind
    assert env.unwrapped.verifier_kind == kind


def test_records_carry_the_kind_and_old_records_still_load():
    env = rlvr.make("graded/structured-output-v0", bounded=False)
    _, info = env.reset(options={"index": 0})
    task = info["task"]
    completion = env.unwrapped.reference_completion(task)
    verdict = env.step(completion)[4]["verdict"]
    record = make_record(env, task, verdict, completion=completion)
    assert (record.verifier, record.verifier_kind) == ("rubric", "rubric")
    stored = record.model_dump()
    del stored["verifier_kind"]  # as written before kinds existed
    old = RolloutRecord.model_validate(stored)
    assert old.verifier_kind is None
    assert reverify(old, env).verifier_kind == "rubric"
