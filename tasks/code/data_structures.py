"""Data-structure tasks: write ``process(ops)`` (the name varies) that runs a list of operations
such as ``["push", 3]`` or ``["pop"]`` on a structure and returns the outputs of those giving one.

=====  =========================================================================================
level  structures (and what each gains at that level)
=====  =========================================================================================
1      stack (push, pop, peek); queue (enqueue, dequeue, front)
2      + size; stack + min, repeated values; multiset (add, remove, count)
3      stack + max; queue + back, clear; multiset + size, distinct; priority queue (push, pop,
       ties in push order); LRU cache (init, put, get)
4      multiset + remove_all, most_common; priority queue + peek, size; LRU + peek, size; bank
       ledger (open, deposit, withdraw, transfer, balance); interval set (add, contains, count of
       merged runs); words with prefix queries (insert, search, starts_with, count_prefix)
5      priority queue + remove, priorities <= 0; LRU + delete, re-init; ledger + close, amounts
       <= 0 and self-transfers fail; intervals + remove, total, reversed ranges; words + delete
=====  =========================================================================================

Each structure is offered over a range of levels (stack, queue 1-3; multiset 2-4; priority
queue, LRU 3-5; ledger, intervals, words 4-5). Hidden tests: three short lists shown as examples,
edge cases (empty structures, capacity 1, repeated keys, ties, failing transfers) that every near
miss of :func:`wrong_solutions` fails, then 8-12 random lists of 6-10 (level 1) to 18-26 (level
5) operations. ``answer`` is the reference (see :mod:`rlvr.tasks.code.schema`).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
from collections.abc import Callable
from string import Template
from typing import ClassVar, NamedTuple

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.code.state_machines import Spec, at_level, build, patch
from rlvr.types import Task

Maker = Callable[[random.Random, int], list]
"""``(rng, level) -> values``: the arguments of a random operation, or a list of operations"""


class Op(NamedTuple):
    """One operation offered from ``low`` to ``high``: its name, its weight among the random
    operations, its spec line, a maker of its arguments, and whether it never outputs."""

    low: int
    high: int
    weight: int
    name: str
    text: str
    args: Maker | None = None
    silent: bool = False


class Structure(NamedTuple):
    """One data structure: its reference (a :class:`string.Template`: ``$name`` is the entry
    point, the other placeholders are filled from ``parts`` by level), its spec (``intro`` rules
    and the ``ops``), its edge cases, its near misses ``(label, lowest, highest, [(old, new),
    ...])`` and the operations every list starts with."""

    kind: str
    levels: tuple[int, int]
    names: tuple[str, ...]
    code: str
    parts: dict[str, list[tuple[int, int, str]]]
    intro: list[tuple[int, int, str]]
    ops: list[Op]
    edges: Maker
    wrong: list[tuple[str, int, int, list[tuple[str, str]]]]
    setup: Maker | None = None


INTRO = (
    "`ops` is a list of operations, each a list whose first element is the operation's name. "
    "Run them in order on {}, which starts empty, and return the list of the outputs of the "
    "operations that give one, in order."
)


def branch(op: str, *lines: str) -> str:
    """An ``elif`` branch of a reference's operation loop."""
    return f'        elif op == "{op}":\n' + "".join(f"            {line}\n" for line in lines)


def between(low: int, high: int) -> Maker:
    return lambda rng, level: [rng.randint(low, high)]


# -- stack (with min and max) and queue ----------------------------------------------------------

STACK_CODE = """def $name(ops: list[list[int | str]]) -> list[int | None]:
${init}    for op, *args in ops:
        if op == "push":
            stack.append(args[0])
${push}        elif op == "pop":
            out.append(stack.pop() if stack else None)
${pop}        elif op == "peek":
            out.append(stack[-1] if stack else None)
${more}    return out
"""
PUSH_MIN = "            mins.append(min(args[0], mins[-1]) if mins else args[0])\n"


def stack_edges(rng: random.Random, level: int) -> list[list]:
    a, b = rng.randint(-9, -1), rng.randint(1, 9)
    return at_level(level, [
        (1, 5, [["pop"], ["peek"], ["push", a], ["pop"], ["pop"], ["peek"]]),
        (1, 5, [["push", a], ["push", b], ["peek"], ["pop"], ["peek"], ["pop"]]),
        (2, 5, [["push", b], ["push", a], ["min"], ["peek"], ["pop"], ["min"], ["pop"], ["min"],
                ["size"]]),
        (2, 5, [["push", a], ["push", b], ["min"], ["push", a], ["pop"], ["min"], ["size"]]),
        (3, 5, [["push", a], ["push", b], ["max"], ["pop"], ["max"], ["push", a], ["max"]]),
    ])  # fmt: skip


