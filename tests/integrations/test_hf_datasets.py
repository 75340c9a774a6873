"""Tasks and rollout records through Hugging Face ``datasets`` and back."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rlvr
from rlvr.errors import DatasetFormatError, DependencyNotInstalled
from rlvr.evals.export import COLUMNS, flatten
from rlvr.integrations.hf_datasets import (
    RECORD_COLUMN,
    TASK_COLUMNS,
    dataset_to_records,
    dataset_to_tasks,
    records_to_dataset,
    require_datasets,
    tasks_to_dataset,
)
from rlvr.rollout import make_record
from rlvr.types import RolloutRecord, Task, Verdict

datasets = pytest.importorskip("datasets")

ARITHMETIC = "math/arithmetic-v0"
UNICODE_TASKS = [
    Task(id="t/0", prompt="Σ é 中文 🙂\n\ttab \x00 nul", answer="½", metadata={"ключ": ["ü", 1]}),
    Task(id="t/1", prompt="", answer={"a": [1, 2.5, None, True, {"b": "🙂"}]}, metadata={}),
    Task(id="t/2", prompt="nothing", answer=None, metadata={"nested": {"x": [[], {}]}}),
    Task(id="t/3", prompt="big", answer=[2**70, -0.0, 1e-300, ""], metadata={"n": 3}),
]


def test_env_tasks_are_its_first_indices_and_round_trip() -> None:
    table = tasks_to_dataset(ARITHMETIC, 3)
    env = rlvr.make(ARITHMETIC)
    expected = [env.reset(options={"index": i})[1]["task"] for i in range(3)]
    assert table.column_names == list(TASK_COLUMNS)
    assert table["env_id"][:] == [ARITHMETIC] * 3
    assert table["env_key"][:] == [ARITHMETIC] * 3
    assert table["index"][:] == [0, 1, 2]
    assert table["id"][:] == [t.id for t in expected]
    assert table[0]["prompt"] == expected[0].prompt
    assert json.loads(table[0]["answer"]) == expected[0].answer == "-1"
    assert json.loads(table[0]["metadata"])["expression"] == "4 - 5"
    assert dataset_to_tasks(table) == expected


def test_an_env_object_and_kwargs() -> None:
    env = rlvr.make(ARITHMETIC, difficulty=3)
    table = tasks_to_dataset(env, 2)
    assert dataset_to_tasks(table) == [env.unwrapped.task(0), env.unwrapped.task(1)]
    assert json.loads(table[0]["metadata"])["difficulty"] == 3


def test_suite_draws_match_suite_tasks() -> None:
    suite = rlvr.make_suite("math")
    drawn = suite.tasks(6, seed=3)
    for source in ("math", suite):
        table = tasks_to_dataset(source, 6, seed=3)
        assert table["env_key"][:] == [draw.key for draw, _ in drawn]
        assert table["env_id"][:] == [draw.env_id for draw, _ in drawn]
        assert table["index"][:] == [draw.index for draw, _ in drawn]
        assert dataset_to_tasks(table) == [task for _, task in drawn]


def test_a_finite_env_gives_all_its_tasks() -> None:
    table = tasks_to_dataset("math/word-problems-v0")
    assert len(table) == 200
    assert table["index"][:] == list(range(200))
    with pytest.raises(
        ValueError, match="asked for 201 tasks but math/word-problems-v0 has only 200"
    ):
        tasks_to_dataset("math/word-problems-v0", 201)


def test_unbounded_sources_need_n() -> None:
    with pytest.raises(ValueError, match=r"math/arithmetic-v0 generates tasks without end.*pass n"):
        tasks_to_dataset(ARITHMETIC)
    with pytest.raises(ValueError, match=r"suite 'math' draws tasks by weight.*pass n"):
        tasks_to_dataset("math")
    with pytest.raises(ValueError, match="n must be an int >= 0"):
        tasks_to_dataset(ARITHMETIC, -1)
    with pytest.raises(TypeError, match="source must be an env id"):
        tasks_to_dataset(42)


def test_empty_and_task_list_sources() -> None:
    empty = tasks_to_dataset(ARITHMETIC, 0)
    assert len(empty) == 0 and empty.column_names == list(TASK_COLUMNS)
    assert dataset_to_tasks(empty) == []
    table = tasks_to_dataset(UNICODE_TASKS)
    assert table["env_id"][:] == [None] * 4 and table["index"][:] == [None] * 4
    assert dataset_to_tasks(table) == UNICODE_TASKS
    assert dataset_to_tasks(tasks_to_dataset(UNICODE_TASKS, 2)) == UNICODE_TASKS[:2]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
TASKS = st.builds(
    Task,
    id=st.text(min_size=1, max_size=20),
    prompt=st.text(max_size=200),
    answer=JSON,
    metadata=st.dictionaries(st.text(max_size=8), JSON, max_size=4),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TASKS, max_size=5))
def test_any_tasks_round_trip(tasks: list[Task]) -> None:
    assert dataset_to_tasks(tasks_to_dataset(tasks)) == tasks


def test_parquet_and_jsonl_files_round_trip(tmp_path) -> None:
    table = tasks_to_dataset(UNICODE_TASKS)
    table.to_parquet(str(tmp_path / "tasks.parquet"))
    table.to_json(str(tmp_path / "tasks.jsonl"))
    for kind, name in (("parquet", "tasks.parquet"), ("json", "tasks.jsonl")):
        loaded = datasets.load_dataset(
            kind, data_files=str(tmp_path / name), split="train", cache_dir=str(tmp_path / "cache")
        )
        assert dataset_to_tasks(loaded) == UNICODE_TASKS


def test_missing_columns_are_named() -> None:
    table = tasks_to_dataset(UNICODE_TASKS).remove_columns(["id", "answer"])
    with pytest.raises(
        DatasetFormatError, match=r"lacks the column\(s\) 'id', 'answer' \(it has: "
    ):
        dataset_to_tasks(table)
    with pytest.raises(DatasetFormatError, match=r"lacks the column\(s\) 'record'"):
        dataset_to_records(table)


def test_metadata_is_optional() -> None:
    table = datasets.Dataset.from_dict({"id": ["a"], "prompt": ["p"], "answer": ['{"x": 1}']})
    assert dataset_to_tasks(table) == [Task(id="a", prompt="p", answer={"x": 1})]


def test_bad_cells_name_the_row_and_column() -> None:
    table = datasets.Dataset.from_dict(
        {"id": ["a", "b"], "prompt": ["p", "q"], "answer": ["1", "{"]}
    )
    with pytest.raises(DatasetFormatError, match="row 1: column 'answer' is not valid JSON"):
        dataset_to_tasks(table)
    numbers = datasets.Dataset.from_dict({"id": ["a"], "prompt": ["p"], "answer": [7]})
    with pytest.raises(
        DatasetFormatError, match="row 0: column 'answer' must hold JSON text, got int"
    ):
        dataset_to_tasks(numbers)
    no_id = datasets.Dataset.from_dict({"id": [""], "prompt": ["p"], "answer": ["1"]})
    with pytest.raises(DatasetFormatError, match="row 0: not a valid task"):
        dataset_to_tasks(no_id)
    with pytest.raises(TypeError, match="splits train: pick one"):
        dataset_to_tasks(datasets.DatasetDict(train=table))


def test_missing_datasets_package(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(DependencyNotInstalled, match="pip install datasets"):
        require_datasets()
    with pytest.raises(DependencyNotInstalled):
        tasks_to_dataset(UNICODE_TASKS)


# -- rollout records --------------------------------------------------------------------------


def _records() -> list[RolloutRecord]:
    env = rlvr.make(ARITHMETIC)
    records = []
    for index, completion in enumerate(
        ["\\boxed{-1}", "The answer is 7", "banana 🙂", "\\boxed{1}"]
    ):
        _, info = env.reset(options={"index": index})
        _, _, _, _, step = env.step(completion)
        records.append(
            make_record(
                env,
                info["task"],
                step["verdict"],
                completion=completion if index != 3 else None,
                messages=step["messages"] if index >= 2 else None,
                timings={"generate": 0.25, "verify": 0.001},
                policy={"spec": "test", "job": {"env_key": "k", "index": index, "sample": 0}},
            )
        )
    return records


def test_records_round_trip_with_flat_columns() -> None:
    records = _records()
    table = records_to_dataset(records)
    assert table.column_names == [*COLUMNS, RECORD_COLUMN]
    assert table[0] == {**flatten(records[0]), RECORD_COLUMN: records[0].model_dump_json()}
    assert table["reward"][:] == [1.0, 0.0, 0.0, 0.0]
    assert table["status"][:] == ["ok", "ok", "no_answer", "ok"]
    assert table["env_key"][:] == ["k"] * 4
    assert dataset_to_records(table) == records
    assert len(records_to_dataset([])) == 0


def test_records_in_parquet_reverify(tmp_path) -> None:
    records = _records()
    # a record whose verdict was forged: a wrong answer marked correct
    forged = records[1].model_copy(update={"verdict": Verdict(reward=1.0, correct=True)})
    exotic = records[0].model_copy(
        update={"task": UNICODE_TASKS[1].model_copy(update={"answer": "-1"}), "policy": {"é": [1]}}
    )
    path = str(tmp_path / "records.parquet")
    records_to_dataset([*records, forged, exotic]).to_parquet(path)
    loaded = dataset_to_records(
        datasets.load_dataset("parquet", data_files=path, split="train", cache_dir=str(tmp_path))
    )
    assert loaded == [*records, forged, exotic]
    env = rlvr.make(ARITHMETIC)
    again = [rlvr.reverify(r, env) for r in loaded]
    assert [r.verdict.reward for r in again] == [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert [r.verdict for r in again[:4]] == [r.verdict for r in records]


def test_bad_record_cells() -> None:
    table = datasets.Dataset.from_dict({RECORD_COLUMN: ['{"env_id": "x"}']})
    with pytest.raises(DatasetFormatError, match="row 0: not a valid rollout record"):
        dataset_to_records(table)
