"""RayRolloutPool: episodes played by Ray actors come back in job order and equal the local
rollout engine's; unknown environments and policies fail with the actor's reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace

import pytest

pytest.importorskip("ray")

import rlvr
from rlvr.errors import EnvNotFound, SuiteNotFound
from rlvr.evals.engine import EpisodeJob, RolloutEngine
from rlvr.policies import SamplingParams, make_policy
from rlvr.remote.ray_rollouts import RayRolloutPool, RemoteRolloutError

ENV = "math/arithmetic-v0"
HALF_A_CPU = {"num_cpus": 0.5}  # leaves the other CPU of the 2-CPU instance to other pools
PARAMS = SamplingParams(max_tokens=64, temperature=0.0, seed=7)
# 12 tasks x 2 samples, interleaved so that consecutive jobs differ in env index and sample
JOBS = [EpisodeJob(ENV, index, sample) for sample in range(2) for index in range(11, -1, -1)]


@pytest.fixture(scope="module")
def pool(ray_session) -> Iterator[RayRolloutPool]:
    with RayRolloutPool(
        "oracle", [ENV], params=PARAMS, num_actors=2, chunk_size=5, actor_options=HALF_A_CPU
    ) as ray_pool:
        yield ray_pool


def essentials(record) -> tuple:
    return (record.env_id, record.task, record.completion, record.verdict, record.policy["job"])


def test_oracle_records_are_correct_in_job_order_and_equal_the_local_engine(pool) -> None:
    records = pool.play(JOBS)  # 24 jobs in chunks of 5 over 2 actors
    assert [r.policy["job"] for r in records] == [job.as_dict() for job in JOBS]
    assert all(r.verdict.correct and r.verdict.status == "ok" for r in records)
    assert {r.policy["worker"] for r in records} == {f"{i}@{pool.nodes[i]}" for i in range(2)}
    local = []
    RolloutEngine(rlvr.make, make_policy("oracle"), PARAMS).run(JOBS, local.append)
    by_job = {tuple(r.policy["job"].values()): r for r in local}
    expected = [by_job[(job.env_key, job.index, job.sample)] for job in JOBS]
    assert [essentials(r) for r in records] == [essentials(r) for r in expected]
    assert [r.policy["params"] for r in records] == [r.policy["params"] for r in expected]
    assert records[-1].policy["params"] == asdict(replace(PARAMS, seed=7 + 1_000_003))


def test_play_iter_yields_every_record_once(pool) -> None:
    jobs = JOBS[:7]
    records = list(pool.play_iter(jobs))
    assert sorted(tuple(r.policy["job"].values()) for r in records) == sorted(
        (j.env_key, j.index, j.sample) for j in jobs
    )
    assert pool.play([]) == []


def test_jobs_for_an_environment_the_pool_lacks_are_refused(pool) -> None:
    with pytest.raises(KeyError, match="job 1 names environment 'logic/sudoku-v0'"):
        pool.play([EpisodeJob(ENV, 0), EpisodeJob("logic/sudoku-v0", 0)])


def test_unknown_environments_fail_before_any_actor_starts(ray_session) -> None:
    with pytest.raises(EnvNotFound, match=r"math/arithmetc-v0.*Did you mean math/arithmetic-v0"):
        RayRolloutPool("oracle", ["math/arithmetc-v0"])
    with pytest.raises(SuiteNotFound, match="no suite named 'no-such-suite'"):
        RayRolloutPool("oracle", "no-such-suite")


def test_a_policy_or_environment_that_fails_in_the_actor_names_the_reason(ray_session) -> None:
    with pytest.raises(RemoteRolloutError, match=r"could not build the policy 'gpt-9'.*ValueError"):
        RayRolloutPool("gpt-9", [ENV], num_actors=1, actor_options=HALF_A_CPU)
    with pytest.raises(RemoteRolloutError, match=r"(?s)environment 'math/arithmetic-v0'.*colour"):
        RayRolloutPool("oracle", {ENV: {"colour": "blue"}}, num_actors=1, actor_options=HALF_A_CPU)


def test_a_suite_file_is_played_with_its_keys(ray_session, tmp_path) -> None:
    suite = tmp_path / "tiny.yaml"
    suite.write_text(
        f"name: tiny\nenvs:\n  - id: {ENV}\n    kwargs: {{difficulty: 2}}\n    label: hard\n",
        encoding="utf-8",
    )
    with RayRolloutPool("oracle", str(suite), num_actors=1, actor_options=HALF_A_CPU) as p:
        assert p.keys == ["hard"]
        records = p.play([EpisodeJob("hard", i) for i in range(4)])
    assert [r.env_id for r in records] == [ENV] * 4
    assert all(r.verdict.correct for r in records)
    local = rlvr.make(ENV, difficulty=2)
    assert [r.task for r in records] == [local.unwrapped.task(i) for i in range(4)]
