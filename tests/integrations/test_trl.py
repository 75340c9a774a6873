"""rlvr environments as TRL ``GRPOTrainer`` datasets and reward functions."""

from __future__ import annotations

import json
import math

import pytest
from gymnasium.envs.registration import EnvSpec as GymSpec

import rlvr
from rlvr.envs.text_env import TextEnv
from rlvr.integrations.trl import (
    completion_text,
    reward_function,
    reward_functions,
    trl_dataset,
)
from rlvr.types import Task
from rlvr.verifiers.bounded import BoundedVerifier
from rlvr.verifiers.testing import ScriptedVerifier

pytest.importorskip("datasets")

ARITHMETIC = "math/arithmetic-v0"
BOXED = "\\boxed{-1}"  # task 0 of math/arithmetic-v0 is "4 - 5"


def columns(table, *names: str) -> dict[str, list]:
    return {name: list(table[name]) for name in names}


def call(fn, table, completions: list) -> list[float]:
    """Call ``fn`` as TRL does: the prompts, the completions, and the other columns as lists."""
    kwargs = columns(table, "rlvr_task", "env_key", "env_id", "index", "task_id")
    return fn(list(table["prompt"]), completions, **kwargs)


def test_importing_the_module_imports_neither_trl_nor_torch(run_python) -> None:
    code = (
        "import sys, json, rlvr.integrations.trl, rlvr.integrations.hf_datasets; "
        "print(json.dumps([m for m in ('trl', 'torch', 'transformers', 'datasets') "
        "if m in sys.modules]))"
    )
    assert json.loads(run_python(code)) == []


def test_conversational_dataset() -> None:
    table = trl_dataset(ARITHMETIC, 3)
    env = rlvr.make(ARITHMETIC)
    assert table.column_names == ["prompt", "rlvr_task", "env_id", "env_key", "index", "task_id"]
    for index in range(3):
        _, info = env.reset(options={"index": index})
        row = table[index]
        assert (
            row["prompt"] == info["messages"] == [{"role": "user", "content": info["task"].prompt}]
        )
        assert Task.model_validate_json(row["rlvr_task"]) == info["task"]
        assert (row["env_id"], row["env_key"], row["index"]) == (ARITHMETIC, ARITHMETIC, index)
        assert row["task_id"] == info["task"].id


def test_system_prompts_and_plain_text() -> None:
    prompt = rlvr.make(ARITHMETIC).unwrapped.task(0).prompt
    own = trl_dataset(rlvr.make(ARITHMETIC, system_prompt="Think."), 1)
    assert own[0]["prompt"] == [
        {"role": "system", "content": "Think."},
        {"role": "user", "content": prompt},
    ]
    given = trl_dataset(rlvr.make(ARITHMETIC, system_prompt="Think."), 1, system_prompt="Be brief.")
    assert given[0]["prompt"][0] == {"role": "system", "content": "Be brief."}
    plain = trl_dataset(ARITHMETIC, 2, conversational=False)
    assert plain[0]["prompt"] == prompt
    assert plain.features["prompt"].dtype == "string"
    briefed = trl_dataset(ARITHMETIC, 1, conversational=False, system_prompt="Be brief.")
    assert briefed[0]["prompt"] == f"Be brief.\n\n{prompt}"


def test_suite_dataset_keys() -> None:
    table = trl_dataset("math", 5, seed=2)
    drawn = rlvr.make_suite("math").tasks(5, seed=2)
    assert table["env_key"][:] == [draw.key for draw, _ in drawn]
    assert [Task.model_validate_json(t) for t in table["rlvr_task"]] == [t for _, t in drawn]


def test_reward_function_hand_known_values() -> None:
    table = trl_dataset(ARITHMETIC, 1).select([0] * 9)
    fn = reward_function(ARITHMETIC)
    assert fn.__name__ == "rlvr_math_arithmetic_v0"
    completions = [
        BOXED,
        "The answer is \\boxed{3}.",
        "banana",
        [{"role": "assistant", "content": f"So 4 - 5 = {BOXED}"}],
        [
            {
                "role": "assistant",
                "content": [{"type": "text", "text": "It is "}, {"type": "text", "text": BOXED}],
            }
        ],
        [
            {"role": "assistant", "content": None, "tool_calls": [{"name": "calc"}]},
            {"role": "tool", "content": BOXED},
            {"role": "assistant", "content": "\\boxed{7}"},
        ],
        12,
        "9" * 300_000,
        "",
    ]
    assert call(fn, table, completions) == [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]


