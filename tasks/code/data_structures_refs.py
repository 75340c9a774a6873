"""The data-structure family's tables, part one: how a structure is described (:class:`Op`,
:class:`Structure`) and the containers: stack (with min and max), queue, multiset and priority
queue. :mod:`.data_structures_lookup_refs` holds the others; :mod:`.data_structures` runs them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import NamedTuple

from rlvr.tasks.code.kit import at_level

Draw = Callable[[random.Random, int], list]
"""``(rng, level) -> values``: the arguments of a random operation, or a list of operations"""


class Op(NamedTuple):
    """One operation offered from ``low`` to ``high``: its name, its weight among the random
    operations, its spec line, a draw of its arguments, and whether it never outputs."""

    low: int
    high: int
    weight: int
    name: str
    text: str
    args: Draw | None = None
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
    edges: Draw
    wrong: list[tuple[str, int, int, list[tuple[str, str]]]]
    setup: Draw | None = None


INTRO = (
    "`ops` is a list of operations, each a list whose first element is the operation's name. "
    "Run them in order on {}, which starts empty, and return the list of the outputs of the "
    "operations that give one, in order."
)


def branch(op: str, *lines: str) -> str:
    """An ``elif`` branch of a reference's operation loop."""
    return f'        elif op == "{op}":\n' + "".join(f"            {line}\n" for line in lines)


def between(low: int, high: int) -> Draw:
    """A draw of one integer argument in [low, high]."""
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
