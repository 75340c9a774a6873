"""Training from rollout workers: staleness bound, re-verification, forged records, end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

sys.path.insert(0, str(Path(__file__).parent))  # toy_envs
import toy_envs  # noqa: E402

import rlvr  # noqa: E402
from rlvr.remote.snapshot import is_done, latest_snapshot  # noqa: E402
from rlvr.remote.worker import RolloutWorker  # noqa: E402
from rlvr.trainers.config import GRPOConfig  # noqa: E402
from rlvr.trainers.data import suite_factories, training_suite  # noqa: E402
from rlvr.trainers.grpo import GRPOTrainer  # noqa: E402
from rlvr.trainers.metrics import read_metrics  # noqa: E402
from rlvr.trainers.model import load_model  # noqa: E402
from rlvr.trainers.remote import RemoteExperience  # noqa: E402
from rlvr.types import Message, RolloutRecord, Verdict  # noqa: E402

GROUP = 4


@pytest.fixture(scope="module", autouse=True)
def toy_environment() -> None:
    toy_envs.register()


def remote_config(output_dir: Path, **changes) -> GRPOConfig:
    fields = {"tasks_per_step": 2, "group_size": GROUP, "learning_rate": 0.05}
    fields |= {"rollouts": "remote", "rollout_timeout": 2.0}
    return toy_envs.toy_config(output_dir, **{**fields, **changes})


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    config = remote_config(tmp_path_factory.mktemp("tok"))
    return load_model(config, torch.device("cpu"))[1]


class Inbox:
    """Writes records the way a worker does, and collects them the way the trainer does."""

    def __init__(self, tmp_path: Path, tokenizer, **changes) -> None:
        self.config = remote_config(tmp_path, **changes)
        self.dir = tmp_path / "rollouts"
        self.dir.mkdir()
        self.tokenizer = tokenizer
        suite = training_suite(self.config)
        self.env_key = suite.keys[0]
        factories = suite_factories(suite)
        self.remote = RemoteExperience(
            self.config, factories, tokenizer, self.dir, poll_seconds=0.01
        )

    def record(self, index: int, completions: list[str], **policy) -> RolloutRecord:
        env = rlvr.make(toy_envs.TOY_ID, **self.config.env_kwargs)
        _, info = env.reset(options={"index": index})
        messages = list(info["messages"])
        verdict, ended = None, False
        for text in completions:
            if ended:  # a forged extra turn after the episode's end
                messages.append({"role": "assistant", "content": text})
                continue
            _, _, terminated, truncated, info = env.step(text)
            messages = list(info["messages"])
            verdict, ended = info.get("verdict"), terminated or truncated
        ids = [{"token_ids": self.ids(text), "finish_reason": "stop"} for text in completions]
        fields = {"policy_version": 0, "group": f"w/{index}", "turn_ids": ids}
        fields["job"] = {"env_key": self.env_key, "index": index, "sample": 0}
        fields.update(policy)
        return RolloutRecord(
            env_id=toy_envs.TOY_ID,
            env_version=0,
            verifier="starts-with-digit",
            verifier_version="1",
            task=info["task"],
            completion=completions[0] if len(completions) == 1 else None,
            messages=[Message.model_validate(m) for m in messages],
            verdict=verdict,
            policy=fields,
        )

    def ids(self, text: str) -> list[int]:
        encoded = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return [*encoded, self.tokenizer.eos_token_id]

    def group(self, index: int, completions: list[str], **policy) -> list[RolloutRecord]:
        records = []
        for sample, text in enumerate(completions):
            record = self.record(index, [text], **policy)
            record.policy["job"]["sample"] = sample
            records.append(record)
        return records

    def write(self, records: list[RolloutRecord], name: str = "w.jsonl") -> None:
        with (self.dir / name).open("a", encoding="utf-8") as handle:
            handle.write("".join(r.model_dump_json() + "\n" for r in records))


def test_honest_groups_are_used_with_their_sampled_ids(tmp_path: Path, tokenizer) -> None:
    inbox = Inbox(tmp_path, tokenizer)
    inbox.write(inbox.group(3, ["7", "x", "1", "y"]) + inbox.group(4, ["a", "b", "c", "9"]))
    experience = inbox.remote.collect(version=0)
    assert sorted(experience.rewards.tolist()) == sorted([1, 0, 1, 0, 0, 0, 0, 1])
    assert inbox.remote.counts == {"accepted": 8, "staleness_total": 0}
    sequence = next(s for s in experience.sequences if s.advantage > 0)
    record = experience.records[sequence.episode]
    assert list(sequence.completion_ids) == inbox.ids(record.final_completion)
    assert tokenizer.decode(sequence.prompt_ids).find(record.task.prompt) >= 0


def test_a_forged_reward_is_replaced_by_the_trainers_verdict(tmp_path: Path, tokenizer) -> None:
    inbox = Inbox(tmp_path, tokenizer, tasks_per_step=1)
    group = inbox.group(5, ["x", "y", "z", "w"])
    group[0].verdict = Verdict(reward=1.0, correct=True)  # the worker claims a success
    inbox.write(group)
    experience = inbox.remote.collect(version=0)
    assert experience.rewards.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert inbox.remote.counts["reward_mismatch"] == 1
    assert not any(r.verdict.correct for r in experience.records)


def test_a_forged_task_drops_its_group(tmp_path: Path, tokenizer) -> None:
    inbox = Inbox(tmp_path, tokenizer, tasks_per_step=1)
    forged = inbox.group(6, ["7", "7", "7", "7"])
    forged[2].task = forged[2].task.model_copy(update={"answer": "something easier"})
    honest = inbox.group(7, ["7", "x", "x", "x"])
    inbox.write(forged + honest)
    experience = inbox.remote.collect(version=0)
    assert {r.task.id for r in experience.records} == {"digits/7"}
    assert inbox.remote.counts["rejected/task_mismatch"] == GROUP


def test_stale_future_and_incomplete_groups_are_not_used(tmp_path: Path, tokenizer) -> None:
    inbox = Inbox(tmp_path, tokenizer, tasks_per_step=1, max_staleness=1)
    stale = inbox.group(1, ["7", "x", "x", "x"], policy_version=1, group="stale")
    future = inbox.group(2, ["7", "x", "x", "x"], policy_version=9, group="future")
    incomplete = inbox.group(3, ["7", "x", "x"], policy_version=3, group="short")
    inbox.write(stale + future + incomplete)
    with pytest.raises(TimeoutError, match=r"0 of 1 usable groups for policy version 3"):
        inbox.remote.collect(version=3)
    counts = inbox.remote.counts
    assert counts["stale"] == GROUP and counts["rejected/from_the_future"] == GROUP
    fresh = inbox.group(4, ["7", "x", "x", "x"], policy_version=2, group="fresh")
    inbox.write(fresh)
    experience = inbox.remote.collect(version=3)
    assert {r.task.id for r in experience.records} == {"digits/4"}
    assert inbox.remote.counts["staleness_total"] == GROUP


def test_ids_that_do_not_match_the_text_are_not_trusted(tmp_path: Path, tokenizer) -> None:
    inbox = Inbox(tmp_path, tokenizer, tasks_per_step=1)
    group = inbox.group(8, ["7", "x", "y", "z"])
    group[0].policy["turn_ids"][0]["token_ids"] = inbox.ids("x")  # ids of a wrong answer
    group[1].policy["turn_ids"][0]["token_ids"] = [10**9]  # not a token
    group[2].policy["turn_ids"][0]["token_ids"] = inbox.ids("y") * 50  # too long
    inbox.write(group)
    experience = inbox.remote.collect(version=0)
    assert inbox.remote.counts["retokenized"] == 3
    by_episode = {s.episode: list(s.completion_ids) for s in experience.sequences}
    assert by_episode[0] == inbox.ids("7")
    assert by_episode[1] == inbox.ids("x")
    assert by_episode[2] == inbox.ids("y")


def test_multi_turn_records_are_replayed_turn_by_turn(tmp_path: Path, tokenizer) -> None:
    inbox = Inbox(tmp_path, tokenizer, tasks_per_step=1, env_kwargs={"max_attempts": 2})
    records = []
    for sample, turns in enumerate([["x", "7"], ["x", "y"], ["3"], ["a", "b"]]):
        record = inbox.record(9, turns)
        record.policy["job"]["sample"] = sample
        records.append(record)
    inbox.write(records)
    experience = inbox.remote.collect(version=0)
    assert [r.verdict.correct for r in experience.records] == [True, False, True, False]
    turns = [len(g) for g in experience.generations]
    assert turns == [2, 2, 1, 2]
    second_prompt = tokenizer.decode(experience.generations[0][1].prompt_ids)
    assert "x" in second_prompt and "try again" in second_prompt.lower()
    padded = inbox.record(9, ["7", "extra turn"])  # an episode cannot go on after it ended
    padded.policy.update(group="padded")
    with pytest.raises(TimeoutError):
        others = [inbox.record(9, ["7"]) for _ in range(GROUP - 1)]
        for sample, record in enumerate([padded, *others]):
            record.policy["job"]["sample"] = sample
            record.policy["group"] = "padded"
        inbox.write([padded, *others], name="second.jsonl")
        inbox.remote.collect(version=0)
    assert inbox.remote.counts["rejected/more_turns_than_the_episode_allows"] == GROUP


def test_a_run_learns_from_a_worker_in_another_thread(tmp_path: Path) -> None:
    config = remote_config(tmp_path, steps=5, tasks_per_step=4, rollout_timeout=60)
    worker = RolloutWorker(tmp_path, name="w1", device="cpu", wait_seconds=60, poll_seconds=0.05)
    summary, stopped = toy_envs.train_while_serving(config, worker.run)
    assert stopped and is_done(tmp_path) and worker.rounds >= 5
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "train"]
    assert [r["remote/accepted"] for r in rows] == [16.0] * 5
    assert all(r["remote/staleness_total"] <= 16 for r in rows)
    assert all("gen_tok/s" not in r and 0 < r["time/verify"] <= r["time/wait"] for r in rows)
    assert latest_snapshot(tmp_path).version == 5
    versions = {
        json.loads(line)["policy"]["policy_version"]
        for line in (tmp_path / "rollouts" / "w1.jsonl").read_text().splitlines()
    }
    assert versions <= set(range(6)) and len(versions) >= 3
    assert summary["eval_after"] is not None


def test_the_cli_worker_serves_a_run_in_parquet(tmp_path: Path) -> None:
    config = GRPOConfig.model_validate(
        {
            **remote_config(tmp_path, steps=2, tasks_per_step=2, rollout_timeout=120).model_dump(
                exclude_unset=True
            ),
            "env": "math/arithmetic-v0",
            "env_kwargs": {"difficulty": 1},
            "eval_suite": None,
            "eval_limit": 4,
            "max_new_tokens": 6,
        }
    )
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "rlvr.cli.main", "rollout-worker", str(tmp_path)),
            *("--format", "parquet", "--name", "cli", "--device", "cpu", "--wait", "120"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    trainer = GRPOTrainer(config, console=False)
    try:
        trainer.train()
    finally:
        trainer.close()
        output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    assert "rollout worker cli:" in output
    parts = sorted((tmp_path / "rollouts").glob("cli-*.parquet"))
    assert len(parts) >= 2
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "train"]
    assert [r["remote/accepted"] for r in rows] == [8.0, 8.0]


class FakeVLLM:
    """vLLM's offline API as the vllm: policy uses it (LLM.chat, SamplingParams), answering
    '7' and 'x' in turn with the snapshot's own tokenizer."""

    engines: ClassVar[list[FakeVLLM]] = []  # every engine started

    def __init__(self, model: str) -> None:
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=True)
        self.calls = 0
        self.model = model
        self.reloads: list[str] = []
        self.prefix_resets = 0
        FakeVLLM.engines.append(self)

    def collective_rpc(self, method, kwargs=None):
        assert method == "reload_weights"
        self.reloads.append(kwargs["weights_path"])

    def reset_prefix_cache(self):
        self.prefix_resets += 1

    def chat(self, conversations, params, use_tqdm=False):
        from types import SimpleNamespace

        outputs = []
        for messages in conversations:
            self.calls += 1
            text = "7" if self.calls % 2 else "x"
            prompt = self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, tokenize=False
            )
            ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
            choice = SimpleNamespace(
                text=text, token_ids=[*ids, self.tokenizer.eos_token_id], finish_reason="stop"
            )
            prompt_ids = self.tokenizer(prompt, add_special_tokens=False)["input_ids"]
            outputs.append(SimpleNamespace(prompt_token_ids=prompt_ids, outputs=[choice]))
        return outputs


