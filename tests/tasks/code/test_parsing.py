"""The parsing code family: the generator contract, the references and their near misses.

Outputs are re-derived where an independent oracle exists: Python's ``eval`` for the expression
language, the ``csv`` module for CSV lines, the semver precedence chain for version tags.
"""

from __future__ import annotations

import copy
import csv
import json
import time
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code import parsing
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, run_reference, validate, values_match
from rlvr.types import Task

SOURCE = parsing.ParsingSource
LEVELS = range(1, 6)
KINDS = {1: {"kv", "duration", "version"}, 2: {"kv", "duration", "version", "csv"}}
ALL_KINDS = {"kv", "duration", "version", "csv", "expr"}
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=12, deadline=None)


def make(seed: int, level: int, index: int) -> Task:
    return SOURCE(seed=seed, difficulty=level)[index]


def of_kind(kind: str, level: int, count: int = 6, seed: int = 0) -> list[Task]:
    source, found = SOURCE(seed=seed, difficulty=level), []
    for index in range(400):
        if len(found) == count:
            break
        if source[index].metadata["kind"] == kind:
            found.append(source[index])
    assert found, (kind, level)
    return found


def passes(code: str, task: Task) -> bool:
    """Whether ``code`` (trusted) returns every hidden output of ``task``."""
    function = run_reference(code, task.metadata["entry_point"])
    for test in task.metadata["tests"]:
        try:
            got = function(*copy.deepcopy(test["input"]))
        except Exception:
            return False
        if not values_match(got, test["output"]):
            return False
    return True


def reference(task: Task):
    return run_reference(task.answer, task.metadata["entry_point"])


# -- the generator contract ----------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_tasks_are_deterministic_and_seeds_differ(level, seed, index):
    task = make(seed, level, index)
    assert task == make(seed, level, index)
    assert json.dumps(task.model_dump()) == json.dumps(make(seed, level, index).model_dump())
    assert task.prompt != make(seed + 1, level, index).prompt
    assert task.id == f"parsing/s{seed}/d{level}/{index}"


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_the_reference_reproduces_every_hidden_output_quickly(level, seed, index):
    task = make(seed, level, index)
    validate(task.metadata)
    function = reference(task)
    for test in task.metadata["tests"]:
        started = time.perf_counter()
        got = function(*copy.deepcopy(test["input"]))
        assert time.perf_counter() - started < 0.1
        assert values_match(got, test["output"]), (task.id, test)


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_every_wrong_solution_fails_a_hidden_test(level, seed, index):
    task = make(seed, level, index)
    wrong = parsing.wrong_solutions(task)
    assert 2 <= len(wrong) <= 4
    for label, code in wrong.items():
        assert f"def {task.metadata['entry_point']}(" in code
        assert code != task.answer
        assert not passes(code, task), (task.id, label)


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_hidden_tests_are_many_distinct_and_not_constant(level, seed, index):
    task = make(seed, level, index)
    tests = task.metadata["tests"]
    assert len(tests) >= 11  # three shown and at least eight more
    assert len({json.dumps(test["input"]) for test in tests}) == len(tests)
    assert len({json.dumps(test["output"], sort_keys=True) for test in tests}) >= 2
    name = task.metadata["entry_point"]
    for test in tests[:2]:
        assert not passes(f"def {name}(*args):\n    return {test['output']!r}\n", task)


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_the_prompt_shows_the_signature_and_true_examples(level, seed, index):
    task = make(seed, level, index)
    name = task.metadata["entry_point"]
    signature = next(line for line in task.answer.splitlines() if line.startswith("def "))
    assert signature.startswith(f"def {name}(") and " -> " in signature
    assert f"```python\n{signature}\n```" in task.prompt
    assert task.prompt.endswith(FUNCTION_INSTRUCTION.format(entry_point=name))
    namespace = {name: reference(task)}
    for test in task.metadata["tests"][:3]:
        line = f"{name}({', '.join(map(repr, test['input']))}) == {test['output']!r}"
        assert line in task.prompt
        assert eval(line, namespace) is True


def test_levels_offer_their_kinds():
    for level in LEVELS:
        seen = {SOURCE(seed=3, difficulty=level)[index].metadata["kind"] for index in range(80)}
        assert seen == KINDS.get(level, ALL_KINDS), level


def test_difficulty_grows():
    sizes, counts = [], []
    for level in LEVELS:
        batch = [SOURCE(seed=seed, difficulty=level)[i] for seed in (1, 2) for i in range(60)]
        sizes.append(mean(task.metadata["size"] for task in batch))
        counts.append(mean(len(task.metadata["tests"]) for task in batch))
    assert sizes == sorted(sizes) and len(set(sizes)) == 5, sizes
    assert counts == sorted(counts), counts


def test_generation_is_fast_and_varies_the_entry_point():
    source = SOURCE(seed=5, difficulty=5)
    started = time.perf_counter()
    batch = [source[index] for index in range(60)]
    assert (time.perf_counter() - started) / 60 < 0.02
    assert len({task.metadata["entry_point"] for task in batch}) >= 8


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
