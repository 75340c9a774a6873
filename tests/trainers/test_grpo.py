"""The GRPO trainer end to end on a tiny CPU model: learning, resume, guards, outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

sys.path.insert(0, str(Path(__file__).parent))  # toy_envs, also for the registry entry point
import toy_envs  # noqa: E402

from rlvr.trainers.checkpoint import list_checkpoints  # noqa: E402
from rlvr.trainers.config import GRPOConfig  # noqa: E402
from rlvr.trainers.grpo import GRPOTrainer, TrainingDiverged  # noqa: E402
from rlvr.trainers.metrics import read_metrics  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def toy_environment() -> None:
    toy_envs.register()


toy_config = toy_envs.toy_config


def train(config: GRPOConfig) -> dict:
    trainer = GRPOTrainer(config, console=False)
    try:
        return trainer.train()
    finally:
        trainer.close()


def test_a_trivial_environment_is_learned_in_a_few_steps(tmp_path: Path) -> None:
    summary = train(toy_config(tmp_path, steps=10, learning_rate=0.05))
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "train"]
    assert [r["step"] for r in rows] == list(range(1, 11))
    assert rows[0]["reward"] < 0.5
    assert summary["train_reward_last"] >= 0.8
    assert summary["eval_after"] >= 0.9 > summary["eval_before"] + 0.3
    written = json.loads((tmp_path / "summary.json").read_text())
    assert written["eval_before"] == summary["eval_before"]
    assert written["eval_after"] == summary["eval_after"]
    assert (tmp_path / "learning_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "model" / "config.json").is_file()
    expected = {"reward", "pass_rate", "zero_var_share", "kl", "clip_fraction", "entropy"}
    expected |= {"grad_norm", "completion_len", "completion_len_max", "truncated_share"}
    expected |= {"gen_tok/s", "time/generate", "time/verify", "time/train", "loss"}
    assert expected <= set(rows[0])


def test_resume_after_a_kill_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    whole = toy_config(tmp_path / "whole", steps=4, checkpoint_every=2)
    train(whole)
    broken = toy_config(tmp_path / "broken", steps=4, checkpoint_every=2)
    trainer = GRPOTrainer(broken, console=False)
    original = trainer.train_step

    def killed_at_step_three(step: int) -> dict:
        if step == 3:
            raise KeyboardInterrupt("simulated kill -9 after the step-2 checkpoint")
        return original(step)

    trainer.train_step = killed_at_step_three
    with pytest.raises(KeyboardInterrupt):
        trainer.train()
    trainer.close()
    assert [p.name for p in list_checkpoints(tmp_path / "broken")] == ["step-2"]
    with pytest.raises(ValueError, match="--resume"):
        GRPOTrainer(broken, console=False)
    resumed = GRPOTrainer(broken, resume=True, console=False)
    resumed.train()
    resumed.close()

    def final_weights(directory: Path) -> dict:
        from safetensors.torch import load_file

        return load_file(directory / "model" / "model.safetensors")

    a, b = final_weights(tmp_path / "whole"), final_weights(tmp_path / "broken")
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name
    rows = read_metrics(tmp_path / "broken" / "metrics.jsonl")
    assert [r["step"] for r in rows if r["kind"] == "train"] == [1, 2, 3, 4]  # no duplicates
    rewards = [
        [r["reward"] for r in read_metrics(d / "metrics.jsonl") if r["kind"] == "train"]
        for d in (tmp_path / "whole", tmp_path / "broken")
    ]
    assert rewards[0] == rewards[1]


def test_resume_refuses_a_changed_config(tmp_path: Path) -> None:
    train(toy_config(tmp_path, steps=2, checkpoint_every=1))
    changed = toy_config(tmp_path, steps=2, checkpoint_every=1, learning_rate=0.5)
    with pytest.raises(ValueError, match="different config"):
        GRPOTrainer(changed, resume=True, console=False).train()


def test_non_finite_loss_stops_with_a_clear_message(tmp_path: Path, monkeypatch) -> None:
    import rlvr.trainers.grpo as grpo

    def poisoned(*args, **kwargs):
        loss, stats = real_loss(*args, **kwargs)
        return loss * float("nan"), stats

    real_loss = grpo.grpo_loss
    monkeypatch.setattr(grpo, "grpo_loss", poisoned)
    trainer = GRPOTrainer(toy_config(tmp_path, steps=3), console=False)
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    with pytest.raises(TrainingDiverged, match="non-finite loss"):
        trainer.train()
    after = trainer.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # not updated
    trainer.close()


def test_loss_spike_guard(tmp_path: Path) -> None:
    trainer = GRPOTrainer(toy_config(tmp_path), console=False)
    trainer.state["loss_history"] = [0.02] * 10
    params = [p for p in trainer.model.parameters() if p.requires_grad]
    for p in params:
        p.grad = torch.zeros_like(p)
    with pytest.raises(TrainingDiverged, match="loss spike"):
        trainer._clip_and_check(5.0, advantage_scale=0.3)
    assert trainer._clip_and_check(0.05) == 0.0  # a normal loss passes
    # a step whose groups carry signal after quiet ones: large next to the history, not next
    # to its own advantages
    assert trainer._clip_and_check(0.9, advantage_scale=0.5) == 0.0
    trainer.close()


def test_zero_variance_groups_are_reported_and_filtered(tmp_path: Path) -> None:
    """An untrained model rarely starts with a digit: most groups score all zero."""
    trainer = GRPOTrainer(
        toy_config(tmp_path, filter_zero_variance=True, learning_rate=1e-9), console=False
    )
    trainer._prepare_optimisation(0)
    metrics = trainer.train_step(1)
    groups = 4
    kept = groups - round(metrics["zero_var_share"] * groups)
    assert metrics["sequences"] == kept * 4
    trainer.close()


def test_lora_trains_adapters_only_against_the_disabled_adapter_reference(tmp_path: Path) -> None:
    pytest.importorskip("peft")
    config = toy_config(
        tmp_path,
        steps=4,
        beta=0.1,
        learning_rate=0.05,
        lora={"r": 4, "alpha": 8, "target_modules": ["q_proj", "v_proj"]},
    )
    trainer = GRPOTrainer(config, console=False)
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    summary = trainer.train()
    after = trainer.model.state_dict()
    trainer.close()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all("lora_" in name for name in changed)
    rows = [r for r in read_metrics(tmp_path / "metrics.jsonl") if r["kind"] == "train"]
    assert rows[0]["kl"] == 0.0 < rows[-1]["kl"]  # the reference is the base model
    assert (tmp_path / "model" / "adapter" / "adapter_config.json").is_file()
    assert summary["eval_after"] is not None


def test_a_warm_up_whose_answers_do_not_fit_is_refused(tmp_path: Path) -> None:
    trainer = GRPOTrainer(
        toy_config(tmp_path, env="math/arithmetic-v0", eval_suite=None, sft_steps=2),
        console=False,
    )
    with pytest.raises(ValueError, match="raise max_new_tokens"):
        trainer.train()
    trainer.close()


def test_warnings_are_said_once(tmp_path: Path) -> None:
    trainer = GRPOTrainer(toy_config(tmp_path, mask_truncated=True), console=False)
    cut = {"truncated_share": 1.0, "zero_var_share": 0.5, "reward": 0.2}
    first = trainer._warnings(cut)
    assert len(first) == 1 and "nothing is learned" in first[0]
    assert trainer._warnings(cut) == []
    assert "scored 0" in trainer._warnings({"zero_var_share": 1.0, "reward": 0.0})[0]
    trainer.close()


def test_one_update_of_the_tiny_model_follows_the_advantages(tmp_path: Path) -> None:
    """Through the real training pass (shared prompt, AdamW): the positive completion's
    log-prob rises, the negative one's falls."""
    from rlvr.trainers.logprobs import token_logprobs
    from rlvr.trainers.sequences import TrainingSequence, collate

    trainer = GRPOTrainer(toy_config(tmp_path, learning_rate=0.01), console=False)
    trainer._prepare_optimisation(0)
    prompt = tuple(trainer.tokenizer("user: Say a digit\nassistant:")["input_ids"])
    good, bad = (tuple(trainer.tokenizer(t)["input_ids"]) for t in ("7", "x"))
    sequences = [TrainingSequence(prompt, good, 1.0, 0), TrainingSequence(prompt, bad, -1.0, 1)]

    def completion_logprobs() -> list[float]:
        batch = collate(sequences, trainer.pad_id)
        with torch.no_grad():
            logprobs, _ = token_logprobs(trainer.model, batch.input_ids, batch.attention_mask)
        return (logprobs * batch.loss_mask).sum(dim=1).tolist()

    before = completion_logprobs()
    stats = trainer._learn(sequences)
    after = completion_logprobs()
    trainer.close()
    assert after[0] > before[0] and after[1] < before[1]
    assert stats["grad_norm"] > 0


def test_kl_to_a_frozen_copy_is_refused_under_several_processes(
    tmp_path: Path, monkeypatch
) -> None:
    import rlvr.trainers.grpo as grpo
    from rlvr.trainers.distributed import DistributedContext

    two = DistributedContext(rank=0, world_size=2, local_rank=0, device=torch.device("cpu"))
    monkeypatch.setattr(grpo.distributed, "init_distributed", lambda: two)
    with pytest.raises(ValueError, match="beta: 0, or train LoRA"):
        GRPOTrainer(toy_config(tmp_path, beta=0.1), console=False)
