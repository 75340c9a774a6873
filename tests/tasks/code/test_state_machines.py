"""The state-machine code family: the generator contract, the references and their near misses.

The references are also run on hand-traced scenarios, one group per machine.
"""

from __future__ import annotations

import copy
import json
import time
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code import state_machines
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, run_reference, validate, values_match
from rlvr.types import Task

SOURCE = state_machines.StateMachineSource
LEVELS = range(1, 6)
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=12, deadline=None)


def make(seed: int, level: int, index: int) -> Task:
    return SOURCE(seed=seed, difficulty=level)[index]


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
    assert task.id == f"state-machines/s{seed}/d{level}/{index}"


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
    wrong = state_machines.wrong_solutions(task)
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
    assert len({json.dumps(test["output"]) for test in tests}) >= 2
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
    common = {"robot", "vending", "register", "stack"}
    for level in LEVELS:
        seen = {SOURCE(seed=3, difficulty=level)[index].metadata["kind"] for index in range(60)}
        assert seen == common | {"automaton" if level <= 3 else "transducer"}, level


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


# -- hand-traced scenarios -----------------------------------------------------------------------


def machine(kind: str, level: int):
    """The reference of the first task of ``kind`` at ``level``."""
    source = SOURCE(seed=0, difficulty=level)
    task = next(source[i] for i in range(200) if source[i].metadata["kind"] == kind)
    return reference(task)


def test_robot_scenarios():
    walk = machine("robot", 2)
    assert walk(["....", ".#..", ".S..", "...."], "NEN") == [1, 2]  # the wall, then around it
    assert walk(["S.."], "NWEEEE") == [0, 2]  # the edges
    drive = machine("robot", 5)
    ice = ["...", "~..", "~..", "~..", "S.."]
    assert drive(ice, "F") == [0, 0, "N"]  # slides over three ice cells
    assert drive(ice, "FRF") == [0, 1, "E"]
    assert drive(ice, "E2N") == [2, 1, "N"]  # no ice in column 1
    assert drive([".....", "..S..", "....."], "2R12F") == [2, 2, "S"]
    assert drive(["S.."], "0FE3L") == [0, 1, "E"]


def test_vending_scenarios():
    basic = machine("vending", 1)
    gum = {"gum": [30, 2]}
    assert basic(gum, ["coin 100", "select gum", "select gum", "select gum"]) == [
        "dispense gum", "dispense gum", "sold out gum"
    ]  # fmt: skip
    assert basic({"gum": [30, 0]}, ["select gum"]) == ["sold out gum"]  # before the credit
    full = machine("vending", 5)
    events = ["coin 25", "coin 25", "select gum", "select gum", "coin 100", "refund", "refund",
              "coin 3", "select tea"]  # fmt: skip
    assert full({"gum": [50, 1]}, events) == [
        "dispense gum", "sold out gum", "refund 100", "reject 3", "unknown tea"
    ]  # fmt: skip
    assert full(gum, ["coin 100", "select gum", "select gum"]) == [
        "dispense gum", "change 70", "insufficient gum"
    ]  # fmt: skip


def test_automaton_and_transducer_scenarios():
    turnstile = {"locked": {"coin": "unlocked", "push": "locked"},
                 "unlocked": {"coin": "unlocked", "push": "locked"}}  # fmt: skip
    assert machine("automaton", 1)(turnstile, "locked", ["coin", "push", "push", "coin"]) == (
        "unlocked"
    )
    partial = {"a": {"x": "b"}, "b": {"y": "a"}}
    assert machine("automaton", 2)(partial, "a", ["x", "x", "y"]) == "a"  # stays on the 2nd x
    assert machine("automaton", 3)(partial, "a", ["x", "x", "y"]) == "error"
    assert machine("automaton", 3)(partial, "a", []) == "a"
    table = {"a": {"go": ["b", "1"]}, "b": {"go": ["a", "2"]}}
    inputs = ["go", "go", "stop", "go", "reset", "go"]
    assert machine("transducer", 5)(table, "a", inputs) == ["1", "2", "1", "1"]


def test_register_scenarios():
    loop = machine("register", 2)
    assert loop(["DEC a", "INC b", "JNZ a -2"], {"a": 3, "b": 0}) == {"a": 0, "b": 3}
    assert loop(["INC a", "JNZ a -1"], {"a": 0}) == {"a": 50}  # stopped after 100 steps
    full = machine("register", 4)
    program = ["CPY 4 b", "ADD a b", "JMP 2", "INC a", "DEC b"]
    assert full(program, {"a": 1, "b": 0}) == {"a": 5, "b": 3}
    assert full(["JNZ 1 0"], {"a": 5}) == {"a": 5}
    limited = machine("register", 5)
    assert limited(["INC a", "JNZ a -1"], {"a": 0}, 10) is None
    assert limited(["INC a"] * 3, {"a": 0}, 3) == {"a": 3}
    assert limited(["INC a"] * 3, {"a": 0}, 2) is None


def test_stack_scenarios():
    assert machine("stack", 1)(["PUSH 2", "PUSH 3", "ADD", "PUSH 4", "POP"]) == [5]
    run = machine("stack", 5)
    assert run(["PUSH 7", "PUSH 2", "SUB", "PUSH 3", "OVER", "SWAP", "DIV"]) == [5, 1]
    assert run(["PUSH -7", "PUSH 2", "DIV"]) == [-4]  # floor division
    assert run(["PUSH 0", "JZ 2", "PUSH 1", "PUSH 2", "PUSH 3"]) == [3]
    assert run(["PUSH 1", "JZ 2", "PUSH 1"]) == [1]
    assert run(["PUSH 1", "DUP", "MUL", "ADD"]) is None
    assert run(["PUSH 1", "PUSH 0", "DIV"]) is None
