"""``rlvr export DIR``: the records of an eval run as a Hugging Face dataset in Parquet.

One row per record, flattened: ids, job, prompt, final completion, verdict, token counts and the
policy spec; the task metadata, the gold answer and the messages are JSON strings. Read it back
with ``datasets.load_dataset("parquet", data_files=PATH)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rlvr.evals.report import env_key, load_results
from rlvr.types import RolloutRecord

PARQUET = "records.parquet"

COLUMNS: dict[str, str] = {
    "env_id": "string",
    "env_key": "string",
    "task_id": "string",
    "index": "int64",
    "sample": "int64",
    "prompt": "string",
    "completion": "string",
    "reward": "float64",
    "correct": "bool",
    "status": "string",
    "verifier_kind": "string",
    "feedback": "string",
    "answer": "string",
    "gold_answer": "string",
    "turns": "int64",
    "prompt_tokens": "int64",
    "completion_tokens": "int64",
    "finish_reason": "string",
    "policy_spec": "string",
    "metadata": "string",
    "messages": "string",
}
"""Column name to ``datasets.Value`` dtype."""


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def flatten(record: RolloutRecord) -> dict[str, Any]:
    """One record as a row of :data:`COLUMNS`."""
    job = record.policy.get("job", {})
    verdict = record.verdict
    messages = [m.model_dump() for m in record.messages or []]
    return {
        "env_id": record.env_id,
        "env_key": env_key(record),
        "task_id": record.task.id,
        "index": _int(job.get("index")),
        "sample": _int(job.get("sample")),
        "prompt": record.task.prompt,
        "completion": record.final_completion,
        "reward": verdict.reward,
        "correct": verdict.correct,
        "status": verdict.status,
        "verifier_kind": record.verifier_kind,
        "feedback": verdict.feedback,
        "answer": verdict.answer,
        "gold_answer": json.dumps(record.task.answer, ensure_ascii=False),
        "turns": _int(record.policy.get("turns", 1)),
        "prompt_tokens": _int(record.policy.get("prompt_tokens")),
        "completion_tokens": _int(record.policy.get("completion_tokens")),
        "finish_reason": record.policy.get("finish_reason"),
        "policy_spec": record.policy.get("spec"),
        "metadata": json.dumps(record.task.metadata, ensure_ascii=False, sort_keys=True),
        "messages": json.dumps(messages, ensure_ascii=False),
    }


def export(out_dir: str | Path, dest: str | Path | None = None) -> Path:
    """Write the records of ``DIR/results.jsonl`` to ``dest`` (default ``DIR/records.parquet``)."""
    import datasets
    from datasets import utils as hf_utils

    records = load_results(out_dir)
    path = Path(dest) if dest is not None else Path(out_dir) / PARQUET
    path.parent.mkdir(parents=True, exist_ok=True)
    features = datasets.Features({name: datasets.Value(t) for name, t in COLUMNS.items()})
    dataset = datasets.Dataset.from_list([flatten(r) for r in records], features=features)
    quiet = hf_utils.are_progress_bars_disabled()
    hf_utils.disable_progress_bars()
    try:
        dataset.to_parquet(str(path))
    finally:
        if not quiet:
            hf_utils.enable_progress_bars()
    return path