def test_a_vllm_worker_feeds_the_trainer_its_token_ids(tmp_path: Path, monkeypatch) -> None:
    from types import SimpleNamespace

    monkeypatch.setitem(sys.modules, "vllm", SimpleNamespace(LLM=FakeVLLM, SamplingParams=dict))
    monkeypatch.setattr(FakeVLLM, "engines", [])
    config = remote_config(tmp_path, steps=2, tasks_per_step=2, rollout_timeout=60)
    worker = RolloutWorker(tmp_path, name="v", backend="vllm", wait_seconds=60, poll_seconds=0.05)
    _, stopped = toy_envs.train_while_serving(config, worker.run)
    assert stopped
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "train"]
    assert [r["remote/accepted"] for r in rows] == [8.0, 8.0]
    assert all("remote/retokenized" not in r for r in rows)
    assert all(r["reward"] == 0.5 for r in rows)
    first = json.loads((tmp_path / "rollouts" / "v.jsonl").read_text().splitlines()[0])
    assert first["policy"]["spec"].startswith("vllm:")
    from transformers import AutoTokenizer

    eos = AutoTokenizer.from_pretrained(tmp_path / "model", local_files_only=True).eos_token_id
    assert first["policy"]["turn_ids"][0]["token_ids"][-1] == eos
    # one engine for the whole run: each newer snapshot is loaded into it
    (engine,) = FakeVLLM.engines
    versions = {
        json.loads(line)["policy"]["policy_version"]
        for line in (tmp_path / "rollouts" / "v.jsonl").read_text().splitlines()
    }
    assert len(versions) >= 2
    assert [Path(path).name for path in engine.reloads] == [
        f"v{version}" for version in sorted(versions)[1:]
    ]
    assert engine.prefix_resets == len(engine.reloads)