STACK = Structure(
    "stack", (1, 3), ("process", "run_stack", "stack_ops", "process_stack"), STACK_CODE,
    {
        "init": [(1, 1, "    stack, out = [], []\n"), (2, 2, "    stack, mins, out = [], [], []\n"),
                 (3, 5, "    stack, mins, maxs, out = [], [], [], []\n")],
        "push": [(2, 5, PUSH_MIN), (3, 5, PUSH_MIN.replace("min", "max"))],
        "pop": [(2, 5, "            del mins[len(stack):]\n"),
                (3, 5, "            del maxs[len(stack):]\n")],
        "more": [(2, 5, branch("size", "out.append(len(stack))")
                  + branch("min", "out.append(mins[-1] if mins else None)")),
                 (3, 5, branch("max", "out.append(maxs[-1] if maxs else None)"))],
    },
    [(1, 5, "Simulate a stack of integers. " + INTRO.format("the stack")),
     (2, 5, "Values may repeat.")],
    [
        Op(1, 5, 5, "push", '`["push", x]`: put the integer x on top; no output.',
           lambda rng, level: [rng.randint(-9, 9) if level >= 2 else rng.randint(0, 50)], True),
        Op(1, 5, 3, "pop", '`["pop"]`: remove the top value and output it (None if empty).'),
        Op(1, 5, 2, "peek", '`["peek"]`: output the top value, not removing it (None if empty).'),
        Op(2, 5, 1, "size", '`["size"]`: output the number of values on the stack.'),
        Op(2, 5, 2, "min", '`["min"]`: output the smallest value on the stack (None if empty).'),
        Op(3, 5, 2, "max", '`["max"]`: output the largest value on the stack (None if empty).'),
    ],
    stack_edges,
    [
        ("max_not_restored", 3, 5, [("            del maxs[len(stack):]\n", "")]),
        ("min_not_restored", 2, 5, [("            del mins[len(stack):]\n", "")]),
        ("min_reads_top", 2, 5, [("mins[-1] if mins", "stack[-1] if stack")]),
        ("fifo_order", 1, 5, [("stack.pop() if", "stack.pop(0) if"),
                              ("out.append(stack[-1] if", "out.append(stack[0] if")]),
        ("pop_raises_when_empty", 1, 5, [("stack.pop() if stack else None", "stack.pop()")]),
        ("peek_removes", 1, 5, [("out.append(stack[-1] if stack else None)",
                                 "out.append(stack.pop() if stack else None)")]),
    ],
)  # fmt: skip

QUEUE_CODE = """from collections import deque


def $name(ops: list[list[int | str]]) -> list[int | None]:
    queue, out = deque(), []
    for op, *args in ops:
        if op == "enqueue":
            queue.append(args[0])
        elif op == "dequeue":
            out.append(queue.popleft() if queue else None)
        elif op == "front":
            out.append(queue[0] if queue else None)
${more}    return out
"""


def queue_edges(rng: random.Random, level: int) -> list[list]:
    a, b = rng.randint(1, 24), rng.randint(25, 50)
    return at_level(level, [
        (1, 5, [["dequeue"], ["front"], ["enqueue", a], ["dequeue"], ["dequeue"], ["front"]]),
        (1, 5, [["enqueue", a], ["enqueue", b], ["front"], ["dequeue"], ["front"]]),
        (2, 5, [["enqueue", b], ["enqueue", b], ["size"], ["dequeue"], ["size"], ["dequeue"],
                ["size"]]),
        (3, 5, [["enqueue", a], ["enqueue", b], ["back"], ["clear"], ["back"], ["dequeue"],
                ["size"], ["enqueue", b], ["back"], ["front"]]),
    ])  # fmt: skip


QUEUE = Structure(
    "queue", (1, 3), ("process", "run_queue", "queue_ops", "process_queue"), QUEUE_CODE,
    {"more": [(2, 5, branch("size", "out.append(len(queue))")),
              (3, 5, branch("back", "out.append(queue[-1] if queue else None)")
               + branch("clear", "queue.clear()"))]},
    [(1, 5, "Simulate a first-in first-out queue of integers. " + INTRO.format("the queue"))],
    [
        Op(1, 5, 5, "enqueue", '`["enqueue", x]`: add the integer x at the back; no output.',
           lambda rng, level: [rng.randint(-20 if level >= 2 else 0, 50)], True),
        Op(1, 5, 3, "dequeue", '`["dequeue"]`: remove the front value and output it (None if '
                               "empty)."),
        Op(1, 5, 2, "front", '`["front"]`: output the front value, not removing it (None if '
                             "empty)."),
        Op(2, 5, 1, "size", '`["size"]`: output the number of values in the queue.'),
        Op(3, 5, 1, "back", '`["back"]`: output the value at the back (None if empty).'),
        Op(3, 5, 1, "clear", '`["clear"]`: remove every value; no output.', None, True),
    ],
    queue_edges,
    [
        ("clear_ignored", 3, 5, [("            queue.clear()\n", "            pass\n")]),
        ("lifo_order", 1, 5, [("queue.popleft() if", "queue.pop() if"),
                              ("queue[0] if", "queue[-1] if")]),
        ("dequeue_raises_when_empty", 1, 5, [("queue.popleft() if queue else None",
                                              "queue.popleft()")]),
        ("front_reads_back", 1, 5, [("out.append(queue[0] if", "out.append(queue[-1] if")]),
    ],
)  # fmt: skip

# -- multiset ------------------------------------------------------------------------------------

