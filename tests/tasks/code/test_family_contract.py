"""The contract every procedural code family keeps, checked once for all seven of them.

A family's own file checks what is specific to it: its kinds per level, its references against
independent oracles or hand-worked cases, and that its bugs really change its code.
"""

from __future__ import annotations

import copy
import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean
from types import ModuleType
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.base import ProceduralSource
from rlvr.tasks.code import (
    arithmetic_functions,
    data_structures,
    lists,
    parsing,
    recursion,
    state_machines,
    strings,
    variants,
)
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, run_reference, validate, values_match
from rlvr.types import Task

LEVELS = range(1, 6)
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=10, deadline=None)


def composed_size(task: Task) -> int:
    """Composed steps (or functions) plus arguments."""
    return len(task.metadata["operations"]) + len(task.metadata["tests"][0]["input"])


def input_size(task: Task) -> int:
    """The JSON length of all hidden inputs (``metadata["size"]``)."""
    return task.metadata["size"]


def step_names(task: Task) -> list[str]:
    """The steps of a pipeline of ``(op, param)`` steps."""
    return [step["op"] for step in task.metadata["operations"]]


def function_names(task: Task) -> list[str]:
    """The functions and the aggregate of an arithmetic-functions task."""
    return task.metadata["operations"]


class Vocabulary(NamedTuple):
    """Every name in ``names`` is used (``used_by``) by one of 60 tasks at one of ``levels``."""

    names: set[str]
    used_by: Callable[[Task], list[str]]
    levels: tuple[int, ...]


@dataclass(frozen=True)
class Family:
    """A family and how its contract is measured."""

    module: ModuleType
    source: type[ProceduralSource]
    size: Callable[[Task], float]
    """a measure of a task whose mean grows strictly with the level"""
    growth_seeds: tuple[int, ...]
    growth_count: int
    """the batch that measures growth: ``growth_count`` tasks of each seed, at every level"""
    tests_grow: bool = True
    """whether the mean number of hidden tests never falls with the level"""
    min_tests: int = 11
    """hidden tests every task has at least (three of them shown)"""
    min_outputs: int = 2
    """distinct outputs every task's tests have at least"""
    repeats_inputs: bool = False
    """whether a rare task repeats a hidden input (the pipelines draw the argument ``k`` after
    making the inputs unique): then only a fixed batch is checked for repeats"""
    always_tested: object = None
    """a first argument every task tests (None: no such requirement)"""
    numbers_steps: bool = False
    """whether the prompt of a composed pipeline numbers its ``metadata["operations"]``"""
    vocabulary: Vocabulary | None = None
    """the steps or functions that must all show up (None: the family has no such list)"""
    entry_points: int = 8
    """distinct entry points among 60 tasks at level 5"""
    seconds: float = 0.02
    """the most a task may take to generate, on average"""

    def __str__(self) -> str:
        return self.source.family


PIPELINE = {"size": composed_size, "growth_seeds": (0,), "growth_count": 30, "min_tests": 8,
            "repeats_inputs": True}  # fmt: skip
SPECS = {"size": input_size, "growth_seeds": (1, 2), "growth_count": 60}
ARITHMETIC = {*arithmetic_functions.FNS, *arithmetic_functions.STANDALONE,
              *arithmetic_functions.AGGREGATES}  # fmt: skip
FAMILIES = [
    Family(strings, strings.StringsSource, **PIPELINE, always_tested="", numbers_steps=True,
           vocabulary=Vocabulary(set(strings.OPS), step_names, (2, 5)), entry_points=6),
    Family(lists, lists.ListsSource, **PIPELINE, always_tested=[], numbers_steps=True,
           vocabulary=Vocabulary(set(lists.OPS), step_names, (2, 5)), entry_points=6),
    Family(arithmetic_functions, arithmetic_functions.ArithmeticFunctionsSource, **PIPELINE,
           tests_grow=False, vocabulary=Vocabulary(ARITHMETIC, function_names, (1, 2, 3, 4, 5))),
    Family(parsing, parsing.ParsingSource, **SPECS),
    Family(recursion, recursion.RecursionSource, **SPECS),
    Family(state_machines, state_machines.StateMachineSource, **SPECS),
    Family(data_structures, data_structures.DataStructuresSource, **{**SPECS, "growth_count": 50},
           min_outputs=3, seconds=0.01),
]  # fmt: skip
BY_NAME = {str(family): family for family in FAMILIES}
every_family = pytest.mark.parametrize("family", FAMILIES, ids=str)
every_level = pytest.mark.parametrize("level", LEVELS)


def family_property(test: Callable) -> Callable:
    """``test(family, level, seed, index)`` for every family and level, on random tasks."""
    return every_family(every_level(PROPERTY(given(seed=seeds, index=indices)(test))))


def make(family: Family, seed: int, level: int, index: int) -> Task:
    return family.source(seed=seed, difficulty=level)[index]


@functools.cache
def growth_batch(name: str, level: int) -> list[Task]:
    """The fixed batch of family ``name`` that measures growth at ``level``."""
    family = BY_NAME[name]
    sources = [family.source(seed=seed, difficulty=level) for seed in family.growth_seeds]
    return [source[i] for source in sources for i in range(family.growth_count)]


