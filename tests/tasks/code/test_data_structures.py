"""The data-structure code family: its kinds per level, models and near misses (the contract every
family keeps is checked in ``test_family_contract.py``).

Every hidden output is also recomputed by an independent model of each structure written here
(plain lists, a sorted scan for the priority queue, a key list for the LRU order, a set of
integers for the interval set, a dictionary trie for the words).
"""

from __future__ import annotations

import copy
from collections import Counter
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code import data_structures
from rlvr.tasks.code.schema import run_reference, values_match
from rlvr.types import Task

SOURCE = data_structures.DataStructuresSource
LEVELS = range(1, 6)
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=10, deadline=None)
KINDS = {
    1: {"stack", "queue"},
    2: {"stack", "queue", "multiset"},
    3: {"stack", "queue", "multiset", "priority-queue", "lru-cache"},
    4: {"multiset", "priority-queue", "lru-cache", "ledger", "interval-set", "trie"},
    5: {"priority-queue", "lru-cache", "ledger", "interval-set", "trie"},
}


def make(seed: int, level: int, index: int) -> Task:
    return SOURCE(seed=seed, difficulty=level)[index]


def reference(task: Task):
    return run_reference(task.answer, task.metadata["entry_point"])


# -- independent models --------------------------------------------------------------------------


def stack_model(level: int, ops: list) -> list:
    """A list; the extremes by a scan."""
    items, out = [], []
    for op, *args in ops:
        if op == "push":
            items.append(args[0])
        elif op == "pop":
            out.append(items.pop() if items else None)
        elif op == "peek":
            out.append(items[-1] if items else None)
        elif op == "size":
            out.append(len(items))
        else:
            out.append((min if op == "min" else max)(items, default=None))
    return out


def queue_model(level: int, ops: list) -> list:
    items, out = [], []
    for op, *args in ops:
        if op == "enqueue":
            items.append(args[0])
        elif op == "clear":
            items = []
        elif op == "size":
            out.append(len(items))
        elif op == "back":
            out.append(items[-1] if items else None)
        else:
            out.append((items.pop(0) if op == "dequeue" else items[0]) if items else None)
    return out


def multiset_model(level: int, ops: list) -> list:
    counts, out = Counter(), []
    for op, *args in ops:
        x = args[0] if args else None
        if op == "add":
            counts[x] += 1
        elif op == "remove":
            out.append(counts[x] > 0)
            counts[x] = max(counts[x] - 1, 0)
        elif op == "remove_all":
            out.append(counts[x])
            counts[x] = 0
        elif op == "most_common":
            held = sorted((-n, value) for value, n in counts.items() if n)
            out.append(held[0][1] if held else None)
        else:
            size = {"count": counts[x], "size": sum(counts.values()),
                    "distinct": sum(1 for n in counts.values() if n)}  # fmt: skip
            out.append(size[op])
    return out


def pq_model(level: int, ops: list) -> list:
    """Entries kept unsorted; the one served first is found by a scan."""
    entries, out = [], []  # [task, priority, push number]

    def first(candidates: list) -> list | None:
        return min(candidates, key=lambda e: (e[1], e[2])) if candidates else None

    for number, (op, *args) in enumerate(ops):
        if op == "push":
            entries.append([args[0], args[1], number])
        elif op == "size":
            out.append(len(entries))
        else:
            pool = [e for e in entries if op != "remove" or e[0] == args[0]]
            entry = first(pool)
            if op in ("pop", "remove") and entry is not None:
                entries.remove(entry)
            out.append(entry is not None if op == "remove" else entry and entry[0])
    return out


def lru_model(level: int, ops: list) -> list:
    """Values in a dict, the order of use in a list (least recently used first)."""
    values: dict = {}
    order: list = []
    capacity, out = 0, []
    for op, *args in ops:
        if op == "init":
            values, order, capacity = {}, [], args[0]
        elif op == "put":
            key, value = args
            if key in values:
                order.remove(key)
            elif len(values) >= capacity:
                del values[order.pop(0)]
            values[key] = value
            order.append(key)
        elif op == "get":
            if args[0] in values:
                order.remove(args[0])
                order.append(args[0])
            out.append(values.get(args[0], -1))
        elif op == "peek":
            out.append(values.get(args[0], -1))
        elif op == "size":
            out.append(len(values))
        elif op == "delete":
            out.append(args[0] in values)
            if args[0] in values:
                del values[args[0]]
                order.remove(args[0])
    return out