MULTISET_CODE = """def $name(ops: list[list[int | str]]) -> list[bool | int | None]:
    counts, out = {}, []
    for op, *args in ops:
        if op == "add":
            counts[args[0]] = counts.get(args[0], 0) + 1
        elif op == "remove":
            found = args[0] in counts
            if found:
                counts[args[0]] -= 1
                if counts[args[0]] == 0:
                    del counts[args[0]]
            out.append(found)
        elif op == "count":
            out.append(counts.get(args[0], 0))
${more}    return out
"""


def multiset_edges(rng: random.Random, level: int) -> list[list]:
    a, b, c = rng.sample(range(1, 10), 3)
    lo, hi = sorted((a, b))
    return at_level(level, [
        (1, 5, [["add", a], ["add", a], ["add", b], ["remove", a], ["count", a], ["remove", a],
                ["remove", a], ["count", a], ["count", b], ["count", c], ["remove", c]]),
        (3, 5, [["add", a], ["add", a], ["add", b], ["size"], ["distinct"], ["remove", b],
                ["distinct"], ["size"]]),
        (4, 5, [["most_common"], ["add", hi], ["add", lo], ["most_common"], ["add", hi],
                ["most_common"], ["remove_all", hi], ["remove_all", hi], ["most_common"],
                ["size"]]),
    ])  # fmt: skip


KEY = lambda rng, level: [rng.randint(1, 3 + level)]  # noqa: E731
MULTISET = Structure(
    "multiset", (2, 4), ("process", "multiset_ops", "run_multiset", "process_bag"),
    MULTISET_CODE,
    {"more": [(3, 5, branch("size", "out.append(sum(counts.values()))")
               + branch("distinct", "out.append(len(counts))")),
              (4, 5, branch("remove_all", "out.append(counts.pop(args[0], 0))")
               + branch("most_common", "out.append(min(counts, key=lambda x: (-counts[x], x)) "
                                       "if counts else None)"))]},
    [(1, 5, "Simulate a multiset (a bag) of integers, where a value may be held several times. "
            + INTRO.format("the multiset"))],
    [
        Op(1, 5, 5, "add", '`["add", x]`: add one copy of x; no output.', KEY, True),
        Op(1, 5, 3, "remove", '`["remove", x]`: remove one copy of x and output True; output '
                              "False when x is not held.", KEY),
        Op(1, 5, 3, "count", '`["count", x]`: output the number of copies of x (0 if none).',
           KEY),
        Op(3, 5, 1, "size", '`["size"]`: output the total number of copies held.'),
        Op(3, 5, 1, "distinct", '`["distinct"]`: output how many different values are held.'),
        Op(4, 5, 1, "remove_all", '`["remove_all", x]`: remove every copy of x; output how '
                                  "many were removed.", KEY),
        Op(4, 5, 2, "most_common", '`["most_common"]`: output the value held most often, the '
                                   "smallest one on a tie (None if empty)."),
    ],
    multiset_edges,
    [
        ("ties_to_largest", 4, 5, [("(-counts[x], x)", "(-counts[x], -x)")]),
        ("size_counts_distinct", 3, 5, [("out.append(sum(counts.values()))",
                                         "out.append(len(counts))")]),
        ("remove_takes_every_copy", 1, 5, [("counts[args[0]] -= 1", "counts[args[0]] = 0")]),
        ("zero_counts_kept", 1, 5, [("                if counts[args[0]] == 0:\n"
                                     "                    del counts[args[0]]\n", "")]),
        ("count_of_absent_raises", 1, 5, [("out.append(counts.get(args[0], 0))",
                                           "out.append(counts[args[0]])")]),
    ],
)  # fmt: skip

# -- priority queue ------------------------------------------------------------------------------

PQ_CODE = """import heapq


def $name(ops: list[list[int | str]]) -> ${returns}:
    heap, out, pushed = [], [], 0
    for op, *args in ops:
        if op == "push":
            heapq.heappush(heap, (args[1], pushed, args[0]))
            pushed += 1
        elif op == "pop":
            out.append(heapq.heappop(heap)[2] if heap else None)
${more}    return out
"""
TASKS = ("build", "deploy", "email", "fix", "index", "merge", "plan", "review", "ship", "test")


def pq_edges(rng: random.Random, level: int) -> list[list]:
    a, b, c = sorted(rng.sample(TASKS, 3))
    p = rng.randint(2, 5)
    return at_level(level, [
        (1, 5, [["pop"], ["push", b, p], ["push", a, p], ["push", c, p - 1], ["pop"], ["pop"],
                ["push", c, p], ["pop"], ["pop"], ["pop"]]),
        (4, 5, [["peek"], ["push", a, 2], ["peek"], ["push", b, 1], ["peek"], ["size"], ["pop"],
                ["peek"], ["size"]]),
        (5, 5, [["push", a, 5], ["push", a, -1], ["push", b, 3], ["remove", a], ["remove", c],
                ["pop"], ["pop"], ["remove", a], ["pop"]]),
    ])  # fmt: skip


