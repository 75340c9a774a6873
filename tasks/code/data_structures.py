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
5) operations. ``answer`` is the reference (see :mod:`rlvr.tasks.code.schema`). The structures
are described in :mod:`.data_structures_refs` and :mod:`.data_structures_lookup_refs`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
from string import Template
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.code.data_structures_lookup_refs import INTERVAL, LEDGER, LRU, TRIE
from rlvr.tasks.code.data_structures_refs import MULTISET, PQ, QUEUE, STACK, Op, Structure
from rlvr.tasks.code.kit import Spec, at_level, build, newest_misses, patch
from rlvr.types import Task

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
    structure = STRUCTURES[task.metadata["kind"]]
    wrong: dict[str, str] = {}
    for label, _, _, edits in newest_misses(structure.wrong, task.metadata["difficulty"]):
        code = task.answer
        for old, new in edits:
            code = patch(code, old, new)
        wrong[label] = code
    return wrong
