"""Suites marked verifiable refuse hackable verifiers unless they allow them."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from rlvr.suite import Suite, list_suites, make_suite
from rlvr.verifiers.kinds import env_verifier_kind

GRADED = {"id": "graded/structured-output-v0", "kwargs": {"difficulty": 2}}
VERIFIED = [{"id": "math/arithmetic-v0"}, {"id": "logic/sudoku-v0"}]


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        ({"verifiable": True}, True),
        ({"verifiable": True, "allow_hackable": True}, False),
        ({}, False),
        ({"allow_hackable": True}, False),
    ],
)
def test_a_verifiable_suite_refuses_a_rubric_unless_it_allows_hackable(fields, refused):
    suite = Suite.model_validate({"name": "mixed", "envs": [*VERIFIED, GRADED], **fields})
    if not refused:
        assert suite.build() is suite
        assert env_verifier_kind(suite.env(suite.keys[-1])) == "rubric"
        return
    message = (
        "suite 'mixed' is marked verifiable, but its entry "
        "'graded/structured-output-v0[difficulty=2]' is judged by the 'rubric' verifier, of kind "
        "'rubric', which grades rather than verifies (only exact, symbolic, executed, rule "
        "verify); remove the entry, or set `allow_hackable: true` in the suite"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        suite.build()
    with pytest.raises(ValueError, match="allow_hackable: true"):
        suite.sample(5, seed=0)  # building an entry lazily refuses it too
    assert suite.env("math/arithmetic-v0") is not None  # the verified entries still build


def test_a_verifiable_suite_of_verified_environments_builds():
    suite = Suite(name="ok", envs=VERIFIED, verifiable=True).build()
    assert [env_verifier_kind(suite.env(k)) for k in suite.keys] == ["exact", "rule"]


def test_the_fields_come_from_yaml_and_are_documented(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\nverifiable: true\nallow_hackable: true\n"
        "envs:\n  - id: graded/constrained-writing-v0\n"
    )
    suite = make_suite(path)
    assert (suite.verifiable, suite.allow_hackable) == (True, True)
    for name in ("verifiable", "allow_hackable"):
        assert Suite.model_fields[name].description
    path.write_text("name: s\nverifiable: yes please\nenvs:\n  - id: math/arithmetic-v0\n")
    with pytest.raises(ValueError, match="verifiable"):
        make_suite(path)


@pytest.mark.parametrize("name", list_suites())
def test_every_builtin_suite_is_marked_verifiable(name):
    builtin = resources.files("rlvr.suites").joinpath(f"{name}.yaml")
    if not builtin.is_file():
        pytest.skip(f"{name} is registered at run time, not shipped")
    with resources.as_file(builtin) as path:
        suite = Suite.from_yaml(path)
    assert suite.verifiable is True and suite.allow_hackable is False