PQ = Structure(
    "priority-queue", (3, 5), ("process", "run_queue", "schedule", "process_tasks"), PQ_CODE,
    {
        "returns": [(3, 3, "list[str | None]"), (4, 4, "list[str | int | None]"),
                    (5, 5, "list[str | int | bool | None]")],
        "more": [(4, 5, branch("peek", "out.append(heap[0][2] if heap else None)")
                  + branch("size", "out.append(len(heap))")),
                 (5, 5, branch("remove", "entries = [entry for entry in heap if entry[2] == "
                               "args[0]]", "if entries:", "    heap.remove(min(entries))",
                               "    heapq.heapify(heap)", "out.append(bool(entries))"))],
    },
    [(1, 5, "Simulate a priority queue of named tasks (strings) with integer priorities. "
            + INTRO.format("the queue") + " A smaller priority number is served first; among "
            "entries of equal priority, the one pushed earliest is served first. The same task "
            "may be pushed several times: every push is its own entry."),
     (1, 4, "Priorities are at least 1."), (5, 5, "Priorities may be zero or negative.")],
    [
        Op(1, 5, 6, "push", '`["push", task, priority]`: add an entry; no output.',
           lambda rng, level: [rng.choice(TASKS[: 4 + level]),
                               rng.randint(-2 if level >= 5 else 1, 4)], True),
        Op(1, 5, 4, "pop", '`["pop"]`: remove the entry served first and output its task '
                           "(None if empty)."),
        Op(4, 5, 1, "peek", '`["peek"]`: output the task `pop` would output, not removing it '
                            "(None if empty)."),
        Op(4, 5, 1, "size", '`["size"]`: output the number of entries.'),
        Op(5, 5, 2, "remove", '`["remove", task]`: remove the entry of this task served first '
                              "and output True; output False when it has none.",
           lambda rng, level: [rng.choice(TASKS[: 4 + level])]),
    ],
    pq_edges,
    [
        ("remove_takes_the_last_served", 5, 5, [("heap.remove(min(", "heap.remove(max(")]),
        ("peek_removes", 4, 5, [("heap[0][2] if heap", "heapq.heappop(heap)[2] if heap")]),
        ("ties_newest_first", 1, 5, [("(args[1], pushed, args[0])",
                                      "(args[1], -pushed, args[0])")]),
        ("ties_by_name", 1, 5, [("(args[1], pushed, args[0])", "(args[1], 0, args[0])")]),
        ("largest_priority_first", 1, 5, [("(args[1], pushed", "(-args[1], pushed")]),
        ("pop_raises_when_empty", 1, 5, [("heapq.heappop(heap)[2] if heap else None",
                                          "heapq.heappop(heap)[2]")]),
    ],
)  # fmt: skip

# -- LRU cache -----------------------------------------------------------------------------------

LRU_CODE = """from collections import OrderedDict


def $name(ops: list[list[int | str]]) -> ${returns}:
    cache, capacity, out = OrderedDict(), 0, []
    for op, *args in ops:
        if op == "init":
            cache, capacity = OrderedDict(), args[0]
        elif op == "get":
            if args[0] in cache:
                cache.move_to_end(args[0])
            out.append(cache.get(args[0], -1))
        elif op == "put":
            if args[0] in cache:
                cache.move_to_end(args[0])
            elif len(cache) == capacity:
                cache.popitem(last=False)
            cache[args[0]] = args[1]
${more}    return out
"""


def lru_edges(rng: random.Random, level: int) -> list[list]:
    k1, k2, k3 = rng.sample(range(1, 10), 3)
    a, b, c, d = rng.sample(range(10, 99), 4)
    return at_level(level, [
        (1, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["get", k1], ["put", k3, c],
                ["get", k2], ["get", k1], ["get", k3]]),
        (1, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["put", k1, d], ["put", k3, c],
                ["get", k1], ["get", k2], ["get", k3]]),
        (1, 5, [["init", 1], ["get", k1], ["put", k1, a], ["put", k2, b], ["get", k1],
                ["get", k2], ["put", k2, c], ["get", k2]]),
        (4, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["peek", k1], ["put", k3, c],
                ["peek", k1], ["get", k2], ["size"]]),
        (5, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["delete", k1], ["delete", k1],
                ["put", k3, c], ["get", k2], ["init", 2], ["get", k3], ["size"], ["put", k1, a],
                ["delete", k1], ["size"]]),
    ])  # fmt: skip


