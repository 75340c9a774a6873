"""GRPO training throughput and learning, rlvr's trainer against TRL's ``GRPOTrainer``, side by
side in one process: same tiny model, same tasks, same hyper-parameters.

Goal: >= 1.5x TRL's samples/s (completions generated, scored and learned
from per second of training wall time) at an equal or better reward after the same steps.

Shared setup: the character-level Llama of ``rlvr.trainers.tiny`` (hidden 128, 3 layers) on
``math/arithmetic-v0`` (difficulty 1), fp32 on the CPU, the same torch thread count. It is built
once and given ``--sft-steps`` of rlvr's supervised warm-up on reference answers (150, as the
quickstart; a random model never writes ``\\boxed{}``, so every reward would be 0 and neither
trainer would learn anything); both trainers start from those weights. Every step plays
``--tasks-per-step`` tasks (the draws of rlvr's :class:`~rlvr.trainers.data.TaskPlan` with seed
0; TRL gets exactly those prompts, in that order, unshuffled) ``--group-size`` times each,
rewards them with the environment's verifier, scales advantages by the group's std, and takes
one AdamW step (constant learning rate 1e-3, grad-norm clip 1, clip epsilon 0.2) with
token-level loss aggregation (TRL: ``loss_type="dapo"``), no KL term and no reference model.
TRL is sized so that one optimiser step consumes the whole generation batch once:
``per_device_train_batch_size`` = tasks x group (TRL counts completions, not prompts),
``gradient_accumulation_steps=1``, ``steps_per_generation=1`` (so ``generation_batch_size`` =
tasks x group, one ``generate`` call), ``num_iterations=1``.

Timing: TRL's is the wall time of ``trainer.train()``, everything included. rlvr's is the wall
time of ``trainer.train()`` minus its two held-out evaluations and its closing ``_finish`` (the
learning-curve plot, ``summary.json`` and the final model save), which TRL does not do inside
``train()``; the checkpoint rlvr writes at the last step stays in. Neither includes building
the model or its warm-up, and a throwaway generate + backward runs before both, so that neither
pays the process's first-call costs. Held-out reward: both saved final models, greedy, on the
same ``--eval-limit`` tasks (``task_seed=1``) through rlvr's eval harness (rlvr's own
``eval_after`` is kept in the JSON too).

    python benchmarks/grpo_vs_trl.py [--steps 20] [--tasks-per-step 16] [--group-size 8]
        [--sft-steps 150] [--max-new-tokens 32] [--learning-rate 1e-3] [--start DIR]
        [--only rlvr|trl] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import torch

ENV_ID = "math/arithmetic-v0"
ENV_KWARGS = {"difficulty": 1}
SEED = 0


def rlvr_config(args: argparse.Namespace, model_dir: Path, output_dir: Path) -> Any:
    from rlvr.trainers.config import GRPOConfig

    return GRPOConfig(
        model=str(model_dir),
        env=ENV_ID,
        env_kwargs=ENV_KWARGS,
        output_dir=str(output_dir),
        steps=args.steps,
        tasks_per_step=args.tasks_per_step,
        group_size=args.group_size,
        max_new_tokens=args.max_new_tokens,
        temperature=1.0,
        learning_rate=args.learning_rate,
        aggregation="token",
        advantage_scale="group",
        beta=0.0,
        eval_every=10**6,
        checkpoint_every=10**6,
        eval_limit=args.eval_limit,
        generation_batch_size=args.tasks_per_step * args.group_size,
        dtype="fp32",
        seed=SEED,
    )


def held_out_reward(model_dir: Path, config: Any, out_dir: Path) -> float:
    """Mean greedy reward of the model in ``model_dir`` on the held-out tasks (as rlvr's)."""
    from rlvr.policies import make_policy
    from rlvr.trainers.data import held_out_suite, training_suite
    from rlvr.trainers.evaluation import evaluate_held_out

    policy = make_policy(f"hf:{model_dir}", device="cpu", dtype="float32", batch_size=128)
    try:
        numbers = evaluate_held_out(
            policy,
            held_out_suite(config, training_suite(config)),
            out_dir,
            limit=config.eval_limit,
            max_tokens=config.max_new_tokens,
            temperature=0.0,
            seed=config.seed,
            batch_size=config.generation_batch_size,
        )
    finally:
        policy.close()
    return numbers["eval_reward"]


def supervised_start(model_dir: Path, out_dir: Path, config: Any, steps: int) -> Path:
    """The shared starting point: ``steps`` of rlvr's supervised warm-up on reference answers
    (as the quickstart does), so that GRPO starts with non-zero rewards to learn from."""
    import transformers

    from rlvr.trainers.data import training_suite
    from rlvr.trainers.sft import supervised_warmup

    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    torch.manual_seed(SEED)
    supervised_warmup(
        model,
        tokenizer,
        training_suite(config),
        steps=steps,
        batch_size=32,
        learning_rate=3e-3,
        seed=SEED,
        device=torch.device("cpu"),
    )
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def warm_up(model_dir: Path, batch: int, new_tokens: int) -> None:
    """One sampled ``generate`` and one forward/backward, so the first timed run pays no
    first-call costs the second would not."""
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": "1 + 1"}], add_generation_prompt=True, tokenize=False
    )
    ids = tokenizer([text] * batch, return_tensors="pt", add_special_tokens=False)
    with torch.no_grad():
        out = model.generate(
            **ids, max_new_tokens=new_tokens, do_sample=True, top_k=0, pad_token_id=0
        )
    model(out).logits.float().mean().backward()