def reference(task: Task) -> Callable:
    return run_reference(task.answer, task.metadata["entry_point"])


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


def test_every_variant_family_is_covered():
    assert {family.source.family for family in FAMILIES} == set(variants.FAMILIES)


@every_family
def test_the_family_is_named_after_its_module(family):
    assert family.source.family == family.module.__name__.rsplit(".", 1)[1].replace("_", "-")


@family_property
def test_tasks_are_deterministic_and_seeds_differ(family, level, seed, index):
    task = make(family, seed, level, index)
    assert task == make(family, seed, level, index)
    assert json.dumps(task.model_dump()) == json.dumps(
        make(family, seed, level, index).model_dump()
    )
    assert task.prompt != make(family, seed + 1, level, index).prompt
    assert task.metadata["tests"] != make(family, seed, level, index + 1).metadata["tests"]
    assert task.id == f"{family}/s{seed}/d{level}/{index}"


@family_property
def test_the_reference_reproduces_every_hidden_output_quickly(family, level, seed, index):
    task = make(family, seed, level, index)
    validate(task.metadata)
    function = reference(task)
    for test in task.metadata["tests"]:
        started = time.perf_counter()
        got = function(*copy.deepcopy(test["input"]))
        assert time.perf_counter() - started < 0.1
        assert values_match(got, test["output"]), (task.id, test)


@family_property
def test_every_wrong_solution_fails_a_hidden_test(family, level, seed, index):
    task = make(family, seed, level, index)
    wrong = family.module.wrong_solutions(task)
    assert 2 <= len(wrong) <= 4
    for label, code in wrong.items():
        assert f"def {task.metadata['entry_point']}(" in code
        assert code != task.answer
        assert not passes(code, task), (task.id, label)


@family_property
def test_hidden_tests_are_many_distinct_and_not_constant_nor_identity(family, level, seed, index):
    task = make(family, seed, level, index)
    tests = task.metadata["tests"]
    assert len(tests) >= family.min_tests  # three shown, the others hidden
    if not family.repeats_inputs:
        assert len({json.dumps(test["input"]) for test in tests}) == len(tests)
    outputs = {json.dumps(test["output"], sort_keys=True) for test in tests}
    assert len(outputs) >= family.min_outputs
    name = task.metadata["entry_point"]
    for output in outputs:  # no constant function passes
        assert not passes(f"def {name}(*args):\n    return {json.loads(output)!r}\n", task)
    assert not passes(f"def {name}(*args):\n    return args[0]\n", task)  # nor the identity
    if family.always_tested is not None:
        assert any(test["input"][0] == family.always_tested for test in tests)


@family_property
def test_the_prompt_shows_the_signature_and_true_examples(family, level, seed, index):
    task = make(family, seed, level, index)
    name = task.metadata["entry_point"]
    signature = next(line for line in task.answer.splitlines() if line.startswith("def "))
    assert signature.startswith(f"def {name}(") and " -> " in signature
    assert task.metadata.get("signature", signature) == signature
    assert signature in task.prompt
    assert task.prompt.endswith(FUNCTION_INSTRUCTION.format(entry_point=name))
    assert task.answer not in task.prompt
    namespace = {name: reference(task)}
    for test in task.metadata["tests"][: task.metadata.get("examples", 3)]:
        line = f"{name}({', '.join(map(repr, test['input']))}) == {test['output']!r}"
        assert line in task.prompt
        assert eval(line, namespace) is True
    steps = len(task.metadata["operations"]) if family.numbers_steps else 1
    assert steps == 1 or all(f"\n{i}. " in task.prompt for i in range(1, steps + 1))


@pytest.mark.parametrize("family", [f for f in FAMILIES if f.repeats_inputs], ids=str)
@every_level
def test_a_fixed_batch_repeats_no_hidden_input(family, level):
    for task in growth_batch(str(family), level):
        tests = task.metadata["tests"]
        assert len({json.dumps(test["input"]) for test in tests}) == len(tests), task.id


@every_family
def test_difficulty_grows(family):
    sizes, counts = [], []
    for level in LEVELS:
        batch = growth_batch(str(family), level)
        sizes.append(mean(family.size(task) for task in batch))
        counts.append(mean(len(task.metadata["tests"]) for task in batch))
    assert sizes == sorted(sizes) and len(set(sizes)) == 5, sizes
    assert counts == sorted(counts) or not family.tests_grow, counts


@pytest.mark.parametrize("family", [f for f in FAMILIES if f.vocabulary], ids=str)
def test_every_step_or_function_is_used(family):
    names, used_by, levels = family.vocabulary
    sources = [family.source(seed=0, difficulty=level) for level in levels]
    assert {name for source in sources for i in range(60) for name in used_by(source[i])} == names


@every_family
def test_generation_is_fast_and_varies_the_entry_point(family):
    source = family.source(seed=5, difficulty=5)
    started = time.perf_counter()
    batch = [source[index] for index in range(60)]
    assert (time.perf_counter() - started) / 60 < family.seconds
    assert len({task.metadata["entry_point"] for task in batch}) >= family.entry_points
