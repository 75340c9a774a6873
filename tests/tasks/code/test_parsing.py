"""The parsing code family: its kinds per level, and its references against independent oracles
(the contract every family keeps is checked in ``test_family_contract.py``).

Outputs are re-derived where an independent oracle exists: Python's ``eval`` for the expression
language, the ``csv`` module for CSV lines, the semver precedence chain for version tags.
"""

from __future__ import annotations

import csv

import pytest

from rlvr.tasks.code import parsing
from rlvr.tasks.code.schema import run_reference
from rlvr.types import Task

SOURCE = parsing.ParsingSource
LEVELS = range(1, 6)
KINDS = {1: {"kv", "duration", "version"}, 2: {"kv", "duration", "version", "csv"}}
ALL_KINDS = {"kv", "duration", "version", "csv", "expr"}


def of_kind(kind: str, level: int, count: int = 6, seed: int = 0) -> list[Task]:
    source, found = SOURCE(seed=seed, difficulty=level), []
    for index in range(400):
        if len(found) == count:
            break
        if source[index].metadata["kind"] == kind:
            found.append(source[index])
    assert found, (kind, level)
    return found


def reference(task: Task):
    return run_reference(task.answer, task.metadata["entry_point"])


def test_levels_offer_their_kinds():
    for level in LEVELS:
        seen = {SOURCE(seed=3, difficulty=level)[index].metadata["kind"] for index in range(80)}
        assert seen == KINDS.get(level, ALL_KINDS), level


# -- the references against independent oracles --------------------------------------------------


@pytest.mark.parametrize("level", [3, 4, 5])
def test_expressions_agree_with_python(level):
    for task in of_kind("expr", level):
        for test in task.metadata["tests"]:
            assert eval(test["input"][0]) == test["output"], test  # the project's own inputs


@pytest.mark.parametrize("level", [2, 3])
def test_csv_lines_agree_with_the_csv_module(level):
    for task in of_kind("csv", level):
        for test in task.metadata["tests"]:
            assert next(csv.reader([test["input"][0]])) == test["output"] or not test["input"][0]


def test_version_tags_follow_the_semver_chain():
    compare = reference(of_kind("version", 5, count=1)[0])
    chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
             "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.0.1+build.9", "1.1", "1.10"]  # fmt: skip
    for i, a in enumerate(chain):
        for j, b in enumerate(chain):
            assert compare(a, b) == (i > j) - (i < j), (a, b)
    assert compare("1.02.0", "V1.2") == compare("1.0+x", "1") == 0


def test_hand_checked_durations_and_pairs():
    duration = reference(of_kind("duration", 5, count=1)[0])
    cases = {"1h20m5s": 4805, "2 hours 5min": 7500, "3D": 259200, "1m1m": 120, "0s": 0,
             "": -1, " ": -1, "1h 2": -1, "1 2h": -1, "5ms": -1, "h1": -1, "1.5h": -1}  # fmt: skip
    for text, seconds in cases.items():
        assert duration(text) == seconds, text
    pairs = reference(of_kind("kv", 1, count=1)[0])  # separators ; and =
    assert pairs("") == {}
    assert pairs(' a = "x;y \\"z\\"" ;; b=2 ; junk ; =c; a2=') == {
        "a": 'x;y "z"',
        "b": "2",
        "a2": "",
    }
    assert pairs("k=1;k=2") == {"k": "2"}


def test_wrong_solutions_name_their_mistake():
    for level in LEVELS:
        for task in [SOURCE(seed=9, difficulty=level)[index] for index in range(10)]:
            labels = parsing.wrong_solutions(task)
            assert all(label.isidentifier() for label in labels)
            assert parsing.wrong_solutions(task) == labels  # deterministic
