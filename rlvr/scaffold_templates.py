"""The files ``rlvr new-env`` writes, as templates (see :mod:`rlvr.scaffold`).

Placeholders look like ``@NAME@`` and are replaced by plain text substitution, so the templates
are the generated files exactly as written, braces and backslashes included.
"""

from __future__ import annotations

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "@NAME@"
version = "0.1.0"
description = "@ENV_ID@: an rlvr environment."
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["rlvr>=@RLVR_VERSION@"]

[project.optional-dependencies]
test = ["pytest>=8"]

# rlvr finds the environment through this entry point (`rlvr list` shows it once installed).
[project.entry-points."rlvr.envs"]
@MODULE@ = "@MODULE@.catalogue:ENVS"

# The environment's verifier, by name: rlvr.verifiers.get("@NAME@").
[project.entry-points."rlvr.verifiers"]
@NAME@ = "@MODULE@.verifier:SumVerifier"

[tool.setuptools]
packages = ["@MODULE@"]

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 100
target-version = "py310"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF"]
"""

README = """\
# @NAME@

`@ENV_ID@`, an environment for [rlvr](https://pypi.org/project/rlvr/), the RL gym for
verifiable reasoning: a seeded procedural task generator (add up a list of integers, with a
difficulty knob from 1 to 5) and a verifier that checks the final answer, with the known-bad
answers it must score 0.

## Install

```bash
pip install -e .
```

## Use

```bash
rlvr list --domain @DOMAIN@           # shows @ENV_ID@
rlvr sample @ENV_ID@ -n 3 --difficulty 3
rlvr check @ENV_ID@                   # API, determinism, gold scores 1, known-bad scores 0
pytest tests
```

In Python, `rlvr.make("@ENV_ID@", difficulty=3)` (or `gymnasium.make` once rlvr is imported)
gives a Gymnasium environment: `reset()` returns the prompt, `step(completion)` the reward.

## Files

- `@MODULE@/tasks.py`: the task generator; task `i` is a pure function of (seed, difficulty, i).
- `@MODULE@/verifier.py`: the verifier, its reference completion and its known-bad completions.
- `@MODULE@/envs.py`: the factory that joins them, with its options (`difficulty`, `task_seed`).
- `@MODULE@/catalogue.py`: the id and description rlvr lists; plain data, cheap to import.
- `tests/test_env.py`: `rlvr check`, determinism and gold-answer tests.
"""

GITIGNORE = """\
__pycache__/
*.egg-info/
build/
dist/
"""

INIT = '''\
"""An rlvr environment: catalogue.py says what rlvr registers from this package."""
'''

CATALOGUE = '''\
"""What rlvr registers from this package (through the ``rlvr.envs`` entry point).

Plain data, so that ``rlvr list`` stays cheap: the factory named by ``entry_point`` is imported
only when the environment is made. Keep ``difficulty`` equal to the generator's range.
"""

ENVS = [
    {
        "id": "@ENV_ID@",
        "entry_point": "@MODULE@.envs:make_env",
        "description": "Add up a list of integers; answer in \\\\boxed{}.",
        "difficulty": [1, 5],
        "tags": ["@DOMAIN@", "procedural"],
    },
]
'''

TASKS = '''\
"""The task generator: add up a list of integers.

Task ``i`` is a pure function of (seed, difficulty, i): :class:`rlvr.tasks.ProceduralSource`
derives the ``rng`` passed to ``generate`` from those values. Use ``rng`` and nothing else for
randomness, compute the gold answer exactly (ints, strings; no floats) and say in the prompt how
to give the answer.
"""

from __future__ import annotations

import random

from rlvr.tasks import ProceduralSource
from rlvr.tasks.base import Problem

INSTRUCTION = "Give the sum as an integer inside \\\\boxed{}."


class SumSource(ProceduralSource):
    """Add up ``difficulty + 2`` integers below ``10**difficulty``; negative ones from 3 on."""

    family = "@NAME@"
    difficulty_range = (1, 5)

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        count = difficulty + 2
        bound = 10**difficulty - 1
        low = -bound if difficulty >= 3 else 0
        numbers = [rng.randint(low, bound) for _ in range(count)]
        listed = ", ".join(str(number) for number in numbers)
        prompt = f"Add these numbers: {listed}.\\n{INSTRUCTION}"
        return Problem(prompt, str(sum(numbers)), {"numbers": numbers})
'''

VERIFIER = '''\
"""The verifier: is the final answer exactly the sum?

``check`` judges one completion. ``reference_completion`` (from the base class) and
``known_bad_completions`` feed ``rlvr check``: the first must score 1, every known-bad one 0.
When you change the task, add the shortcuts a model could take on it to the known-bad ones.
The feedback never reveals the gold answer: multi-turn environments show it to the model.
"""

from __future__ import annotations

from fractions import Fraction

from rlvr.types import Task, Verdict
from rlvr.verifiers import BaseVerifier
from rlvr.verifiers.extract import extract_answer, normalize_text
from rlvr.verifiers.numbers import parse_number

STATED = ("boxed", "tag", "phrase")
"""Where an answer is stated. The last number of free text is a guess, not an answer, unless the
completion is that number alone."""
NO_ANSWER = "no final answer found: put the sum inside \\\\boxed{}"


def _value(text: str) -> Fraction | str:
    """A candidate answer as a number, or as normalised text when it is not one."""
    number = parse_number(text)
    return normalize_text(text) if number is None else number


def _wrong(answer: str, feedback: str) -> Verdict:
    return Verdict.failure("ok", feedback, answer=answer, components={"correctness": 0.0})


class SumVerifier(BaseVerifier):
    """Reward 1 when the one stated final answer equals the gold sum."""

    name = "@NAME@"
    version = "1"
    kind = "exact"
    timeout = 1.0

    def check(self, task: Task, completion: str) -> Verdict:
        gold = parse_number(str(task.answer))
        if gold is None:
            return Verdict.failure("error", f"task {task.id!r}: its gold answer is not a number")
        extraction = extract_answer(completion)
        answer = extraction.answer
        stated = extraction.source in STATED or parse_number(completion.strip()) is not None
        if not stated or answer is None or not normalize_text(answer):
            return Verdict.failure("no_answer", NO_ANSWER)
        if len({_value(candidate) for candidate in extraction.candidates}) > 1:
            return _wrong(answer, "several different final answers: give exactly one")
        value = parse_number(answer)
        if value is None:
            return _wrong(answer, f"incorrect: {answer[:100]!r} is not an integer")
        if value != gold:
            return _wrong(answer, f"incorrect: {answer[:100]!r} is not the sum")
        return Verdict(
            reward=1.0,
            correct=True,
            components={"correctness": 1.0},
            feedback="correct",
            answer=answer,
        )

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        bad = super().known_bad_completions(task)  # empty, whitespace, echoed prompt, oversized...
        gold = int(task.answer)
        numbers = task.metadata.get("numbers", [])
        near = range(gold - 5, gold + 6)
        bad.update(
            {
                "wrong": f"The answer is \\\\boxed{{{gold + 1}}}.",
                "answer_spam": "".join(f"\\\\boxed{{{n}}}" for n in near),
                "hedged": f"\\\\boxed{{{gold} or {gold + 1}}}",
                "unboxed_guesses": "Maybe " + ", ".join(str(n) for n in range(gold - 5, gold + 1)),
                "unevaluated": "\\\\boxed{" + " + ".join(str(n) for n in numbers) + "}",
                "echo_prompt_boxed": task.prompt.replace("\\\\boxed{}", f"\\\\boxed{{{gold - 1}}}"),
            }
        )
        return bad
'''

ENVS = '''\
"""The factory of @ENV_ID@.

It joins the task generator and the verifier in an rlvr ``TextEnv``.
"""

from __future__ import annotations

from pydantic import Field
from rlvr.envs.config import EnvConfig, env_factory
from rlvr.envs.text_env import TextEnv

from @MODULE@.tasks import SumSource

ENV_ID = "@ENV_ID@"
VERIFIER = "@NAME@"
"""The verifier's name, registered by the ``rlvr.verifiers`` entry point in pyproject.toml."""
LOW, HIGH = SumSource.difficulty_range


class SumConfig(EnvConfig):
    """Options of the environment: ``rlvr.make`` keyword arguments, ``-k KEY=VALUE`` on the CLI."""

    difficulty: int = Field(1, ge=LOW, le=HIGH, description=f"{LOW} (easiest) to {HIGH} (hardest).")
    task_seed: int = Field(
        0, ge=0, description="Which stream of tasks; task i of a stream never changes."
    )


@env_factory(ENV_ID, SumConfig)
def make_env(config: SumConfig) -> TextEnv:
    """Build the environment: add up a list of integers."""
    source = SumSource(seed=config.task_seed, difficulty=config.difficulty)
    # The verifier runs in rlvr's bounded worker pool, unless bounded=False.
    return TextEnv(source, config.verifier(VERIFIER), **config.env_options())
'''

TEST_ENV = '''\
"""Tests of @ENV_ID@.

The rlvr contract (what ``rlvr check`` runs), determinism and gold answers.
"""

from __future__ import annotations

import pytest
import rlvr

from @MODULE@.catalogue import ENVS
from @MODULE@.tasks import SumSource
from @MODULE@.verifier import SumVerifier

ENV_ID = "@ENV_ID@"
LOW, HIGH = SumSource.difficulty_range


def test_the_environment_is_registered() -> None:
    assert ENV_ID in rlvr.list_envs()
    assert rlvr.spec(ENV_ID).difficulty == (LOW, HIGH)
    assert ENVS[0]["difficulty"] == [LOW, HIGH]


def test_rlvr_check_passes() -> None:
    """What ``rlvr check`` runs: API, determinism, gold scores 1, known-bad scores 0."""
    report = rlvr.check_env(ENV_ID, n=10)
    report.raise_for_failures()
    assert {result.name for result in report.results} >= {"gold_scores_1", "known_bad_scores_0"}


def test_tasks_are_deterministic() -> None:
    for difficulty in range(LOW, HIGH + 1):
        first = SumSource(seed=7, difficulty=difficulty)
        again = SumSource(seed=7, difficulty=difficulty)
        assert [first[i] for i in range(20)] == [again[i] for i in reversed(range(20))][::-1]
    other = SumSource(seed=8, difficulty=HIGH)
    assert [first[i].prompt for i in range(20)] != [other[i].prompt for i in range(20)]
    env = rlvr.make(ENV_ID, difficulty=2, bounded=False)
    assert env.reset(seed=3)[0] == env.reset(seed=3)[0]
    assert env.reset(options={"index": 5})[1]["task"] == SumSource(seed=0, difficulty=2)[5]


@pytest.mark.parametrize("difficulty", range(LOW, HIGH + 1))
def test_gold_answers_score_1(difficulty: int) -> None:
    env = rlvr.make(ENV_ID, difficulty=difficulty)
    for index in range(10):
        _, info = env.reset(options={"index": index})
        task = info["task"]
        assert int(task.answer) == sum(task.metadata["numbers"])
        _, reward, terminated, _, info = env.step(env.unwrapped.reference_completion(task))
        assert (reward, terminated, info["verdict"].status) == (1.0, True, "ok")


def test_known_bad_answers_score_0() -> None:
    verifier = SumVerifier()
    task = SumSource(seed=0, difficulty=3)[0]
    bad = verifier.known_bad_completions(task)
    assert {"empty", "echo_prompt", "answer_spam", "unboxed_guesses"} <= set(bad)
    for name, completion in bad.items():
        assert verifier.verify(task, completion).reward == 0.0, name


def test_difficulty_makes_longer_lists() -> None:
    sources = [SumSource(difficulty=d) for d in range(LOW, HIGH + 1)]
    counts = [len(source[0].metadata["numbers"]) for source in sources]
    assert counts == sorted(counts) and counts[0] < counts[-1]
'''

FILES: dict[str, str] = {
    "pyproject.toml": PYPROJECT,
    "README.md": README,
    ".gitignore": GITIGNORE,
    "@MODULE@/__init__.py": INIT,
    "@MODULE@/catalogue.py": CATALOGUE,
    "@MODULE@/tasks.py": TASKS,
    "@MODULE@/verifier.py": VERIFIER,
    "@MODULE@/envs.py": ENVS,
    "tests/test_env.py": TEST_ENV,
}
"""Relative path -> template; paths take placeholders too."""