def training_prompts(config: Any) -> tuple[list[dict[str, Any]], dict[int, Any]]:
    """rlvr's draws for every step, in order, as TRL dataset rows; task index -> task."""
    import rlvr
    from rlvr.trainers.data import TaskPlan, training_suite

    plan = TaskPlan(training_suite(config), config.tasks_per_step, config.seed)
    env = rlvr.make(ENV_ID, **ENV_KWARGS)
    rows, tasks = [], {}
    for step in range(1, config.steps + 1):
        for draw in plan.draws(step):
            _, info = env.reset(options={"index": draw.index})
            tasks[draw.index] = info["task"]
            rows.append({"prompt": info["messages"], "index": draw.index})
    env.close()
    return rows, tasks


def run_trl(args: argparse.Namespace, model_dir: Path, work: Path) -> dict[str, Any]:
    import transformers
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    import rlvr

    config = rlvr_config(args, model_dir, work / "unused")
    rows, tasks = training_prompts(config)
    verifier = rlvr.make(ENV_ID, **ENV_KWARGS).unwrapped.verifier

    def verifier_reward(
        prompts: list[Any], completions: list[Any], index: list[int], **_: Any
    ) -> list[float]:
        texts = [c[-1]["content"] if isinstance(c, list) else c for c in completions]
        return [verifier.check(tasks[i], text).reward for i, text in zip(index, texts, strict=True)]

    batch = args.tasks_per_step * args.group_size
    trl_args = GRPOConfig(
        output_dir=str(work / "trl"),
        # one optimiser step = one generation batch = tasks x group completions, used once
        per_device_train_batch_size=batch,
        gradient_accumulation_steps=1,
        steps_per_generation=1,
        num_generations=args.group_size,
        num_iterations=1,
        max_steps=args.steps,
        shuffle_dataset=False,
        # sampling
        max_completion_length=args.max_new_tokens,
        temperature=1.0,
        top_p=1.0,
        top_k=0,
        # algorithm
        beta=0.0,
        epsilon=0.2,
        loss_type="dapo",
        scale_rewards="group",
        mask_truncated_completions=False,
        # optimiser (rlvr: AdamW, constant lr, no warm-up, no weight decay, clip 1.0)
        learning_rate=args.learning_rate,
        lr_scheduler_type="constant",
        warmup_steps=0,
        weight_decay=0.0,
        max_grad_norm=1.0,
        # CPU, fp32, no extras
        use_cpu=True,
        bf16=False,
        fp16=False,
        gradient_checkpointing=False,
        report_to="none",
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        dataloader_num_workers=0,
        seed=SEED,
        data_seed=SEED,
    )
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    kept: list[dict[str, float]] = []

    class KeepLogs(transformers.TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any):
            if logs and "reward" in logs:
                kept.append({"step": state.global_step, **logs})

    trainer = GRPOTrainer(
        model=model,
        reward_funcs=verifier_reward,
        args=trl_args,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        callbacks=[KeepLogs()],
    )
    trainer.remove_callback(transformers.trainer_callback.PrinterCallback)
    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    started = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - started
    steps = trainer.state.global_step
    final = work / "trl-final"
    trainer.save_model(str(final))
    tokenizer.save_pretrained(final)
    del trainer, model
    rewards = [entry["reward"] for entry in kept]
    return {
        "steps": steps,
        "completions": steps * batch,
        "seconds": seconds,
        "threads": threads,
        "train_rewards": rewards,
        "eval_after": held_out_reward(final, config, work / "trl-eval"),
        "step_time": [entry.get("step_time") for entry in kept],
    }