def ledger_model(level: int, ops: list) -> list:
    balances: dict = {}
    out = []
    strict = level >= 5
    for op, *args in ops:
        if op == "open":
            ok = args[0] not in balances
            balances.setdefault(args[0], args[1])
        elif op in ("deposit", "withdraw"):
            name, amount = args
            sign = 1 if op == "deposit" else -1
            ok = name in balances and balances[name] + sign * amount >= 0
            ok = ok and (amount > 0 or not strict)
            if ok:
                balances[name] += sign * amount
        elif op == "transfer":
            source, target, amount = args
            ok = {source, target} <= set(balances) and balances[source] - amount >= 0
            ok = ok and (not strict or (amount > 0 and source != target))
            if ok:
                balances[source] -= amount
                balances[target] += amount
        else:
            ok = balances.get(args[0]) if op == "balance" else balances.pop(args[0], None)
        out.append(ok)
    return out


def interval_model(level: int, ops: list) -> list:
    """The set of integers itself."""
    members: set = set()
    out = []
    for op, *args in ops:
        if op == "add":
            members |= set(range(args[0], args[1] + 1))
        elif op == "remove":
            members -= set(range(args[0], args[1] + 1))
        elif op == "contains":
            out.append(args[0] in members)
        elif op == "count":
            out.append(sum(1 for x in members if x - 1 not in members))
        else:
            out.append(len(members))
    return out


def trie_model(level: int, ops: list) -> list:
    """A trie of nested dicts; ``"$"`` marks the end of a stored word."""
    root: dict = {}

    def find(text: str) -> dict | None:
        node = root
        for char in text:
            if char not in node:
                return None
            node = node[char]
        return node

    def stored(node: dict) -> int:
        return ("$" in node) + sum(stored(child) for key, child in node.items() if key != "$")

    out = []
    for op, text in ops:
        node = find(text)
        if op == "insert":
            node = root
            for char in text:
                node = node.setdefault(char, {})
            node["$"] = True
        elif op in ("search", "delete"):
            out.append(node is not None and "$" in node)
            if op == "delete" and out[-1]:
                del node["$"]
        else:
            count = 0 if node is None else stored(node)
            out.append(count if op == "count_prefix" else count > 0)
    return out


MODELS = {"stack": stack_model, "queue": queue_model, "multiset": multiset_model,
          "priority-queue": pq_model, "lru-cache": lru_model, "ledger": ledger_model,
          "interval-set": interval_model, "trie": trie_model}  # fmt: skip


# -- what this family adds to the contract ------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_an_independent_model_reproduces_every_hidden_output(level, seed, index):
    task = make(seed, level, index)
    assert task.metadata["kind"] in KINDS[level]
    model = MODELS[task.metadata["kind"]]
    for test in task.metadata["tests"]:
        got = model(level, *copy.deepcopy(test["input"]))
        assert values_match(got, test["output"]), (task.id, test)


@pytest.mark.parametrize("kind", ["priority-queue", "lru-cache", "ledger", "trie"])
def test_the_models_agree_on_many_tasks_of_the_hard_kinds(kind):
    checked = 0
    for level in (3, 4, 5):
        source = SOURCE(seed=11, difficulty=level)
        for task in (source[i] for i in range(40)):
            if task.metadata["kind"] != kind:
                continue
            for test in task.metadata["tests"]:
                got = MODELS[kind](level, *copy.deepcopy(test["input"]))
                assert values_match(got, test["output"]), (task.id, test)
            checked += 1
    assert checked >= 8


def test_every_near_miss_is_used_at_some_level():
    for kind, structure in data_structures.STRUCTURES.items():
        used = set()
        for level in range(structure.levels[0], structure.levels[1] + 1):
            source = SOURCE(seed=1, difficulty=level)
            task = next(source[i] for i in range(300) if source[i].metadata["kind"] == kind)
            used |= set(data_structures.wrong_solutions(task))
        assert used == {miss[0] for miss in structure.wrong}, kind


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_the_prompt_specifies_every_operation_and_hides_the_hidden_tests(level, seed, index):
    task = make(seed, level, index)
    name = task.metadata["entry_point"]
    signature = next(line for line in task.answer.splitlines() if line.startswith("def "))
    assert signature.startswith(f"def {name}(ops: list[list[") and " -> list[" in signature
    for test in task.metadata["tests"][:3]:  # the examples show two outputs or more
        assert len(test["output"]) >= 2
    for test in task.metadata["tests"][3:]:  # the hidden tests are not shown
        assert repr(test["input"][0]) not in task.prompt
    used = {op[0] for test in task.metadata["tests"] for op in test["input"][0]}
    assert all(f'`["{op}"' in task.prompt for op in used)  # every operation is specified


def test_levels_offer_their_kinds():
    for level in LEVELS:
        seen = {SOURCE(seed=3, difficulty=level)[index].metadata["kind"] for index in range(80)}
        assert seen == KINDS[level], level