def test_completion_text() -> None:
    assert completion_text("x") == "x"
    assert completion_text([{"role": "assistant", "content": "a"}]) == "a"
    assert completion_text({"role": "assistant", "content": None}) == ""
    assert completion_text([{"role": "user", "content": "a"}]) is None
    assert completion_text([]) is None and completion_text(None) is None


def test_reward_equals_env_step() -> None:
    for source in (ARITHMETIC, "math"):
        table = trl_dataset(source, 6, seed=1)
        fn = reward_function(source)
        suite = rlvr.make_suite("math") if source == "math" else None
        completions, expected = [], []
        for row in table:
            task = Task.model_validate_json(row["rlvr_task"])
            env = suite.env(row["env_key"]) if suite else rlvr.make(ARITHMETIC)
            for completion in (env.unwrapped.reference_completion(task), "\\boxed{0}"):
                env.reset(options={"index": row["index"]})
                completions.append([{"role": "assistant", "content": completion}])
                expected.append(env.step(completion)[1])
        doubled = table.select([i // 2 for i in range(2 * len(table))])
        assert call(fn, doubled, completions) == expected
        assert expected[::2] == [1.0] * len(table)


def test_metrics_and_status_column_are_logged() -> None:
    table = trl_dataset(ARITHMETIC, 1).select([0] * 4)
    metrics: dict[str, float] = {}
    extra: dict[str, list] = {}
    fn = reward_function(ARITHMETIC)
    rewards = fn(
        list(table["prompt"]),
        [BOXED, "\\boxed{2}", "banana", None],
        **columns(table, "rlvr_task", "env_key", "env_id"),
        log_metric=metrics.__setitem__,
        log_extra=extra.__setitem__,
        trainer_state=object(),
    )
    assert rewards == [1.0, 0.0, 0.0, 0.0]
    assert metrics == {
        "rlvr_math_arithmetic_v0/pass_rate": 0.25,
        "rlvr_math_arithmetic_v0/no_answer_share": 0.25,
        "rlvr_math_arithmetic_v0/timeout_share": 0.0,
        "rlvr_math_arithmetic_v0/error_share": 0.25,
        "rlvr_math_arithmetic_v0/component/correctness": 0.25,
    }
    assert extra == {"rlvr_math_arithmetic_v0_status": ["ok", "ok", "no_answer", "error"]}


def test_components() -> None:
    env = rlvr.make(ARITHMETIC, format_weight=0.25)
    table = trl_dataset(env, 1).select([0] * 3)
    completions = [BOXED, "\\boxed{5}", "-1"]  # a bare correct answer counts, unformatted
    assert call(reward_function(env), table, completions) == [1.0, 0.2, 0.8]
    form, right = reward_functions(env, ["format", "correctness"])
    assert (form.__name__, right.__name__) == (
        "rlvr_math_arithmetic_v0_format",
        "rlvr_math_arithmetic_v0_correctness",
    )
    assert call(form, table, completions) == [1.0, 1.0, 0.0]
    assert call(right, table, completions) == [1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match=r"no reward component 'format': math/arithmetic-v0 gives"):
        reward_function(ARITHMETIC, component="format")


def _scripted_env(bounded: bool) -> TextEnv:
    class Source:
        name = "scripted"

        def __len__(self) -> int:
            return 1

        def __getitem__(self, index: int) -> Task:
            return Task(id="s/0", prompt="do it", answer=None)

    verifier = BoundedVerifier(ScriptedVerifier(), timeout=0.5) if bounded else ScriptedVerifier()
    env = TextEnv(Source(), verifier)
    env.spec = GymSpec(id="test/scripted-v0", entry_point="none:none")
    return env


@pytest.mark.parametrize("bounded", [True, False])
def test_a_crashing_verifier_scores_zero(bounded: bool) -> None:
    env = _scripted_env(bounded)
    table = trl_dataset(env, 1)
    commands = ["ok", "raise", "wrong", "bad_return", "ok"] + (
        ["spin", "os_exit"] if bounded else []
    )
    fn = reward_function(env)
    assert fn.__name__ == "rlvr_test_scripted_v0"
    rewards = call(fn, table.select([0] * len(commands)), commands)
    assert rewards == [1.0, 0.0, 0.0, 0.0, 1.0] + ([0.0, 0.0] if bounded else [])


def test_mismatched_datasets_and_sources() -> None:
    table = trl_dataset(ARITHMETIC, 2)
    with pytest.raises(
        KeyError, match=r"needs the 'rlvr_task' column.*remove_unused_columns=False"
    ):
        reward_function(ARITHMETIC)(list(table["prompt"]), ["x", "y"], env_id=[ARITHMETIC] * 2)
    with pytest.raises(ValueError, match="judges math/fractions-v0 tasks, but a row is from"):
        call(reward_function("math/fractions-v0"), table, ["x", "y"])
    with pytest.raises(ValueError, match="suite 'logic' has no entry 'math/arithmetic-v0'"):
        call(reward_function("logic"), table, ["x", "y"])
    with pytest.raises(ValueError, match="wrapped in RetryWithFeedback"):
        reward_function(rlvr.make(ARITHMETIC, max_attempts=2))
    with pytest.raises(ValueError, match="multi-turn environment"):
        trl_dataset("interactive/mastermind-v0", 1)
    with pytest.raises(TypeError, match="a list of tasks has no verifier"):
        trl_dataset([Task(id="a", prompt="p")])


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_grpo_trainer_trains_on_our_reward(tmp_path) -> None:
    pytest.importorskip("trl")
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from trl import GRPOConfig, GRPOTrainer

    from rlvr.trainers.tiny import build_tiny_model

    model_dir = build_tiny_model(
        tmp_path / "model", hidden_size=16, layers=1, heads=2, kv_heads=1, max_positions=320
    )
    table = trl_dataset(ARITHMETIC, 4)
    fn = reward_function(ARITHMETIC)
    calls: list[tuple[list, dict, list[float]]] = []

    def spy(prompts: list, completions: list, **kwargs) -> list[float]:
        rewards = fn(prompts, completions, **kwargs)
        calls.append((completions, kwargs, rewards))
        return rewards

    spy.__name__ = fn.__name__
    args = GRPOConfig(
        output_dir=str(tmp_path / "out"),
        per_device_train_batch_size=4,
        num_generations=2,
        max_completion_length=8,
        max_steps=2,
        learning_rate=1e-3,
        use_cpu=True,
        bf16=False,
        report_to="none",
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        dataloader_num_workers=0,
        seed=0,
    )
    torch.manual_seed(0)
    trainer = GRPOTrainer(
        model=transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32),
        reward_funcs=spy,
        args=args,
        train_dataset=table,
        processing_class=transformers.AutoTokenizer.from_pretrained(model_dir),
    )
    trainer.train()

    assert trainer.state.global_step == 2 and len(calls) == 2
    tasks = set(table["rlvr_task"])
    env = rlvr.make(ARITHMETIC)
    logs = [entry for entry in trainer.state.log_history if "reward" in entry]
    assert len(logs) == 2
    for (completions, kwargs, rewards), log in zip(calls, logs, strict=True):
        # TRL passed our columns, and conversational completions
        assert set(kwargs["rlvr_task"]) <= tasks and kwargs["env_key"] == [ARITHMETIC] * 4
        assert all(c[0]["role"] == "assistant" for c in completions)
        # what it logged is what our function returned, each equal to env.step's reward
        assert math.isclose(log["rewards/rlvr_math_arithmetic_v0/mean"], sum(rewards) / 4)
        assert math.isclose(log["reward"], sum(rewards) / 4)
        verdicts = []
        for task, completion in zip(kwargs["rlvr_task"], completions, strict=True):
            env.reset(options={"task": Task.model_validate_json(task)})
            verdicts.append(env.step(completion[0]["content"])[4]["verdict"])
        assert rewards == [v.reward for v in verdicts]
        share = sum(v.status == "no_answer" for v in verdicts) / 4
        assert math.isclose(log["rlvr_math_arithmetic_v0/no_answer_share"], share)
        assert all(math.isfinite(value) for value in log.values() if isinstance(value, float))