def run_rlvr(args: argparse.Namespace, model_dir: Path, work: Path) -> dict[str, Any]:
    from rlvr.trainers.grpo import GRPOTrainer

    output_dir = work / "rlvr"
    config = rlvr_config(args, model_dir, output_dir)
    torch.set_num_threads(args.threads)
    trainer = GRPOTrainer(config, console=False)
    excluded = {"eval": 0.0, "finish": 0.0}

    def timed(name: str, method: Any) -> Any:
        def wrapper(*a: Any, **kw: Any) -> Any:
            began = time.perf_counter()
            try:
                return method(*a, **kw)
            finally:
                excluded[name] += time.perf_counter() - began

        return wrapper

    trainer._evaluate = timed("eval", trainer._evaluate)  # type: ignore[method-assign]
    trainer._finish = timed("finish", trainer._finish)  # type: ignore[method-assign]
    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    try:
        started = time.perf_counter()
        summary = trainer.train()
        total = time.perf_counter() - started
    finally:
        trainer.close()
    rows = [
        json.loads(line)
        for line in (output_dir / "metrics.jsonl").read_text().splitlines()
        if line.strip()
    ]
    train = [r for r in rows if r.get("kind") == "train"]
    completions = len(train) * args.tasks_per_step * args.group_size
    step_seconds = sum(
        args.tasks_per_step * args.group_size / r["samples/s"] for r in train if r.get("samples/s")
    )
    return {
        "steps": len(train),
        "completions": completions,
        "seconds": total - excluded["eval"] - excluded["finish"],
        "seconds_in_steps": step_seconds,
        "seconds_excluded": excluded,
        "threads": threads,
        "train_rewards": [r["reward"] for r in train],
        "eval_before_trainer": summary.get("eval_before"),
        "eval_after_trainer": summary.get("eval_after"),
        "eval_after": held_out_reward(output_dir / "model", config, work / "rlvr-eval"),
        "time/generate": sum(r.get("time/generate", 0.0) for r in train),
        "time/verify": sum(r.get("time/verify", 0.0) for r in train),
        "time/train": sum(r.get("time/train", 0.0) for r in train),
    }


