"""The distributed helpers: the environment checks, the splitting maths and, for real, two gloo
processes on CPU training a sharded tiny model to the same weights as one process.

Run as a script (under ``torchrun``) this file is the worker of the two-process test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from rlvr.trainers.distributed import (  # noqa: E402
    DistributedContext,
    all_reduce_mean,
    all_reduce_sum,
    barrier,
    broadcast_object,
    close_distributed,
    decoder_layers,
    full_optimizer_state_dict,
    full_state_dict,
    init_distributed,
    load_full_optimizer_state_dict,
    load_full_state_dict,
    shard_model,
    split_for_rank,
)
from rlvr.trainers.logprobs import token_logprobs  # noqa: E402
from rlvr.trainers.loss import grpo_loss  # noqa: E402
from rlvr.trainers.tiny import build_tiny_model  # noqa: E402

TORCHRUN_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")
ROWS, WIDTH, STEPS = 8, 14, 2


def context(rank: int, world_size: int) -> DistributedContext:
    return DistributedContext(rank, world_size, 0, torch.device("cpu"))


@pytest.fixture
def clean_env(monkeypatch):
    for name in TORCHRUN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_single_process_context_from_an_empty_environment(clean_env):
    ctx = init_distributed("cpu")
    assert ctx == DistributedContext(0, 1, 0, torch.device("cpu"))
    assert ctx.is_main and not ctx.enabled
    clean_env.setenv("WORLD_SIZE", "1")
    assert init_distributed("auto").world_size == 1
    assert not torch.distributed.is_initialized()


def test_helpers_are_identities_in_one_process(clean_env):
    ctx = init_distributed("cpu")
    values = torch.tensor([1.0, 2.0])
    assert torch.equal(all_reduce_sum(values, ctx), values)
    assert all_reduce_sum(3, ctx) == 3.0 and all_reduce_mean([1, 2.5], ctx) == [1.0, 2.5]
    assert broadcast_object({"seed": 7}, ctx) == {"seed": 7}
    barrier(ctx)
    close_distributed(ctx)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WORLD_SIZE": "two"}, "WORLD_SIZE must be an integer"),
        ({"WORLD_SIZE": "0"}, "WORLD_SIZE must be >= 1"),
        ({"RANK": "0"}, "RANK is set but WORLD_SIZE is not"),
        ({"WORLD_SIZE": "1", "RANK": "1"}, "RANK=1 is outside"),
        ({"WORLD_SIZE": "2", "LOCAL_RANK": "0"}, "RANK is not set"),
        ({"WORLD_SIZE": "2", "RANK": "2", "LOCAL_RANK": "0"}, "RANK=2 is outside"),
        ({"WORLD_SIZE": "2", "RANK": "1"}, "LOCAL_RANK is not set"),
        ({"WORLD_SIZE": "2", "RANK": "0", "LOCAL_RANK": "1"}, "LOCAL_RANK=1 must be in"),
        ({"WORLD_SIZE": "2", "RANK": "1", "LOCAL_RANK": "1"}, "MASTER_ADDR is not set"),
        (
            {"WORLD_SIZE": "2", "RANK": "1", "LOCAL_RANK": "1", "MASTER_ADDR": "127.0.0.1"},
            "MASTER_PORT is not set",
        ),
        (
            {
                "WORLD_SIZE": "2",
                "RANK": "1",
                "LOCAL_RANK": "1",
                "MASTER_ADDR": "127.0.0.1",
                "MASTER_PORT": "x",
            },
            "MASTER_PORT must be an integer",
        ),
    ],
)
def test_inconsistent_environments_are_named(clean_env, env, message):
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(RuntimeError, match=message):
        init_distributed("cpu")
    assert not torch.distributed.is_initialized()


def test_bad_device_is_refused(clean_env):
    with pytest.raises(ValueError, match="device must be"):
        init_distributed("tpu")


def test_split_for_rank():
    items = list(range(12))
    shares = [split_for_rank(items, context(rank, 3)) for rank in range(3)]
    assert shares == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    assert split_for_rank(items, context(0, 1)) == items
    assert split_for_rank([], context(1, 2)) == []
    with pytest.raises(ValueError, match="10 items cannot be split evenly over 4 ranks"):
        split_for_rank(list(range(10)), context(0, 4))


def test_decoder_layers_of_the_tiny_model(tmp_path):
    model = transformers.AutoModelForCausalLM.from_pretrained(build_tiny_model(tmp_path))
    layers = decoder_layers(model.get_decoder(), model._no_split_modules)
    assert layers == list(model.model.layers)
    assert decoder_layers(model.get_decoder()) == layers  # the ModuleList fallback


# --- the same training in one process and in two -------------------------------------------


def batch() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Fixed completions (ids, policy-token mask with padding, advantages)."""
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(3, 90, (ROWS, WIDTH), generator=generator)
    lengths = torch.tensor([14, 9, 12, 5, 14, 7, 11, 14])
    mask = (torch.arange(WIDTH) < lengths.unsqueeze(1)).long()
    advantages = torch.randn(ROWS, generator=generator)
    return ids, mask, advantages


