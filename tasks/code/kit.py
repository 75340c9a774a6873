"""The machinery the procedural code families share; each family keeps only its own content.

Two ways of building a task live here:

- *pipelines* (:mod:`.strings`, :mod:`.lists`, :mod:`.arithmetic_functions`): the family draws a
  structure (a list of ``(op, param)`` steps, or its own), renders it as the reference or as one
  named mistake, and :func:`search` redraws until the hidden tests have varied outputs and
  enough mistakes fail them; :class:`PipelineSource` writes the prompt and the metadata.
- *specs* (:mod:`.parsing`, :mod:`.recursion`, :mod:`.state_machines`,
  :mod:`.data_structures`): the family writes a :class:`Spec` whose reference is a
  :class:`string.Template`; :func:`build` renders it, and :func:`template_wrong_solutions` (or
  :func:`newest_misses` with the family's own edits) gives the near misses of a task's level.
  :class:`SpecSource` wires both for a family of makers and code-template near misses.
"""

from __future__ import annotations

import copy
import json
import random
from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from string import Template
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.code.schema import (
    FUNCTION_INSTRUCTION,
    function_metadata,
    function_tests,
    run_reference,
    values_match,
)
from rlvr.types import Task

S = TypeVar("S")
Miss = TypeVar("Miss", bound=tuple)

K = "__K__"
"""The parameter's placeholder in a step's code (a literal, or the argument ``k``)."""
EXAMPLES = 3
"""Hidden tests shown in the prompt as examples (the first ones)."""
MAX_TRIES = 200
"""Draws a pipeline family makes before giving up (every level finds a task in a few)."""


