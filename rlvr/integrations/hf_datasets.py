"""Tasks and rollout records as Hugging Face ``datasets.Dataset`` tables, and back.

Saving and loading are the ``datasets`` library's own calls::

    from datasets import load_dataset
    from rlvr.integrations.hf_datasets import dataset_to_tasks, tasks_to_dataset

    tasks_to_dataset("math/arithmetic-v0", 100).to_parquet("tasks.parquet")  # or .to_json(...)
    table = load_dataset("parquet", data_files="tasks.parquet", split="train")
    tasks = dataset_to_tasks(table)

Sharing through the Hugging Face hub is the same: ``table.push_to_hub("you/name")`` and
``load_dataset("you/name", split="train")`` (both need a network and, to push, a login).
``datasets`` is imported only when one of these functions runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from rlvr.errors import DatasetFormatError, DependencyNotInstalled
from rlvr.rollout import env_id_of
from rlvr.types import RolloutRecord, Task

if TYPE_CHECKING:
    import datasets

TASK_COLUMNS: dict[str, str] = {
    "id": "string",
    "prompt": "string",
    "answer": "string",
    "metadata": "string",
    "env_id": "string",
    "env_key": "string",
    "index": "int64",
}
"""Columns of :func:`tasks_to_dataset`: ``answer`` and ``metadata`` are JSON text (gold answers
are any JSON value); ``env_id``, ``env_key`` (the suite entry) and ``index`` say where a task
came from, and are empty for plain lists of tasks."""

REQUIRED_TASK_COLUMNS = ("id", "prompt", "answer")
RECORD_COLUMN = "record"
"""The column of :func:`records_to_dataset` that holds each whole record as JSON."""


def require_datasets() -> Any:
    """The ``datasets`` module; :class:`~rlvr.errors.DependencyNotInstalled` if it is missing."""
    try:
        import datasets
    except ImportError as error:
        raise DependencyNotInstalled(
            "this needs the Hugging Face `datasets` package: pip install datasets"
        ) from error
    return datasets


# -- where tasks come from --------------------------------------------------------------------


class TaskRow(NamedTuple):
    """One task with where it came from; ``env`` is the environment that poses and judges it."""

    task: Task
    env_id: str | None
    env_key: str | None
    index: int | None
    env: Any


def resolve_source(source: Any) -> Any:
    """An env id or suite name made into an env or a :class:`~rlvr.suite.Suite`; others as given."""
    from rlvr.suite import Suite

    if isinstance(source, Suite):
        return source.build()
    if isinstance(source, str):
        from rlvr.ids import ENV_ID_RE
        from rlvr.registry import default_registry

        if ENV_ID_RE.fullmatch(source):
            return default_registry().make(source)
        from rlvr.suite import make_suite

        return make_suite(source)
    if hasattr(source, "reset") and hasattr(source, "unwrapped"):
        return source
    raise TypeError(
        "source must be an env id, an environment, a Suite or a suite name "
        f"(or, for tasks_to_dataset, a list of Tasks); got {type(source).__name__}"
    )


def task_rows(source: Any, n: int | None = None, *, seed: int = 0) -> list[TaskRow]:
    """The tasks of ``source`` (see :func:`tasks_to_dataset`) with where each came from."""
    from rlvr.suite import FINITE_LIMIT, Suite

    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        raise ValueError(f"n must be an int >= 0 or None, got {n!r}")
    if isinstance(source, Sequence) and not isinstance(source, str):
        tasks = [Task.model_validate(t) for t in source[:n]]
        return [TaskRow(task, None, None, None, None) for task in tasks]
    resolved = resolve_source(source)
    if isinstance(resolved, Suite):
        if n is None:
            raise ValueError(
                f"suite {resolved.name!r} draws tasks by weight without end: pass n, "
                "the number of tasks to draw"
            )
        return [
            TaskRow(task, draw.env_id, draw.key, draw.index, resolved.env(draw.key))
            for draw, task in resolved.tasks(n, seed=seed)
        ]
    env_id = env_id_of(resolved)
    task_source = getattr(resolved.unwrapped, "source", None)
    size = len(task_source) if task_source is not None else None
    if n is None:
        if size is None or size > FINITE_LIMIT:
            shown = "" if size is None else f" ({size:,} indices)"
            raise ValueError(
                f"{env_id} generates tasks without end{shown}: pass n, the number of tasks to take"
            )
        n = size
    elif size is not None and n > size:
        raise ValueError(f"asked for {n} tasks but {env_id} has only {size}")
    rows = []
    for index in range(n):
        _, info = resolved.reset(options={"index": index})
        rows.append(TaskRow(info["task"], env_id, env_id, index, resolved))
    return rows


# -- tasks ------------------------------------------------------------------------------------


def _features(columns: dict[str, str]) -> Any:
    datasets_ = require_datasets()
    return datasets_.Features({name: datasets_.Value(t) for name, t in columns.items()})


def from_rows(rows: Sequence[dict[str, Any]], features: Any) -> datasets.Dataset:
    """A dataset of ``rows`` with ``features`` (also when there are no rows)."""
    columns = {name: [row[name] for row in rows] for name in features}
    return require_datasets().Dataset.from_dict(columns, features=features)


def task_json(value: Any) -> str:
    """A gold answer or metadata as JSON text (unicode kept as is)."""
    return json.dumps(value, ensure_ascii=False)


def tasks_to_dataset(source: Any, n: int | None = None, *, seed: int = 0) -> datasets.Dataset:
    """Tasks as a dataset with the columns of :data:`TASK_COLUMNS`, one row per task.

    ``source`` is an env id (built with ``rlvr.make``), an environment, a
    :class:`~rlvr.suite.Suite` or suite name, or a list of :class:`~rlvr.Task`. An environment
    gives its first ``n`` tasks (``reset(options={"index": i})``), all of them when ``n`` is
    ``None`` and its source is finite; a suite draws ``n`` with ``Suite.tasks(n, seed=seed)``.
    Save with ``.to_parquet(path)``; read back with :func:`dataset_to_tasks`.
    """
    rows = [
        {
            "id": row.task.id,
            "prompt": row.task.prompt,
            "answer": task_json(row.task.answer),
            "metadata": task_json(row.task.metadata),
            "env_id": row.env_id,
            "env_key": row.env_key,
            "index": row.index,
        }
        for row in task_rows(source, n, seed=seed)
    ]
    return from_rows(rows, _features(TASK_COLUMNS))


def check_columns(dataset: Any, required: Iterable[str], made_by: str) -> list[str]:
    """The dataset's column names; a clear error if it is not one split or lacks ``required``."""
    names = getattr(dataset, "column_names", None)
    if isinstance(names, dict):
        raise TypeError(
            f"expected one split (a datasets.Dataset), got a {type(dataset).__name__} with "
            f"splits {', '.join(names)}: pick one, e.g. dataset['train']"
        )
    if names is None:
        raise TypeError(f"expected a datasets.Dataset, got {type(dataset).__name__}")
    missing = [c for c in required if c not in names]
    if missing:
        raise DatasetFormatError(
            f"the dataset lacks the column(s) {', '.join(map(repr, missing))} (it has: "
            f"{', '.join(names) or 'none'}); {made_by} writes datasets with them"
        )
    return list(names)