def load(model_dir: str) -> torch.nn.Module:
    return transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)


def train(model, optimizer, ctx: DistributedContext, steps: int) -> list[float]:
    """GRPO steps on this rank's rows. The ``constant`` aggregation divides by rows * WIDTH,
    so the mean over ranks of the loss (and FSDP averages gradients) is the full batch's."""
    ids, mask, advantages = batch()
    rows = torch.tensor(split_for_rank(list(range(ROWS)), ctx))
    ids, mask, advantages = ids[rows], mask[rows], advantages[rows]
    policy_mask = mask[:, 1:] * (torch.arange(WIDTH - 1) >= 2)  # not the 3-token "prompt"
    losses = []
    for _ in range(steps):
        with torch.no_grad():
            old, _ = token_logprobs(model, ids, mask, chunk_size=8)
        new, _ = token_logprobs(model, ids, mask, chunk_size=8)
        loss, _ = grpo_loss(
            new, old, advantages, policy_mask, aggregation="constant", max_tokens=WIDTH - 1
        )
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(all_reduce_mean(loss.item(), ctx))
    return losses


def adamw(model):
    return torch.optim.AdamW(model.parameters(), lr=1e-3)


def worker(model_dir: str, out_dir: str) -> None:
    """One rank of the two-process run: train, gather, save; then restore and check."""
    ctx = init_distributed("cpu", timeout=timedelta(seconds=60))
    try:
        assert ctx.enabled and ctx.world_size == 2
        assert init_distributed("cpu") == ctx  # the second call reuses the process group
        seed = broadcast_object(1234 if ctx.is_main else None, ctx)
        assert seed == 1234
        assert all_reduce_sum([1, ctx.rank], ctx) == [2.0, 1.0]
        assert torch.equal(all_reduce_mean(torch.tensor([ctx.rank]), ctx), torch.tensor([0.5]))
        model = shard_model(load(model_dir), ctx)
        optimizer = adamw(model)
        losses = train(model, optimizer, ctx, STEPS)
        state = full_state_dict(model, ctx)
        optim_state = full_optimizer_state_dict(model, optimizer, ctx)
        assert bool(state) == ctx.is_main and bool(optim_state) == ctx.is_main
        checkpoint = Path(out_dir) / "checkpoint.pt"
        if ctx.is_main:  # what a checkpoint holds: the live "step" tensors are shared otherwise
            torch.save({"state": state, "optimizer": optim_state, "losses": losses}, checkpoint)
        barrier(ctx)
        # Restore into a fresh sharded model: one more step must match the original's.
        saved = torch.load(checkpoint) if ctx.is_main else {"state": {}, "optimizer": {}}
        restored = shard_model(load(model_dir), ctx)
        restored_optimizer = adamw(restored)
        load_full_state_dict(restored, saved["state"], ctx)
        load_full_optimizer_state_dict(restored, restored_optimizer, saved["optimizer"], ctx)
        train(model, optimizer, ctx, 1)
        train(restored, restored_optimizer, ctx, 1)
        after, restored_after = full_state_dict(model, ctx), full_state_dict(restored, ctx)
        if ctx.is_main:
            matches = all(torch.equal(after[k], restored_after[k]) for k in after)
            torch.save({"after": after, "restored_matches": matches}, Path(out_dir) / "after.pt")
        barrier(ctx)
    finally:
        close_distributed(ctx)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def torchrun(arguments: list[str], *, timeout: float) -> str:
    """Run ``torch.distributed.run`` with 2 gloo processes on CPU; its output (fails the test on
    a non-zero exit or a time-out, killing every process it started)."""
    port = free_port()
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(port),
        "TRANSFORMERS_VERBOSITY": "error",
        "HF_HUB_OFFLINE": "1",
    }
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nnodes=1",
        "--nproc_per_node=2",
        "--master_addr=127.0.0.1",
        f"--master_port={port}",
        *arguments,
    ]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: we can kill torchrun and its workers
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"the two-process run timed out:\n{output[-4000:]}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, output[-4000:]
    return output