CACHE_KEY = lambda rng, level: [rng.randint(1, level + 1)]  # noqa: E731
LRU = Structure(
    "lru-cache", (3, 5), ("process", "lru_cache", "run_cache", "process_cache"), LRU_CODE,
    {
        "returns": [(3, 4, "list[int]"), (5, 5, "list[int | bool]")],
        "more": [(4, 5, branch("peek", "out.append(cache[args[0]] if args[0] in cache else -1)")
                  + branch("size", "out.append(len(cache))")),
                 (5, 5, branch("delete", "out.append(args[0] in cache)",
                               "cache.pop(args[0], None)"))],
    },
    [(1, 5, "Simulate a least-recently-used (LRU) cache from integer keys to integer values. "
            + INTRO.format("the cache") + " A key is used by a `put` of it and by a `get` "
            "that finds it.")],
    [
        Op(1, 4, 0, "init", '`["init", c]`: set the capacity to c (c >= 1); no output. It is '
                            "always the first operation and the only init.", None, True),
        Op(5, 5, 1, "init", '`["init", c]`: empty the cache and set its capacity to c (c >= 1); '
                            "no output. The first operation is always an init; more may follow.",
           between(1, 3), True),
        Op(1, 5, 5, "put", '`["put", k, v]`: set the value of k to v; k becomes the most '
                           "recently used key. If k is new and the cache already holds c keys, "
                           "first evict the least recently used key. No output.",
           lambda rng, level: [rng.randint(1, level + 1), rng.randint(0, 99)], True),
        Op(1, 5, 5, "get", '`["get", k]`: output the value of k, or -1 when k is not in the '
                           "cache; a found key becomes the most recently used.", CACHE_KEY),
        Op(4, 5, 1, "peek", '`["peek", k]`: like `get`, but without using the key (the order '
                            "does not change).", CACHE_KEY),
        Op(4, 5, 1, "size", '`["size"]`: output the number of keys in the cache.'),
        Op(5, 5, 1, "delete", '`["delete", k]`: remove k; output True when it was in the cache, '
                              "else False.", CACHE_KEY),
    ],
    lru_edges,
    [
        ("init_keeps_entries", 5, 5, [("cache, capacity = OrderedDict(), args[0]",
                                       "capacity = args[0]")]),
        ("peek_refreshes", 4, 5, [("out.append(cache[args[0]] if args[0] in cache else -1)",
                                   "if args[0] in cache:\n                cache.move_to_end("
                                   "args[0])\n            out.append(cache.get(args[0], -1))")]),
        ("get_does_not_refresh", 1, 5, [('"get":\n            if args[0] in cache:\n'
                                         "                cache.move_to_end(args[0])\n",
                                         '"get":\n')]),
        ("put_does_not_refresh", 1, 5, [("cache.move_to_end(args[0])\n            elif",
                                         "pass\n            elif")]),
        ("evicts_newest", 1, 5, [("cache.popitem(last=False)", "cache.popitem()")]),
        ("holds_one_extra", 1, 5, [("len(cache) == capacity", "len(cache) > capacity")]),
    ],
    lambda rng, level: [["init", rng.randint(1, level - 1)]],
)  # fmt: skip

# -- bank ledger ---------------------------------------------------------------------------------

LEDGER_CODE = """def $name(ops: list[list[int | str]]) -> list[bool | int | None]:
    accounts, out = {}, []
    for op, *args in ops:
        name, amount = args[0], args[-1]
        if op == "open":
            result = name not in accounts
            if result:
                accounts[name] = amount
        elif op == "deposit":
            result = name in accounts${positive}
            if result:
                accounts[name] += amount
        elif op == "withdraw":
            result = name in accounts and accounts[name] >= amount${positive}
            if result:
                accounts[name] -= amount
        elif op == "transfer":
            target = args[1]
            result = name in accounts and target in accounts and accounts[name] >= amount
${transfer}            if result:
                accounts[name] -= amount
                accounts[target] += amount
        elif op == "balance":
            result = accounts.get(name)
${more}        out.append(result)
    return out
"""
PEOPLE = ("ann", "bob", "cy", "dee", "eve", "fay", "gus")


def ledger_edges(rng: random.Random, level: int) -> list[list]:
    a, b, z = rng.sample(PEOPLE, 3)
    k = rng.randint(1, 4)
    return at_level(level, [
        (1, 5, [["open", a, 50 * k], ["open", b, 10 * k], ["withdraw", a, 50 * k],
                ["balance", a], ["transfer", b, a, 20 * k], ["transfer", b, a, 10 * k],
                ["balance", a], ["balance", b], ["open", a, 99], ["balance", a]]),
        (1, 5, [["open", a, 30 * k], ["transfer", a, z, 10 * k], ["balance", a],
                ["deposit", z, 5], ["balance", z], ["withdraw", z, 1],
                ["withdraw", a, 30 * k + 1], ["deposit", a, 1], ["withdraw", a, 30 * k + 1]]),
        (5, 5, [["open", a, 20 * k], ["transfer", a, a, 10 * k], ["deposit", a, -5],
                ["deposit", a, 0], ["withdraw", a, -5], ["open", b, 0], ["transfer", a, b, 0],
                ["transfer", a, b, 20 * k], ["close", a], ["close", a], ["balance", a],
                ["balance", b], ["withdraw", b, 20 * k], ["close", b]]),
    ])  # fmt: skip


