"""``rlvr eval``: play environments with a policy, write the records and their summary.

Output directory:

- ``results.jsonl``: one :class:`~rlvr.types.RolloutRecord` a line, appended as episodes finish.
  A run that is interrupted and started again with the same arguments skips the episodes
  already recorded (matched by ``record.policy["job"]``).
- ``summary.json``: per environment, and per difficulty within it: ``pass@1`` (mean over tasks
  of the fraction of samples correct), unbiased ``pass@k`` for every k up to the number of
  samples that is a power of two or the number itself, ``maj@k``, ``mean_reward``, the shares of
  ``no_answer``/``timeout``/``error`` verdicts and the mean completion tokens; the same overall.
  Two signs of a gamed reward sit beside them: ``reward_length_corr`` (correlation of reward
  with completion length; ``null`` when either is constant) and ``unearned_share`` (share of the
  reward paid to answers not judged correct: partial credit, format rewards).
  Every environment's entry (and the overall one) also has ``verifier_kind``: the kind of the
  verifier that scored it (:mod:`rlvr.verifiers.kinds`; kinds joined by ``+`` when records of
  one key disagree, ``None`` for records that predate kinds), so a graded score is never
  mistaken for a verified one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from rlvr.evals.engine import EpisodeJob, RolloutEngine
from rlvr.evals.metrics import (
    length_correlation,
    majority_at_k,
    mean,
    pass_at_k,
    unearned_share,
)
from rlvr.policies.base import Policy, SamplingParams
from rlvr.types import RolloutRecord

RESULTS = "results.jsonl"
SUMMARY = "summary.json"


def job_key(record: RolloutRecord) -> tuple[str, int, int, int]:
    """What identifies an episode across runs: environment key, task, sample, token budget."""
    job = record.policy["job"]
    budget = int(record.policy.get("params", {}).get("max_tokens", 0))
    return job["env_key"], int(job["index"]), int(job["sample"]), budget


def read_records(path: Path) -> list[RolloutRecord]:
    """The records of a results file; a torn last line (an interrupted write) is ignored."""
    if not path.exists():
        return []
    records = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(RolloutRecord.model_validate_json(line))
        except ValueError:
            if number == len(lines):
                break  # the run was killed mid-write
            raise ValueError(f"{path}:{number}: not a rollout record") from None
    return records


def evaluate(
    envs: dict[str, Callable[[], Any]],
    policy: Policy,
    out_dir: str | Path,
    *,
    samples: int = 1,
    limit: int = 50,
    params: SamplingParams | None = None,
    budgets: list[int] | None = None,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Play the first ``limit`` tasks of every environment ``samples`` times; write and return
    the summary. ``envs`` maps a key (an id, or a suite member's key) to a factory.

    ``budgets`` (token budgets, e.g. ``[256, 512, 1024]``) repeats the run once per
    ``max_tokens``: the summary's metrics are those of the largest budget, and its ``"sweep"``
    lists the metrics at every budget (accuracy against thinking budget).
    """
    if samples < 1 or limit < 1:
        raise ValueError(f"samples and limit must be >= 1, got {samples} and {limit}")
    params = params or SamplingParams()
    budgets = sorted(set(budgets or [params.max_tokens]))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = out / RESULTS
    records = read_records(results)
    done = {job_key(r) for r in records if "job" in r.policy}
    todo = {
        budget: [
            job
            for key, factory in envs.items()
            for job in _jobs(key, factory, samples, limit)
            if (job.env_key, job.index, job.sample, budget) not in done
        ]
        for budget in budgets
    }
    total = sum(len(jobs) for jobs in todo.values())
    finished = 0
    if records and results.read_text(encoding="utf-8")[-1:] not in ("", "\n"):
        with results.open("a", encoding="utf-8") as handle:
            handle.write("\n")  # close a torn line before appending
    with results.open("a", encoding="utf-8") as handle:

        def write(record: RolloutRecord) -> None:
            nonlocal finished
            handle.write(record.model_dump_json() + "\n")
            handle.flush()
            records.append(record)
            finished += 1
            if progress is not None:
                progress(finished, total)

        for budget in budgets:
            engine = RolloutEngine(
                lambda key: envs[key](),
                policy,
                replace(params, max_tokens=budget),
                batch_size=batch_size,
            )
            engine.run(todo[budget], write)
    summary = summarise_budgets(records, samples, budgets)
    (out / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def summarise_budgets(
    records: list[RolloutRecord], samples: int, budgets: list[int]
) -> dict[str, Any]:
    """:func:`summarise` of the largest budget, plus a ``"sweep"`` when there are several."""

    def at(budget: int) -> list[RolloutRecord]:
        return [r for r in records if r.policy.get("params", {}).get("max_tokens") == budget]

    summary = summarise(at(budgets[-1]), samples)
    summary["max_tokens"] = budgets[-1]
    if len(budgets) > 1:
        summary["sweep"] = [
            {"max_tokens": budget, **summarise(at(budget), samples)} for budget in budgets
        ]
    return summary


def _jobs(key: str, factory: Callable[[], Any], samples: int, limit: int) -> Iterable[EpisodeJob]:
    env = factory()
    size = len(env.unwrapped.source) if hasattr(env.unwrapped, "source") else limit
    env.close()
    for index in range(min(size, limit)):
        for sample in range(samples):
            yield EpisodeJob(key, index, sample)


def ks_for(samples: int) -> list[int]:
    """The k of pass@k and maj@k reported for ``samples`` samples: powers of two, and samples."""
    ks, k = [], 1
    while k < samples:
        ks.append(k)
        k *= 2
    return [*ks, samples]


def summarise(records: Iterable[RolloutRecord], samples: int) -> dict[str, Any]:
    """Metrics per environment key, per difficulty within it, and overall."""
    groups: dict[str, list[RolloutRecord]] = defaultdict(list)
    for record in records:
        groups[record.policy.get("job", {}).get("env_key", record.env_id)].append(record)
    envs = {}
    for key, group in sorted(groups.items()):
        entry = _metrics(group, samples)
        by_level: dict[str, list[RolloutRecord]] = defaultdict(list)
        for record in group:
            level = record.task.metadata.get("difficulty")
            if level is not None:
                by_level[str(level)].append(record)
        if by_level:
            entry["by_difficulty"] = {
                level: _metrics(rs, samples) for level, rs in sorted(by_level.items())
            }
        envs[key] = {"verifier_kind": kind_of(group), **entry}
    everything = [r for g in groups.values() for r in g]
    overall = {"verifier_kind": kind_of(everything), **_metrics(everything, samples)}
    return {"samples": samples, "overall": overall, "envs": envs}


def kind_of(records: Iterable[RolloutRecord]) -> str | None:
    """The verifier kind of ``records``: one kind, several joined by ``+``, or ``None``."""
    kinds = sorted({r.verifier_kind for r in records if r.verifier_kind is not None})
    return "+".join(kinds) if kinds else None


def _metrics(records: list[RolloutRecord], samples: int) -> dict[str, Any]:
    by_task: dict[tuple[str, str], list[RolloutRecord]] = defaultdict(list)
    for record in records:
        by_task[(record.policy.get("job", {}).get("env_key", ""), record.task.id)].append(record)
    out: dict[str, Any] = {"tasks": len(by_task), "records": len(records)}
    for k in ks_for(samples):
        values = [
            pass_at_k(len(rs), sum(r.verdict.correct for r in rs), k)
            for rs in by_task.values()
            if len(rs) >= k
        ]
        out[f"pass@{k}"] = mean(values)
        if k > 1:
            votes = [
                majority_at_k(
                    [r.verdict.answer for r in rs[:k]], [r.verdict.correct for r in rs[:k]]
                )
                for rs in by_task.values()
                if len(rs) >= k
            ]
            out[f"maj@{k}"] = mean([float(v) for v in votes])
    out["mean_reward"] = mean([r.verdict.reward for r in records])
    for status in ("no_answer", "timeout", "error"):
        out[f"{status}_rate"] = mean([float(r.verdict.status == status) for r in records])
    out["mean_completion_tokens"] = mean(
        [float(r.policy.get("completion_tokens", 0)) for r in records]
    )
    out["first_try_rate"] = mean(
        [float(r.verdict.correct and r.policy.get("turns", 1) == 1) for r in records]
    )
    lengths = [float(r.policy.get("completion_tokens") or len(r.final_completion)) for r in records]
    out["reward_length_corr"] = length_correlation([r.verdict.reward for r in records], lengths)
    out["unearned_share"] = unearned_share(records)
    return out
