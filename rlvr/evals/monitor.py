"""``rlvr eval --monitor-verifier NAME``: judge an eval run's answers again with another verifier.

The environments' own verifiers scored the run; a second verifier (stricter, or simply
different) scores the same final answers. Where the two disagree, one of them is being gamed or
is wrong: the summary gets a ``monitor`` section with the second verifier's mean reward and
pass rate per environment and overall, and the gap to the first.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from rlvr.evals.metrics import mean
from rlvr.evals.run import RESULTS, SUMMARY, read_records
from rlvr.types import RolloutRecord

MONITOR = "monitor"
"""The summary section this writes."""


def monitor_run(out_dir: str | Path, verifier_name: str) -> dict[str, Any]:
    """Judge every record of ``out_dir`` with the registered verifier ``verifier_name`` (bounded:
    out of process, with its time limit); add and return the summary's ``monitor`` section."""
    from rlvr import verifiers
    from rlvr.verifiers.kinds import verifier_kind

    out = Path(out_dir)
    records = read_records(out / RESULTS)
    if not records:
        raise ValueError(f"{out / RESULTS} holds no records to judge")
    verifier = verifiers.get(verifier_name)
    verdicts = verifier.verify_many(
        [r.task for r in records], [r.final_completion for r in records]
    )
    by_env: dict[str, list[tuple[RolloutRecord, Any]]] = defaultdict(list)
    for record, verdict in zip(records, verdicts, strict=True):
        by_env[record.policy.get("job", {}).get("env_key", record.env_id)].append((record, verdict))
    section: dict[str, Any] = {
        "verifier": verifier_name,
        "verifier_kind": verifier_kind(verifier),
        "envs": {key: _numbers(pairs) for key, pairs in sorted(by_env.items())},
        "overall": _numbers([pair for pairs in by_env.values() for pair in pairs]),
    }
    summary_file = out / SUMMARY
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    summary[MONITOR] = section
    summary_file.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return section


def _numbers(pairs: list[tuple[RolloutRecord, Any]]) -> dict[str, float]:
    reward = mean([record.verdict.reward for record, _ in pairs])
    monitored = mean([verdict.reward for _, verdict in pairs])
    return {
        "records": float(len(pairs)),
        "mean_reward": monitored,
        "pass_rate": mean([float(verdict.correct) for _, verdict in pairs]),
        "gap": reward - monitored,
        "disagreements": float(
            sum(record.verdict.correct != verdict.correct for record, verdict in pairs)
        ),
    }