PERSON = lambda rng, level: [rng.choice(PEOPLE[: rng.choice((2, 3, 4))])]  # noqa: E731
AMOUNT = lambda rng, level: [*PERSON(rng, level), 5 * rng.randint(-(level >= 5), 12)]  # noqa: E731
LEDGER = Structure(
    "ledger", (4, 5), ("process", "ledger", "run_bank", "process_transactions"), LEDGER_CODE,
    {
        "positive": [(5, 5, " and amount > 0")],
        "transfer": [(5, 5, "            result = result and name != target and amount > 0\n")],
        "more": [(5, 5, branch("close", "result = accounts.pop(name, None)"))],
    },
    [(1, 5, "Simulate a bank ledger of named accounts with integer balances. "
            + INTRO.format("the ledger") + " Every operation gives an output; an operation "
            "that fails changes nothing."),
     (5, 5, "A deposit, withdrawal or transfer of an amount that is 0 or negative fails "
            "(False), and so does a transfer whose source and target are the same account.")],
    [
        Op(1, 5, 1, "open", '`["open", name, amount]`: open an account with balance `amount` '
                            "(>= 0) and output True; output False when it already exists.",
           lambda rng, level: [*PERSON(rng, level), 5 * rng.randint(0, 12)]),
        Op(1, 5, 2, "deposit", '`["deposit", name, amount]`: add `amount` to the balance and '
                               "output True; output False when there is no such account.",
           AMOUNT),
        Op(1, 5, 3, "withdraw", '`["withdraw", name, amount]`: subtract `amount` if the balance '
                                "is at least `amount` and output True; else (too little money "
                                "or no such account) output False.", AMOUNT),
        Op(1, 5, 4, "transfer", '`["transfer", source, target, amount]`: move `amount` from '
                                "`source` to `target` and output True; output False when an "
                                "account does not exist or `source` has less than `amount`.",
           lambda rng, level: [*PERSON(rng, level), *AMOUNT(rng, level)]),
        Op(1, 5, 3, "balance", '`["balance", name]`: output the balance (None if no such '
                               "account).", PERSON),
        Op(5, 5, 1, "close", '`["close", name]`: remove the account and output its final '
                             "balance (None if no such account).", PERSON),
    ],
    ledger_edges,
    [
        ("self_transfer_allowed", 5, 5, [("result and name != target and", "result and")]),
        ("non_positive_deposit_allowed", 5, 5, [("result = name in accounts and amount > 0\n",
                                                 "result = name in accounts\n")]),
        ("overdraft_allowed", 1, 5, [("target in accounts and accounts[name] >= amount",
                                      "target in accounts")]),
        ("exact_balance_refused", 1, 5, [("name in accounts and accounts[name] >= amount",
                                          "name in accounts and accounts[name] > amount")]),
        ("missing_target_created", 1, 5, [("and target in accounts ", ""),
                                           ("accounts[target] += amount", "accounts[target] = "
                                            "accounts.get(target, 0) + amount")]),
        ("reopen_resets", 1, 5, [("            if result:\n                accounts[name] = "
                                  "amount\n", "            accounts[name] = amount\n")]),
    ],
    lambda rng, level: [["open", name, 5 * rng.randint(0, 12)]
                        for name in PEOPLE[: rng.randint(1, 3)]],
)  # fmt: skip

# -- interval set --------------------------------------------------------------------------------

INTERVAL_CODE = """def $name(ops: list[list[int | str]]) -> list[bool | int]:
    runs, out = [], []  # sorted [low, high] runs, neither overlapping nor touching
    for op, *args in ops:
        if op == "add":
            low, high = args
${guard}            kept = []
            for a, b in runs:
                if b < low - 1 or a > high + 1:
                    kept.append([a, b])
                else:
                    low, high = min(low, a), max(high, b)
            runs = sorted([*kept, [low, high]])
        elif op == "contains":
            out.append(any(a <= args[0] <= b for a, b in runs))
        elif op == "count":
            out.append(len(runs))
${more}    return out
"""
GUARD = "            if low > high:\n                continue\n"
REMOVE = """        elif op == "remove":
            low, high = args
            if low > high:
                continue
            kept = []
            for a, b in runs:
                if a < low:
                    kept.append([a, min(b, low - 1)])
                if b > high:
                    kept.append([max(a, high + 1), b])
            runs = kept
"""


def interval_edges(rng: random.Random, level: int) -> list[list]:
    s = rng.randint(0, 20)
    return at_level(level, [
        (1, 5, [["count"], ["contains", s], ["add", s + 1, s + 3], ["add", s + 5, s + 6],
                ["count"], ["add", s + 4, s + 4], ["count"], ["contains", s + 3],
                ["contains", s + 6], ["contains", s + 7], ["contains", s]]),
        (1, 5, [["add", s + 10, s + 12], ["add", s + 1, s + 20], ["add", s + 15, s + 30],
                ["add", s + 40, s + 40], ["count"], ["contains", s + 30], ["contains", s + 31],
                ["contains", s + 40]]),
        (5, 5, [["add", s + 5, s + 3], ["count"], ["total"], ["add", s + 1, s + 10],
                ["remove", s + 3, s + 5], ["contains", s + 3], ["contains", s + 2],
                ["contains", s + 6], ["count"], ["total"], ["remove", s + 9, s + 8], ["total"],
                ["remove", s, s + 20], ["count"]]),
    ])  # fmt: skip


