"""The state-machine code family: its kinds per level, and its references on hand-traced
scenarios, one group per machine (the contract every family keeps is checked in
``test_family_contract.py``).
"""

from __future__ import annotations

from rlvr.tasks.code import state_machines
from rlvr.tasks.code.schema import run_reference
from rlvr.types import Task

SOURCE = state_machines.StateMachineSource
LEVELS = range(1, 6)


def reference(task: Task):
    return run_reference(task.answer, task.metadata["entry_point"])


def test_levels_offer_their_kinds():
    common = {"robot", "vending", "register", "stack"}
    for level in LEVELS:
        seen = {SOURCE(seed=3, difficulty=level)[index].metadata["kind"] for index in range(60)}
        assert seen == common | {"automaton" if level <= 3 else "transducer"}, level


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