def uniform_int(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high] (one C call: much faster than ``rng.randint``)."""
    return low + int(rng.random() * (high - low + 1))


def at_level(level: int, rules: Iterable[tuple[int, int, Any]]) -> list[Any]:
    """The items of ``(lowest, highest, item)`` rules that apply at ``level``."""
    return [item for low, high, item in rules if low <= level <= high]


def patch(code: str, old: str, new: str) -> str:
    """``code`` with its one occurrence of ``old`` replaced (a near miss of a reference)."""
    assert code.count(old) == 1, old
    return code.replace(old, new)


def indent(text: str) -> str:
    """Every line of ``text`` indented by four spaces."""
    return "\n".join("    " + line for line in text.splitlines())


def function_source(header: str, bodies: Iterable[str], result: str) -> str:
    """A function: the ``def`` line ``header``, the ``bodies`` in order, ``return result``."""
    lines = [header, *(indent(body) for body in bodies if body), f"    return {result}"]
    return "\n".join(lines) + "\n"


def example_line(entry: str, test: dict) -> str:
    """``f('ab') == 'ba'``: one hidden test shown in the prompt."""
    arguments = ", ".join(repr(value) for value in test["input"])
    return f"{entry}({arguments}) == {test['output']!r}"


def render_prompt(
    text: str, entry: str, signature: str, tests: list[dict], fenced: bool = False
) -> str:
    """The prompt: ``text``, the signature, the first tests as examples, the instruction; the
    signature and examples indented, or in ```` ```python ```` blocks when ``fenced``."""
    lines = [example_line(entry, test) for test in tests[:EXAMPLES]]
    if fenced:
        shown = f"```python\n{signature}\n```", "```python\n" + "\n".join(lines) + "\n```"
    else:
        shown = f"    {signature}", "\n".join("    " + line for line in lines)
    return (
        f"{text}\n\nSignature:\n\n{shown[0]}\n\nExamples:\n\n{shown[1]}\n\n"
        + FUNCTION_INSTRUCTION.format(entry_point=entry)
    )


# -- pipelines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    """One pipeline step: its spec sentence (``{k}`` for the parameter), its code (statements
    rewriting the value; ``__K__`` for the parameter), its bugs (name -> code), the entry names
    of a one-step task, and inputs that expose the bugs."""

    name: str
    level: int
    text: str
    code: str
    bugs: dict[str, str]
    names: tuple[str, ...]
    witnesses: tuple[Any, ...] = ()
    const: tuple[int, int] | None = None
    """range of the parameter when it is a constant of the spec"""
    arg: tuple[int, int] | None = None
    """range of the argument ``k`` in the hidden tests when the parameter is an argument"""
    arg_note: str = ""
    """what the prompt says about the argument ``k`` (its domain)"""


Step = tuple[Op, "int | str | None"]
"""A step and its parameter: None, a constant, or ``"k"`` (the function's argument)."""


def fill(code: str, param: int | str | None) -> str:
    """A step's code with its parameter (a constant or the argument ``k``) filled in."""
    return code if param is None else code.replace(K, str(param))


def with_params(ops: Sequence[Op], argument: bool, draw: Callable[[int, int], int]) -> list[Step]:
    """``ops`` with their parameters: none, ``"k"`` for the first parameterised op when the
    level takes an ``argument``, otherwise a constant drawn with ``draw(low, high)``."""
    steps: list[Step] = []
    for op in ops:
        if op.const is None:
            steps.append((op, None))
        elif argument and all(param != "k" for _, param in steps):
            steps.append((op, "k"))
        else:
            steps.append((op, draw(*op.const)))
    return steps


def argument_bounds(steps: list[Step]) -> tuple[int, int] | None:
    """The range of the argument ``k`` in the hidden tests, or None without one."""
    return next((op.arg for op, param in steps if param == "k"), None)


def argument_notes(steps: list[Step]) -> str:
    """The domain notes of the step taking the argument ``k`` (each after a space)."""
    return "".join(" " + op.arg_note for op, param in steps if param == "k")


def numbered(texts: list[str]) -> str:
    """``1. first``, ``2. second``, ...: one line each."""
    return "\n".join(f"{i}. {text}" for i, text in enumerate(texts, 1))


def with_argument(
    inputs: list[list[Any]],
    bounds: tuple[int, int] | None,
    draw: Callable[[int, int], int],
    more: Callable[[], list[Any]],
) -> list[list[Any]]:
    """``inputs`` with a last argument drawn in ``bounds`` (``draw(low, high)``), then one input
    from ``more()`` at each bound; ``inputs`` unchanged when ``bounds`` is None."""
    if bounds is None:
        return inputs
    with_k = [[*args, draw(*bounds)] for args in inputs]
    return with_k + [[*more(), bound] for bound in bounds]


def step_bodies(steps: list[Step], mistake: str | None) -> list[str]:
    """The code of each ``(op, param)`` step of a pipeline, edited by one named ``mistake``:
    ``identity`` (no step), ``drop:i``, ``swap:i`` (steps i and i + 1) or ``bug:i:name``."""
    bodies = [fill(op.code, param) for op, param in steps]
    kind, _, rest = (mistake or "").partition(":")
    if kind == "identity":
        return []
    if kind == "drop":
        del bodies[int(rest)]
    elif kind == "swap":
        i = int(rest)
        bodies[i], bodies[i + 1] = bodies[i + 1], bodies[i]
    elif kind == "bug":
        index, name = rest.split(":")
        op, param = steps[int(index)]
        bodies[int(index)] = fill(op.bugs[name], param)
    return bodies


def bug_mistakes(steps: list[Step]) -> list[str]:
    """``bug:i:name`` for every bug of every step."""
    return [f"bug:{i}:{name}" for i, (op, _) in enumerate(steps) for name in op.bugs]


def operations(steps: list[Step]) -> list[dict[str, Any]]:
    """``metadata["operations"]``: each step's name, and its parameter ``k`` when it has one."""
    return [
        {"op": op.name} if param is None else {"op": op.name, "k": param} for op, param in steps
    ]


def steps_of(task: Task, ops: Mapping[str, Op]) -> list[Step]:
    """The steps of ``task``, read back from ``metadata["operations"]``."""
    return [(ops[o["op"]], o.get("k")) for o in task.metadata["operations"]]


def fails(code: str, entry: str, tests: list[dict]) -> bool:
    """Whether ``code`` (trusted: ours) gets at least one hidden test wrong or raises."""
    try:
        function = run_reference(code, entry)
        return any(
            not values_match(function(*copy.deepcopy(t["input"])), t["output"]) for t in tests
        )
    except Exception:
        return True


def informative_first(tests: list[dict]) -> list[dict]:
    """The tests reordered (stably) so that those shown as examples come first: the ones whose
    output is not empty and differs from the first argument."""
    return sorted(
        tests, key=lambda t: t["output"] in ("", [], None) or t["output"] == t["input"][0]
    )


def pick_mistakes(
    rng: random.Random, candidates: list[str], needed: list[str], wrong: Callable[[str], bool]
) -> list[str]:
    """Two or three mistakes, each failing a hidden test (``wrong``), or [] if one of the
    ``needed`` ones (a pointless step or part) passes. ``identity`` is the last resort."""
    if not all(wrong(mistake) for mistake in needed):
        return []
    candidates = [*candidates, *needed]
    rng.shuffle(candidates)
    chosen: list[str] = []
    for mistake in [*candidates, "identity"]:
        if len(chosen) == 3:
            break
        if mistake in needed or wrong(mistake):
            chosen.append(mistake)
    return chosen if len(chosen) >= 2 else []


Variant = Callable[[str, S, "str | None"], str]
"""``(entry, structure, mistake) -> code``: the reference (``mistake`` None) or a mistake."""


def search(
    rng: random.Random,
    family: str,
    difficulty: int,
    draw: Callable[[], tuple[S, str, list[list[Any]]] | None],
    variant: Variant[S],
    mistakes: Callable[[S], tuple[list[str], list[str]]],
) -> tuple[S, str, list[dict], list[str]]:
    """Draw ``(structure, entry, inputs)`` until the reference gives two outputs or more, the
    identity fails a hidden test and :func:`pick_mistakes` keeps two or three of
    ``mistakes(structure)`` (``(candidates, needed)``); returns the structure, the entry point,
    the hidden tests and the mistakes."""
    for _ in range(MAX_TRIES):
        drawn = draw()
        found = None if drawn is None else _accept(rng, *drawn, variant, mistakes)
        if found is not None:
            return found
    raise RuntimeError(f"{family}: no task found at difficulty {difficulty}")  # pragma: no cover


def _accept(
    rng: random.Random,
    structure: S,
    entry: str,
    inputs: list[list[Any]],
    variant: Variant[S],
    mistakes: Callable[[S], tuple[list[str], list[str]]],
) -> tuple[S, str, list[dict], list[str]] | None:
    """One draw of :func:`search` with its tests and mistakes, or None when it is rejected."""
    tests = informative_first(function_tests(variant(entry, structure, None), entry, inputs))
    if len({repr(t["output"]) for t in tests}) < 2:
        return None
    if not fails(variant(entry, structure, "identity"), entry, tests):
        return None  # returning the input unchanged would pass every hidden test
    candidates, needed = mistakes(structure)
    chosen = pick_mistakes(
        rng, candidates, needed, lambda m: fails(variant(entry, structure, m), entry, tests)
    )
    return (structure, entry, tests, chosen) if chosen else None


class PipelineSource(ProceduralSource, Generic[S]):
    """A pipeline family: a subclass draws a structure (``draw``), renders it as the reference or
    a named mistake (``variant``), lists the mistakes worth trying (``mistakes``) and describes
    it (``describe``); :meth:`generate` runs :func:`search` and writes the problem.

    ``answer`` is the reference; ``metadata["mistakes"]`` names the wrong solutions (each checked
    here to fail a hidden test) that the family's ``wrong_solutions`` rebuilds from the rest of
    the metadata; ``metadata["examples"]`` counts the tests shown in the prompt."""

    variant: ClassVar[Variant[Any]]
    """``(entry, structure, mistake) -> code`` (a ``staticmethod``)"""
    mistakes: ClassVar[Callable[[Any], tuple[list[str], list[str]]]]
    """``structure -> (candidates, needed)`` for :func:`pick_mistakes` (a ``staticmethod``)"""

    @abstractmethod
    def draw(self, rng: random.Random, difficulty: int) -> tuple[S, str, list[list[Any]]] | None:
        """A structure, its entry point and the inputs of its hidden tests; None to redraw."""

    @abstractmethod
    def describe(self, entry: str, structure: S, difficulty: int) -> tuple[str, str, dict]:
        """The prompt's text, the signature, and the metadata that records ``structure``."""

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        structure, entry, tests, mistakes = search(
            rng,
            self.family,
            difficulty,
            lambda: self.draw(rng, difficulty),
            self.variant,
            self.mistakes,
        )
        text, signature, extra = self.describe(entry, structure, difficulty)
        metadata = function_metadata(
            entry, tests, signature=signature, **extra, mistakes=mistakes, examples=EXAMPLES
        )
        prompt = render_prompt(text, entry, signature, tests)
        return Problem(prompt, self.variant(entry, structure, None), metadata)


def named_mistakes(task: Task, structure: S, variant: Variant[S]) -> dict[str, str]:
    """The wrong solutions ``metadata["mistakes"]`` names, rebuilt from ``structure``."""
    entry = task.metadata["entry_point"]
    return {mistake: variant(entry, structure, mistake) for mistake in task.metadata["mistakes"]}


# -- specs ---------------------------------------------------------------------------------------


class Spec(NamedTuple):
    """One task before rendering: ``code`` is a :class:`string.Template` whose ``$name`` is the
    entry point (its other placeholders filled from ``subs``); the first three ``inputs``
    become the visible examples."""

    kind: str
    names: tuple[str, ...]
    text: str
    code: str
    inputs: list[list[Any]]
    subs: dict[str, str]


Maker = Callable[[random.Random, int], Spec]
"""``(rng, level) -> spec``: a spec family's task maker."""


def build(spec: Spec, rng: random.Random) -> Problem:
    """Render ``spec``: pick the entry point, run the reference, write the prompt."""
    name = rng.choice(spec.names)
    code = Template(spec.code).substitute(spec.subs, name=name)
    unique = {json.dumps(args): args for args in spec.inputs}
    tests = function_tests(code, name, list(unique.values()))
    signature = next(line for line in code.splitlines() if line.startswith("def "))
    prompt = render_prompt(spec.text, name, signature, tests, fenced=True)
    size = sum(len(json.dumps(test["input"])) for test in tests)
    metadata = function_metadata(name, tests, kind=spec.kind, subs=spec.subs, size=size)
    return Problem(prompt, code, metadata)


def build_from(makers: Iterable[tuple[int, int, Maker]], rng: random.Random, level: int) -> Problem:
    """A task of one of the ``(lowest level, highest level, maker)`` offered at ``level``."""
    offered = [maker for low, high, maker in makers if low <= level <= high]
    return build(rng.choice(offered)(rng, level), rng)


class SpecSource(ProceduralSource):
    """A spec family: ``kinds`` maps a maker's name to ``(lowest level, highest level, maker)``,
    ``wrong`` a task kind to its near misses ``(label, lowest level, highest level, code
    template)``."""

    kinds: ClassVar[Mapping[str, tuple[int, int, Maker]]]
    wrong: ClassVar[Mapping[str, list[tuple[str, int, int, str]]]]

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        return build_from(self.kinds.values(), rng, difficulty)

    @classmethod
    def wrong_solutions(cls, task: Task) -> dict[str, str]:
        """Two to four plausible wrong solutions of ``task`` (source text), each failing a test."""
        return template_wrong_solutions(task, cls.wrong[task.metadata["kind"]])


def newest_misses(misses: Iterable[Miss], level: int, count: int = 4) -> list[Miss]:
    """Up to ``count`` near misses ``(label, lowest level, highest level, ...)`` offered at
    ``level``, those of the newest features (highest lowest level) first."""
    offered = [miss for miss in misses if miss[1] <= level <= miss[2]]
    offered.sort(key=lambda miss: -miss[1])
    return offered[:count]


def template_wrong_solutions(
    task: Task, misses: Iterable[tuple[str, int, int, str]]
) -> dict[str, str]:
    """Up to four near misses of ``task`` (:func:`newest_misses` at its level), each a code
    template rendered with the task's entry point and ``metadata["subs"]``."""
    metadata = task.metadata
    name = metadata["entry_point"]
    return {
        label: Template(code).substitute(metadata["subs"], name=name)
        for label, _, _, code in newest_misses(misses, metadata["difficulty"])
    }