RANGE = lambda rng, level: [a := rng.randint(0, 30), a + rng.randint(-2 * (level >= 5), 5)]  # noqa: E731
INTERVAL = Structure(
    "interval-set", (4, 5), ("process", "interval_set", "run_ranges", "process_ranges"),
    INTERVAL_CODE,
    {"guard": [(5, 5, GUARD)],
     "more": [(5, 5, REMOVE + branch("total", "out.append(sum(b - a + 1 for a, b in runs))"))]},
    [(1, 5, "Simulate a set of integers that is changed a whole range at a time. "
            + INTRO.format("the set"))],
    [
        Op(1, 4, 5, "add", '`["add", a, b]`: add every integer from a to b, both included '
                           "(a <= b); no output.", RANGE, True),
        Op(5, 5, 5, "add", '`["add", a, b]`: add every integer from a to b, both included '
                           "(nothing when a > b); no output.", RANGE, True),
        Op(5, 5, 2, "remove", '`["remove", a, b]`: remove every integer from a to b, both '
                              "included (nothing when a > b); no output.", RANGE, True),
        Op(1, 5, 4, "contains", '`["contains", x]`: output whether x is in the set.',
           between(0, 36)),
        Op(1, 5, 2, "count", '`["count"]`: output the number of maximal runs of consecutive '
                             "integers in the set: the intervals left after merging those that "
                             "overlap or touch (adding [1, 3] and [4, 6] makes one run)."),
        Op(5, 5, 1, "total", '`["total"]`: output how many integers the set holds.'),
    ],
    interval_edges,
    [
        ("total_off_by_one", 5, 5, [("b - a + 1 for", "b - a for")]),
        ("remove_keeps_its_start", 5, 5, [("min(b, low - 1)", "min(b, low)")]),
        ("reversed_range_added", 5, 5, [("args\n" + GUARD + "            kept = []\n"
                                         "            for a, b in runs:\n                if b <",
                                         "args\n            kept = []\n"
                                         "            for a, b in runs:\n                if b <")]),
        ("touching_not_merged", 1, 5, [("b < low - 1 or a > high + 1", "b < low or a > high")]),
        ("contains_excludes_the_end", 1, 5, [("a <= args[0] <= b", "a <= args[0] < b")]),
        ("never_merges", 1, 5, [("low, high = min(low, a), max(high, b)",
                                 "kept.append([a, b])")]),
    ],
)  # fmt: skip

# -- words with prefix queries (a trie's interface) ----------------------------------------------

TRIE_CODE = """def $name(ops: list[list[str]]) -> list[bool | int]:
    words, out = set(), []
    for op, word in ops:
        if op == "insert":
            words.add(word)
        elif op == "search":
            out.append(word in words)
        elif op == "starts_with":
            out.append(any(w.startswith(word) for w in words))
        elif op == "count_prefix":
            out.append(sum(w.startswith(word) for w in words))
${more}    return out
"""
WORDS = ("an", "and", "ant", "any", "car", "card", "care", "cart", "cat", "do", "dog", "dot",
         "tea", "team", "ten", "to", "top")  # fmt: skip
PAIRS = (("car", "card"), ("an", "ant"), ("do", "dog"), ("tea", "team"), ("to", "top"))


def trie_edges(rng: random.Random, level: int) -> list[list]:
    short, long = rng.choice(PAIRS)
    return at_level(level, [
        (1, 5, [["starts_with", ""], ["count_prefix", ""], ["search", long], ["insert", long],
                ["insert", long], ["search", short], ["starts_with", short], ["starts_with", ""],
                ["count_prefix", short], ["count_prefix", long], ["search", long],
                ["starts_with", long + "s"]]),
        (5, 5, [["insert", short], ["delete", short], ["delete", short], ["search", short],
                ["insert", long], ["delete", long], ["count_prefix", ""]]),
    ])  # fmt: skip


WORD = lambda rng, level: [rng.choice(WORDS)]  # noqa: E731
PREFIX = lambda rng, level: [(w := rng.choice(WORDS))[: rng.randint(0, len(w))]]  # noqa: E731
TRIE = Structure(
    "trie", (4, 5), ("process", "trie_ops", "run_trie", "process_words"), TRIE_CODE,
    {"more": [(5, 5, branch("delete", "out.append(word in words)", "words.discard(word)"))]},
    [(1, 5, "Simulate a set of lowercase words with prefix queries (what a trie offers). "
            + INTRO.format("the set") + " Every operation is a pair `[name, text]`.")],
    [
        Op(1, 5, 4, "insert", '`["insert", w]`: store the word w (again: no change); no output.',
           WORD, True),
        Op(1, 5, 2, "search", '`["search", w]`: output whether w itself is stored (being the '
                              "prefix of a stored word is not enough).",
           lambda rng, level: (WORD if rng.random() < 0.7 else PREFIX)(rng, level)),
        Op(1, 5, 2, "starts_with", '`["starts_with", p]`: output whether some stored word '
                                   "starts with p (a word starts with itself; with no word "
                                   'stored even `""` gives False).', PREFIX),
        Op(1, 5, 2, "count_prefix", '`["count_prefix", p]`: output how many stored words start '
                                    'with p (`""`: all of them).', PREFIX),
        Op(5, 5, 2, "delete", '`["delete", w]`: remove w; output True when it was stored, else '
                              "False.", WORD),
    ],
    trie_edges,
    [
        ("delete_checks_after_removing", 5, 5, [("out.append(word in words)\n            "
                                                 "words.discard(word)", "words.discard(word)\n"
                                                 "            out.append(word in words)")]),
        ("duplicates_counted", 4, 4, [("words, out = set(), []", "words, out = [], []"),
                                      ("words.add(word)", "words.append(word)")]),
        ("search_accepts_prefixes", 1, 5, [('"search":\n            out.append(word in words)',
                                            '"search":\n            out.append(any('
                                            "w.startswith(word) for w in words))")]),
        ("count_excludes_the_prefix_itself", 1, 5, [("sum(w.startswith(word) for",
                                                     "sum(w.startswith(word) and w != word "
                                                     "for")]),
        ("empty_prefix_always_matches", 1, 5, [("out.append(any(w.startswith(word)",
                                                'out.append(word == "" or any('
                                                "w.startswith(word)")]),
    ],
)  # fmt: skip