def test_op_lists_and_their_variety_grow_with_the_level():
    lengths, kinds = [], []
    for level in LEVELS:
        batch = [SOURCE(seed=1, difficulty=level)[i] for i in range(50)]
        lengths.append(mean(len(t["input"][0]) for task in batch for t in task.metadata["tests"]))
        kinds.append(mean(len({op[0] for t in task.metadata["tests"] for op in t["input"][0]})
                          for task in batch))  # fmt: skip
    assert lengths == sorted(lengths) and lengths[-1] > 2 * lengths[0], lengths
    assert kinds == sorted(kinds) and kinds[-1] > kinds[0] + 1.5, kinds


# -- hand-traced scenarios -----------------------------------------------------------------------


def structure(kind: str, level: int):
    """The reference of the first task of ``kind`` at ``level``."""
    source = SOURCE(seed=0, difficulty=level)
    return reference(next(source[i] for i in range(300) if source[i].metadata["kind"] == kind))


def test_stack_and_queue_scenarios():
    assert structure("stack", 1)([["pop"], ["push", 4], ["push", 7], ["peek"], ["pop"],
                                  ["pop"], ["peek"]]) == [None, 7, 7, 4, None]  # fmt: skip
    run = structure("stack", 3)
    ops = [["push", 2], ["push", 2], ["push", 5], ["min"], ["max"], ["pop"], ["pop"], ["min"],
           ["max"], ["pop"], ["min"], ["size"]]  # fmt: skip
    assert run(ops) == [2, 5, 5, 2, 2, 2, 2, None, 0]
    queue = structure("queue", 3)
    ops = [["enqueue", 1], ["enqueue", 2], ["back"], ["dequeue"], ["clear"], ["front"],
           ["dequeue"], ["size"], ["enqueue", 3], ["back"], ["front"]]  # fmt: skip
    assert queue(ops) == [2, 1, None, None, 0, 3, 3]


def test_multiset_and_priority_queue_scenarios():
    bag = structure("multiset", 4)
    ops = [["add", 5], ["add", 5], ["add", 2], ["add", 2], ["most_common"], ["remove", 5],
           ["most_common"], ["remove_all", 2], ["distinct"], ["size"], ["remove", 2]]  # fmt: skip
    assert bag(ops) == [2, True, 2, 2, 1, 1, False]
    queue = structure("priority-queue", 5)
    ops = [
        ["push", "b", 1],
        ["push", "a", 1],
        ["push", "c", 0],
        ["push", "b", -3],
        ["peek"],
        ["remove", "b"],
        ["pop"],
        ["pop"],
        ["size"],
        ["remove", "b"],
        ["pop"],
        ["pop"],
    ]
    assert queue(ops) == ["b", True, "c", "b", 1, False, "a", None]


def test_lru_scenarios():
    cache = structure("lru-cache", 5)
    ops = [["init", 2], ["put", 1, 10], ["put", 2, 20], ["get", 1], ["put", 3, 30], ["get", 2],
           ["peek", 1], ["put", 4, 40], ["get", 1], ["get", 3], ["size"]]  # fmt: skip
    assert cache(ops) == [10, -1, 10, -1, 30, 2]
    ops = [["init", 1], ["put", 1, 1], ["put", 1, 2], ["get", 1], ["put", 2, 3], ["get", 1],
           ["delete", 2], ["delete", 2], ["size"], ["init", 3], ["get", 2]]  # fmt: skip
    assert cache(ops) == [2, -1, True, False, 0, -1]


def test_ledger_scenarios():
    bank = structure("ledger", 4)
    ops = [["open", "a", 10], ["open", "a", 50], ["transfer", "a", "b", 5], ["open", "b", 0],
           ["transfer", "a", "b", 10], ["withdraw", "a", 1], ["transfer", "a", "a", 0],
           ["balance", "b"], ["balance", "c"]]  # fmt: skip
    assert bank(ops) == [True, False, False, True, True, False, True, 10, None]
    strict = structure("ledger", 5)
    assert strict(ops) == [True, False, False, True, True, False, False, 10, None]
    assert strict([["open", "a", 7], ["deposit", "a", 0], ["close", "a"], ["close", "a"]]) == [
        True, False, 7, None
    ]  # fmt: skip


def test_interval_and_word_scenarios():
    ranges = structure("interval-set", 5)
    ops = [
        ["add", 1, 3],
        ["add", 5, 7],
        ["count"],
        ["add", 4, 4],
        ["count"],
        ["remove", 3, 5],
        ["count"],
        ["total"],
        ["contains", 3],
        ["contains", 6],
        ["add", 9, 8],
        ["count"],
    ]
    assert ranges(ops) == [2, 1, 2, 4, False, True, 2]
    words = structure("trie", 5)
    ops = [["insert", "card"], ["search", "car"], ["starts_with", "car"], ["insert", "car"],
           ["insert", "car"], ["count_prefix", "car"], ["delete", "card"], ["count_prefix", ""],
           ["starts_with", "card"], ["delete", "car"], ["starts_with", ""]]  # fmt: skip
    assert words(ops) == [False, True, 2, True, 1, False, True, False]