def _json_cell(value: Any, row: int, column: str) -> Any:
    if not isinstance(value, str):
        raise DatasetFormatError(
            f"row {row}: column {column!r} must hold JSON text, got {type(value).__name__}"
        )
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        message = f"row {row}: column {column!r} is not valid JSON: {error}"
        raise DatasetFormatError(message) from None


def dataset_to_tasks(dataset: Any) -> list[Task]:
    """The tasks of a dataset made by :func:`tasks_to_dataset`: its exact inverse.

    Needs the columns ``id``, ``prompt`` and ``answer`` (JSON); ``metadata`` (JSON) is optional.
    """
    names = check_columns(dataset, REQUIRED_TASK_COLUMNS, "tasks_to_dataset")
    wanted = [c for c in (*REQUIRED_TASK_COLUMNS, "metadata") if c in names]
    tasks = []
    for row, values in enumerate(dataset.select_columns(wanted)):
        metadata = values.get("metadata")
        try:
            task = Task(
                id=values["id"],
                prompt=values["prompt"],
                answer=_json_cell(values["answer"], row, "answer"),
                metadata={} if metadata is None else _json_cell(metadata, row, "metadata"),
            )
        except ValidationError as error:
            raise DatasetFormatError(f"row {row}: not a valid task: {error}") from None
        tasks.append(task)
    return tasks


# -- rollout records --------------------------------------------------------------------------


def records_to_dataset(records: Iterable[RolloutRecord]) -> datasets.Dataset:
    """Rollout records as a dataset: the flat columns of ``rlvr export`` plus ``record``.

    The flat columns (:data:`rlvr.evals.export.COLUMNS`: env, task id, prompt, completion, reward,
    status, tokens…) are for reading the table; ``record`` holds each whole record as JSON, so
    :func:`dataset_to_records` gives back exactly the records (it reads that column only).
    """
    from rlvr.evals.export import COLUMNS, flatten

    rows = [{**flatten(r), RECORD_COLUMN: r.model_dump_json()} for r in records]
    return from_rows(rows, _features({**COLUMNS, RECORD_COLUMN: "string"}))


def dataset_to_records(dataset: Any) -> list[RolloutRecord]:
    """The rollout records of a dataset made by :func:`records_to_dataset`.

    Records made elsewhere should be judged again before anyone learns from them:
    ``[rlvr.reverify(r) for r in dataset_to_records(table)]``.
    """
    check_columns(dataset, [RECORD_COLUMN], "records_to_dataset")
    records = []
    for row, values in enumerate(dataset.select_columns([RECORD_COLUMN])):
        text = values[RECORD_COLUMN]
        if not isinstance(text, str):
            raise DatasetFormatError(
                f"row {row}: column {RECORD_COLUMN!r} must hold a record as JSON text, "
                f"got {type(text).__name__}"
            )
        try:
            records.append(RolloutRecord.model_validate_json(text))
        except ValidationError as error:
            raise DatasetFormatError(f"row {row}: not a valid rollout record: {error}") from None
    return records