def starting_model(args: argparse.Namespace, work: Path, results: dict[str, Any]) -> Path:
    """The tiny model after the shared warm-up; kept in (or reused from) ``--start DIR``."""
    from rlvr.trainers.tiny import build_tiny_model

    if args.start and (Path(args.start) / "config.json").exists():
        results["start"] = f"reused {args.start}"
        return Path(args.start)
    model_dir = build_tiny_model(
        work / "tiny",
        hidden_size=128,
        layers=3,
        heads=4,
        kv_heads=2,
        max_positions=320,
        seed=SEED,
    )
    target = Path(args.start) if args.start else work / "start"
    if not args.sft_steps:
        if not args.start:
            return model_dir
        shutil.copytree(model_dir, target, dirs_exist_ok=True)
        return target
    started = time.perf_counter()
    config = rlvr_config(args, model_dir, work / "unused")
    supervised_start(model_dir, target, config, args.sft_steps)
    results["sft_seconds"] = time.perf_counter() - started
    return target


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--tasks-per-step", type=int, default=16)
    parser.add_argument("--group-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument(
        "--sft-steps", type=int, default=150, help="shared supervised warm-up (0: random init)"
    )
    parser.add_argument(
        "--start",
        metavar="DIR",
        help="keep the warmed-up starting model in DIR, or reuse it when DIR already holds one",
    )
    parser.add_argument("--eval-limit", type=int, default=64, help="held-out tasks")
    parser.add_argument("--last", type=int, default=5, help="steps in the mean train reward")
    parser.add_argument("--threads", type=int, default=2, help="torch threads, both runs")
    parser.add_argument("--only", choices=["rlvr", "trl"], help="run one side only")
    parser.add_argument("--json", metavar="OUT", help="also write the results to OUT")
    args = parser.parse_args()

    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad")
    torch.set_num_threads(args.threads)
    results: dict[str, Any] = {"config": vars(args)}
    with tempfile.TemporaryDirectory(prefix="grpo-vs-trl-") as tmp:
        work = Path(tmp)
        model_dir = starting_model(args, work, results)
        warm_up(model_dir, args.tasks_per_step * args.group_size, args.max_new_tokens)
        config = rlvr_config(args, model_dir, work / "unused")
        results["eval_before"] = held_out_reward(model_dir, config, work / "eval-before")
        sides = [args.only] if args.only else ["trl", "rlvr"]
        for side in sides:
            torch.manual_seed(SEED)
            run = run_rlvr if side == "rlvr" else run_trl
            results[side] = run(args, model_dir, work)
            results[side]["samples/s"] = results[side]["completions"] / results[side]["seconds"]
            results[side]["train_reward_last"] = _mean(results[side]["train_rewards"][-args.last :])

    print(
        f"tiny Llama (hidden 128, 3 layers), {ENV_ID} {ENV_KWARGS}, {args.steps} steps x "
        f"{args.tasks_per_step} tasks x {args.group_size} samples, {args.threads} threads, "
        f"start: {results.get('start', f'{args.sft_steps} SFT steps')}; "
        f"held-out reward at start: {results['eval_before']:.3f}"
    )
    print(
        f"{'trainer':>7s} {'steps':>5s} {'seconds':>8s} {'samples/s':>9s} "
        f"{'train reward (last ' + str(args.last) + ')':>24s} {'held-out after':>14s}"
    )
    for side in ("rlvr", "trl"):
        if side in results:
            r = results[side]
            print(
                f"{side:>7s} {r['steps']:5d} {r['seconds']:8.1f} {r['samples/s']:9.1f} "
                f"{r['train_reward_last']:24.3f} {r['eval_after']:14.3f}"
            )
    if "rlvr" in results:
        r = results["rlvr"]
        print(
            f"rlvr seconds: generate {r['time/generate']:.1f}, verify {r['time/verify']:.1f}, "
            f"train {r['time/train']:.1f}, other {r['seconds'] - r['seconds_in_steps']:.1f}"
        )
    if "rlvr" in results and "trl" in results:
        ratio = results["rlvr"]["samples/s"] / results["trl"]["samples/s"]
        results["ratio"] = ratio
        print(f"rlvr/TRL samples/s: {ratio:.2f}x (goal >= 1.5x)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
