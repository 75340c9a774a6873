"""Task variants built on the procedural function families.

- ``debug``: the family's specification plus an attempt that fails some hidden tests (one of the
  family's own plausible wrong solutions); the model must return a corrected function. Copying
  the attempt back scores 0 by construction.
- ``stdio``: the family's specification asked for as a complete program (stdin/stdout, the way
  contest problems are judged): the program reads the arguments as one JSON array on a line and
  prints the result with ``json.dumps``.

Each task draws its family uniformly from :data:`FAMILIES` with the task's own ``rng``, so the
variants are deterministic like every procedural source. ``metadata["family"]`` names the
family the task came from.
"""

from __future__ import annotations

import importlib
import json
import random
from typing import ClassVar

from rlvr.spec import load_entry_point
from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, PROGRAM_INSTRUCTION, validate
from rlvr.types import Task

FAMILIES = {
    "strings": "rlvr.tasks.code.strings:StringsSource",
    "lists": "rlvr.tasks.code.lists:ListsSource",
    "arithmetic-functions": "rlvr.tasks.code.arithmetic_functions:ArithmeticFunctionsSource",
    "parsing": "rlvr.tasks.code.parsing:ParsingSource",
    "recursion": "rlvr.tasks.code.recursion:RecursionSource",
    "state-machines": "rlvr.tasks.code.state_machines:StateMachineSource",
    "data-structures": "rlvr.tasks.code.data_structures:DataStructuresSource",
}
"""The function-style families the variants draw from: name -> source class."""

DEBUG_INTRO = (
    "\n\nThis attempt at `{entry_point}` fails some of the hidden tests:\n\n"
    "```python\n{attempt}\n```\n\nFind the bug and give the corrected function."
)
STDIO_INTRO = (
    "\n\nWrite this as a complete program rather than a function: it reads one line from "
    "standard input holding the arguments as a JSON array (for example `{example}`), computes "
    "the result, and prints it as JSON with `print(json.dumps(result))`."
)


def family_task(rng: random.Random, difficulty: int) -> tuple[str, Task]:
    """A function-style task of a family drawn with ``rng``: ``(family, task)``."""
    names = sorted(FAMILIES)
    family = names[rng.randrange(len(names))]
    source = load_entry_point(FAMILIES[family])(seed=0, difficulty=difficulty)
    problem = source.generate(rng, difficulty)
    metadata = {"source": family, "difficulty": difficulty, **problem.metadata}
    return family, Task(
        id=f"{family}/variant", prompt=problem.prompt, answer=problem.answer, metadata=metadata
    )


def specification(task: Task) -> str:
    """The family's prompt without its closing instruction to write the function."""
    instruction = FUNCTION_INSTRUCTION.format(entry_point=task.metadata["entry_point"])
    return task.prompt.removesuffix(instruction).rstrip()


def family_wrong_solutions(family: str, task: Task) -> dict[str, str]:
    module = importlib.import_module(f"rlvr.tasks.code.{family.replace('-', '_')}")
    return dict(module.wrong_solutions(task))


def stdio_program(function_code: str, entry_point: str) -> str:
    """``function_code`` wrapped into the program a stdio task asks for."""
    return (
        f"import json\nimport sys\n\n{function_code.strip()}\n\n\n"
        f"print(json.dumps({entry_point}(*json.loads(sys.stdin.readline()))))\n"
    )


def wrong_solutions(task: Task) -> dict[str, str]:
    """Plausible wrong answers to a variant task: the family's wrong functions (as programs for
    stdio tasks). Used as adversarial negatives by the ``code`` verifier."""
    family = task.metadata["family"]
    if "function_task" in task.metadata:  # stdio
        function_task = task.metadata["function_task"]
        metadata = {**function_task["metadata"], "source": family}
        base = task.model_copy(update={"answer": function_task["answer"], "metadata": metadata})
        wrong = family_wrong_solutions(family, base)
        entry_point = metadata["entry_point"]
        return {name: stdio_program(code, entry_point) for name, code in wrong.items()}
    base = task.model_copy(update={"metadata": {**task.metadata, "source": family}})
    return family_wrong_solutions(family, base)


class DebugSource(ProceduralSource):
    """Fix a function that fails some hidden tests (families drawn from :data:`FAMILIES`)."""

    family: ClassVar[str] = "debug"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        family, task = family_task(rng, difficulty)
        attempts = sorted(family_wrong_solutions(family, task).items())
        name, attempt = attempts[rng.randrange(len(attempts))]
        entry_point = task.metadata["entry_point"]
        prompt = (
            specification(task)
            + DEBUG_INTRO.format(entry_point=entry_point, attempt=attempt.strip())
            + "\n\n"
            + FUNCTION_INSTRUCTION.format(entry_point=entry_point)
        )
        metadata = {
            **_without_source(task.metadata),
            "family": family,
            "attempt": attempt,
            "bug": name,
        }
        validate(metadata)
        return Problem(prompt, task.answer, metadata)


class StdioSource(ProceduralSource):
    """A family's task as a stdin/stdout program (families drawn from :data:`FAMILIES`)."""

    family: ClassVar[str] = "stdio"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        family, task = family_task(rng, difficulty)
        entry_point = task.metadata["entry_point"]
        tests = [
            {"input": json.dumps(test["input"]) + "\n", "output": json.dumps(test["output"]) + "\n"}
            for test in task.metadata["tests"]
        ]
        prompt = (
            specification(task)
            + STDIO_INTRO.format(example=json.dumps(task.metadata["tests"][0]["input"]))
            + "\n\n"
            + PROGRAM_INSTRUCTION
        )
        answer = stdio_program(task.answer, entry_point)
        metadata = {
            "tests": tests,
            "family": family,
            "function_task": {"answer": task.answer, "metadata": _without_source(task.metadata)},
        }
        validate(metadata)
        return Problem(prompt, answer, metadata)


def _without_source(metadata: dict) -> dict:
    return {k: v for k, v in metadata.items() if k != "source"}