def test_a_vllm_that_cannot_reload_weights_gets_a_new_engine(tmp_path: Path, monkeypatch) -> None:
    import rlvr.remote.worker as module
    from rlvr.remote.snapshot import Snapshot

    class Engine:  # a vllm: policy whose in-place reload fails
        def __init__(self, snapshot: Snapshot) -> None:
            self.snapshot, self.closed, self.asked = snapshot, False, []

        def load_weights(self, path: str) -> bool:
            self.asked.append(path)
            return False

        def close(self) -> None:
            self.closed = True

    worker = RolloutWorker(tmp_path, name="v", backend="vllm")
    versions = iter([Snapshot(1, tmp_path / "v1"), Snapshot(2, tmp_path / "v2")])
    monkeypatch.setattr(module, "latest_snapshot", lambda run_dir: next(versions))
    monkeypatch.setattr(worker, "_open", Engine)
    worker._load_newest()
    first = worker._policy
    worker._load_newest()
    assert first.asked == [str(tmp_path / "v2")] and first.closed
    assert worker._policy.snapshot.version == 2 and worker.snapshot.version == 2


@pytest.mark.parametrize("error", [None, TypeError, RuntimeError])
def test_vllm_policy_reloads_weights_in_place_or_says_it_cannot(monkeypatch, error) -> None:
    from types import SimpleNamespace

    from rlvr.policies.vllm import VLLMPolicy

    class LLM:
        def __init__(self, model: str) -> None:
            self.calls: list[tuple[str, dict]] = []
            self.resets = 0

        def collective_rpc(self, method: str, kwargs: dict) -> None:
            if error is not None:
                raise error("no weights_path here")
            self.calls.append((method, kwargs))

        def reset_prefix_cache(self) -> None:
            self.resets += 1

    monkeypatch.setitem(sys.modules, "vllm", SimpleNamespace(LLM=LLM, SamplingParams=dict))
    policy = VLLMPolicy("/runs/a/policy/v1")
    assert policy.load_weights("/runs/a/policy/v2") is (error is None)
    if error is None:
        assert policy._llm.calls == [("reload_weights", {"weights_path": "/runs/a/policy/v2"})]
        assert policy._llm.resets == 1 and policy.spec == "vllm:/runs/a/policy/v2"
    else:
        assert policy._llm.resets == 0 and policy.spec == "vllm:/runs/a/policy/v1"


