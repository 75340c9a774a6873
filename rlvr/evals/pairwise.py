"""Pairwise win-rates: an eval run against a baseline run, each pair judged by a model.

Every record of the run is paired with the baseline's record of the same episode (environment
key, task index, sample; with a token-budget sweep, the largest budget of each run). A
:class:`~rlvr.verifiers.judge.JudgeVerifier` says which completion is better, and the run's
win-rate against the baseline is ``(wins + ties / 2) / pairs``, per environment and overall.

Nothing is dropped silently: records without a baseline record (``missing``), pairs whose tasks
differ (``task_mismatch``, e.g. the runs used other environment options), pairs the judge could
not decide (``judge_errors``) and baseline records without a partner (``baseline_only``) are
counted, and left out of the win-rate.

Output: ``DIR/pairwise.jsonl`` (one line per record of the run: both completions, the outcome,
the judge's votes and answers) and a ``"pairwise"`` section in ``DIR/summary.json``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from rlvr.evals.run import RESULTS, SUMMARY, read_records
from rlvr.types import RolloutRecord
from rlvr.verifiers.judge import JudgeVerifier

PAIRWISE = "pairwise.jsonl"
COUNTS = ("wins", "losses", "ties", "judge_errors", "missing", "task_mismatch")
_COUNTED_AS = {"a": "wins", "b": "losses", "tie": "ties", "judge_error": "judge_errors"}

EpisodeKey = tuple[str, int, int]


def episode_key(record: RolloutRecord) -> EpisodeKey | None:
    """``(env_key, task index, sample)`` of an eval record, ``None`` for a record without one."""
    job = record.policy.get("job")
    if not isinstance(job, dict):
        return None
    return str(job["env_key"]), int(job["index"]), int(job["sample"])


def latest_by_episode(records: list[RolloutRecord]) -> dict[EpisodeKey, RolloutRecord]:
    """One record per episode: the one with the largest token budget (the last one written)."""
    out: dict[EpisodeKey, RolloutRecord] = {}
    budgets: dict[EpisodeKey, int] = {}
    for record in records:
        key = episode_key(record)
        if key is None:
            continue
        budget = int(record.policy.get("params", {}).get("max_tokens", 0))
        if key not in out or budget >= budgets[key]:
            out[key], budgets[key] = record, budget
    return out


def load_run(directory: str | Path, role: str) -> list[RolloutRecord]:
    """The records of an eval directory; ``FileNotFoundError`` naming ``role`` if it has none."""
    path = Path(directory) / RESULTS
    if not path.is_file():
        raise FileNotFoundError(
            f"{role} {directory} has no {RESULTS}: pass the --out directory of an rlvr eval run"
        )
    return read_records(path)


def _stats(counts: Counter[str]) -> dict[str, Any]:
    pairs = counts["wins"] + counts["losses"] + counts["ties"]
    win_rate = (counts["wins"] + counts["ties"] / 2) / pairs if pairs else None
    return {"pairs": pairs, "win_rate": win_rate, **{name: counts[name] for name in COUNTS}}


def pairwise(
    out_dir: str | Path,
    baseline_dir: str | Path,
    judge: JudgeVerifier,
    *,
    batch_size: int = 32,
) -> dict[str, Any]:
    """Judge every record of ``out_dir`` against its partner in ``baseline_dir``; write
    ``pairwise.jsonl`` and the ``"pairwise"`` section of ``summary.json``, and return it."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    out = Path(out_dir)
    mine = latest_by_episode(load_run(out, "the eval run"))
    theirs = latest_by_episode(load_run(baseline_dir, "the baseline"))
    rows: list[dict[str, Any]] = []
    to_judge: list[tuple[dict[str, Any], RolloutRecord, RolloutRecord]] = []
    for key in sorted(mine):
        record, partner = mine[key], theirs.get(key)
        row: dict[str, Any] = {
            "env_key": key[0],
            "index": key[1],
            "sample": key[2],
            "task_id": record.task.id,
            "completion": record.final_completion,
            "baseline_completion": None if partner is None else partner.final_completion,
            "outcome": None,
            "votes": [],
            "status": "judged",
        }
        rows.append(row)
        if partner is None:
            row["status"] = "missing"
        elif partner.task.id != record.task.id:
            row["status"] = "task_mismatch"
            row["baseline_task_id"] = partner.task.id
        else:
            to_judge.append((row, record, partner))
    for start in range(0, len(to_judge), batch_size):
        chunk = to_judge[start : start + batch_size]
        judgements = judge.judge_pairs(
            [record.task for _, record, _ in chunk],
            [row["completion"] for row, _, _ in chunk],
            [row["baseline_completion"] for row, _, _ in chunk],
        )
        for (row, _, _), judgement in zip(chunk, judgements, strict=True):
            row["votes"] = list(judgement.votes)
            row["judge_answers"] = list(judgement.answers)
            if judgement.error is not None:
                row["status"], row["error"] = "judge_error", judgement.error
            else:
                row["outcome"] = judgement.outcome
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        what = row["outcome"] if row["status"] == "judged" else row["status"]
        name = _COUNTED_AS.get(what, what)
        counts[row["env_key"]][name] += 1
        counts[""][name] += 1
    section = {
        "baseline": str(baseline_dir),
        "judge": judge.judge_spec,
        "verifier_kind": judge.kind,  # a judge's opinion, not a verified score
        "swap": judge.swap,
        "overall": _stats(counts[""]),
        "envs": {key: _stats(c) for key, c in sorted(counts.items()) if key},
        "baseline_only": len(set(theirs) - set(mine)),
    }
    with (out / PAIRWISE).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary_path = out / SUMMARY
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    summary["pairwise"] = section
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return section


def pairwise_table(section: dict[str, Any]) -> Table:
    """The ``"pairwise"`` section of a summary as a table, one row per environment."""
    title = f"against {section['baseline']} (judge {section['judge']})"
    table = Table(title=escape(title), title_justify="left")
    for column in ("environment", "win rate", "wins", "losses", "ties", "errors", "unpaired"):
        table.add_column(column)
    for key, entry in [*section["envs"].items(), ("overall", section["overall"])]:
        rate = "-" if entry["win_rate"] is None else f"{entry['win_rate']:.3f}"
        table.add_row(
            escape(key),
            rate,
            *(str(entry[name]) for name in ("wins", "losses", "ties", "judge_errors")),
            str(entry["missing"] + entry["task_mismatch"]),
        )
    return table