@pytest.mark.slow
def test_two_gloo_processes_match_one_process(tmp_path, clean_env):
    model_dir = build_tiny_model(tmp_path / "model")
    torchrun([__file__, str(model_dir), str(tmp_path)], timeout=120)
    result = torch.load(tmp_path / "checkpoint.pt")

    single = init_distributed("cpu")
    initial = load(str(model_dir))
    model = load(str(model_dir))
    optimizer = adamw(model)
    losses = train(model, optimizer, single, STEPS)
    expected = full_state_dict(model, single)
    sharded = result["state"]
    assert sorted(sharded) == sorted(expected)
    for name, value in expected.items():
        assert torch.allclose(sharded[name], value, atol=1e-5), name
        assert not torch.equal(value, initial.state_dict()[name]), f"{name} did not change"
    assert result["losses"] == pytest.approx(losses, abs=1e-6)
    expected_optimizer = full_optimizer_state_dict(model, optimizer, single)
    assert sorted(result["optimizer"]["state"]) == sorted(expected_optimizer["state"])
    for name, moments in expected_optimizer["state"].items():
        for key, value in moments.items():
            assert torch.allclose(result["optimizer"]["state"][name][key], value, atol=1e-6)
    # The checkpoint resumes in one process too (optimizer state is keyed by parameter name).
    after = torch.load(tmp_path / "after.pt")
    assert after["restored_matches"]
    resumed = load(str(model_dir))
    resumed_optimizer = adamw(resumed)
    load_full_state_dict(resumed, result["state"], single)
    load_full_optimizer_state_dict(resumed, resumed_optimizer, result["optimizer"], single)
    train(resumed, resumed_optimizer, single, 1)
    for name, value in full_state_dict(resumed, single).items():
        assert torch.allclose(after["after"][name], value, atol=1e-5), name


if __name__ == "__main__":
    worker(sys.argv[1], sys.argv[2])


@pytest.mark.slow
def test_the_trainer_runs_under_torchrun_with_fsdp2(tmp_path, clean_env):
    """rlvr train on 2 gloo processes: sharded training, per-rank generation of different
    lengths (no hang), a checkpoint gathered on rank 0, the summary written once."""
    config = tmp_path / "run.yaml"
    config.write_text(
        "model: tiny\n"
        "tiny_model: {hidden_size: 32, layers: 2, heads: 2, kv_heads: 1}\n"
        "env: math/arithmetic-v0\n"
        f"output_dir: {tmp_path / 'run'}\n"
        "steps: 2\ntasks_per_step: 2\ngroup_size: 4\nmax_new_tokens: 8\n"
        "learning_rate: 0.01\nweight_decay: 0.1\neval_limit: 4\ncheckpoint_every: 2\n"
        "eval_every: 100\n"
    )
    torchrun(["-m", "rlvr.cli.main", "train", str(config), "--no-progress"], timeout=300)
    run = tmp_path / "run"
    summary = json.loads((run / "summary.json").read_text())
    assert summary["steps"] == 2 and summary["eval_after"] is not None
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if r["kind"] == "train"] == [1, 2]
    state = torch.load(run / "checkpoints" / "step-2" / "model.pt")
    initial = load(str(run / "tiny-model")).state_dict()
    assert sorted(state) == sorted(initial)
    # an untrained model's rewards are all zero: weight decay alone moves the sharded weights
    assert any(not torch.equal(state[name], initial[name]) for name in initial)