def test_worker_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="backend must be one of hf, vllm"):
        RolloutWorker(tmp_path, backend="tgi")
    with pytest.raises(ValueError, match="output format must be one of jsonl, parquet"):
        RolloutWorker(tmp_path, output_format="csv")
    with pytest.raises(ValueError, match="worker name 'a/b'"):
        RolloutWorker(tmp_path, name="a/b")
    with pytest.raises(TimeoutError, match=r"no policy snapshot appeared in 0\.1 s"):
        RolloutWorker(tmp_path, wait_seconds=0.1, poll_seconds=0.02).run()


def test_a_snapshot_pruned_while_loading_is_replaced_by_the_newest(
    tmp_path: Path, monkeypatch
) -> None:
    import rlvr.remote.worker as module
    from rlvr.remote.snapshot import Snapshot

    worker = RolloutWorker(tmp_path, name="w")
    seen: list[int] = []
    versions = iter([Snapshot(1, tmp_path / "v1"), Snapshot(2, tmp_path / "v2")])

    def opened(snapshot: Snapshot) -> str:
        seen.append(snapshot.version)
        if snapshot.version == 1:
            raise FileNotFoundError(snapshot.path)  # pruned under the worker's feet
        return "policy"

    monkeypatch.setattr(module, "latest_snapshot", lambda run_dir: next(versions))
    monkeypatch.setattr(worker, "_open", opened)
    worker._load_newest()
    assert seen == [1, 2] and worker.snapshot.version == 2 and worker._policy == "policy"