# -- the family ----------------------------------------------------------------------------------

STRUCTURES = {s.kind: s for s in (STACK, QUEUE, MULTISET, PQ, LRU, LEDGER, INTERVAL, TRIE)}
"""kind -> structure; each is offered at the levels of its ``levels`` range"""


@functools.cache
def offered(kind: str, level: int) -> tuple[list[Op], list[float], frozenset[str]]:
    """The operations of ``kind`` at ``level``, their cumulative weights and the silent ones."""
    ops = [op for op in STRUCTURES[kind].ops if op.low <= level <= op.high]
    weighted = [op for op in ops if op.weight]
    bounds = list(itertools.accumulate(op.weight for op in weighted))
    return weighted, bounds, frozenset(op.name for op in ops if op.silent)


def random_op(kind: str, rng: random.Random, level: int) -> list:
    ops, bounds, _ = offered(kind, level)
    op = ops[bisect.bisect(bounds, rng.random() * bounds[-1])]
    return [op.name, *(op.args(rng, level) if op.args else [])]


def spec_text(structure: Structure, level: int) -> str:
    intro = " ".join(at_level(level, structure.intro))
    ops = [op for op in structure.ops if op.low <= level <= op.high]
    return intro + "\n\n" + "\n".join(f"- {op.text}" for op in ops)


def reference_code(structure: Structure, level: int) -> str:
    """The reference at ``level``, ``$name`` still to fill."""
    parts = {key: "".join(at_level(level, rules)) for key, rules in structure.parts.items()}
    return Template(structure.code).substitute(parts, name="$name")


def make_spec(structure: Structure, rng: random.Random, level: int) -> Spec:
    """Three short op lists (the examples: they start by filling the structure, give two
    outputs or more and end with one), the edge cases, then longer random lists."""
    silent = offered(structure.kind, level)[2]

    def ops(count: int, example: bool = False) -> list[list]:
        ops = structure.setup(rng, level) if structure.setup else []
        start = len(ops)
        while True:
            full = len(ops) - start >= count
            outputs = sum(op[0] not in silent for op in ops[start:])
            if full and (not example or (outputs >= 2 and ops[-1][0] not in silent)):
                return ops
            op = random_op(structure.kind, rng, level)
            filling = example and silent and len(ops) - start < 2
            if (filling and op[0] not in silent) or (example and full and op[0] in silent):
                continue  # examples: two silent operations first, outputs past the length
            ops.append(op)

    inputs = [[ops(rng.randint(4, 5 + level // 2), example=True)] for _ in range(3)]
    inputs += [[edge] for edge in structure.edges(rng, level)]
    inputs += [[ops(rng.randint(3 + 3 * level, 6 + 4 * level))] for _ in range(7 + level)]
    code = reference_code(structure, level)
    return Spec(structure.kind, structure.names, spec_text(structure, level), code, inputs, {})


class DataStructuresSource(ProceduralSource):
    """Write a function that runs operations on a data structure (see the module docstring)."""

    family: ClassVar[str] = "data-structures"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        kinds = [s for s in STRUCTURES.values() if s.levels[0] <= difficulty <= s.levels[1]]
        return build(make_spec(rng.choice(kinds), rng, difficulty), rng)


def wrong_solutions(task: Task) -> dict[str, str]:
    """Two to four plausible wrong solutions of ``task`` (source text), each failing a hidden
    test: the near misses of its structure at its level, those of the newest features first."""
    structure, name = STRUCTURES[task.metadata["kind"]], task.metadata["entry_point"]
    level = task.metadata.get("difficulty")  # absent in the function task of a stdio variant
    if level is None:  # then the level whose reference the answer holds (each level's differs)
        low, high = structure.levels
        level = next(level for level in range(low, high + 1)
                     if Template(reference_code(structure, level)).substitute(name=name).strip()
                     in task.answer)  # fmt: skip
    misses = [miss for miss in structure.wrong if miss[1] <= level <= miss[2]]
    misses.sort(key=lambda miss: -miss[1])
    wrong: dict[str, str] = {}
    for label, _, _, edits in misses[:4]:
        code = task.answer
        for old, new in edits:
            code = patch(code, old, new)
        wrong[label] = code
    return wrong
