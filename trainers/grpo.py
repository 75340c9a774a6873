"""The GRPO trainer: generate, verify, learn, on one GPU, several (torchrun + FSDP2) or a CPU.

One step (see ``docs/training.md``):

1. draw ``tasks_per_step`` tasks (:class:`~rlvr.trainers.data.TaskPlan`) and play ``group_size``
   episodes of each with the model being trained, through the rollout engine;
2. score them with the environments' verifiers and compute group-relative advantages;
   optionally drop the groups whose rewards are all equal;
3. ``epochs_per_batch`` optimiser steps on the batch (each over ``gradient_accumulation``
   micro-batches), against the log-probabilities stored before the first one;
4. metrics, checkpoint and held-out evaluation on their schedules.

The run stops with :class:`TrainingDiverged` (and keeps its last checkpoint) on a non-finite
loss or gradient, or a loss spike. ``summary.json`` holds ``eval_before`` and ``eval_after``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from pathlib import Path
from typing import Any

import torch

from rlvr.evals.engine import RolloutEngine
from rlvr.policies.base import SamplingParams
from rlvr.trainers import distributed
from rlvr.trainers.checkpoint import (
    CHECKPOINTS,
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from rlvr.trainers.config import GRPOConfig
from rlvr.trainers.data import TaskPlan, held_out_suite, training_suite
from rlvr.trainers.evaluation import HeldOutEvaluator
from rlvr.trainers.guards import TrainingDiverged, check_update, step_warnings
from rlvr.trainers.loss import grpo_loss
from rlvr.trainers.metrics import SilentLogger, reduce_metrics
from rlvr.trainers.model import (
    autocast,
    generation_copy,
    load_model,
    mixed_precision,
    model_location,
    reference_model,
    sync_weights,
    trainable_parameters,
)
from rlvr.trainers.rollouts import play_step
from rlvr.trainers.schedule import learning_rate_factor
from rlvr.trainers.sequences import TrainingSequence
from rlvr.trainers.sft import check_reference_lengths, supervised_warmup
from rlvr.trainers.units import Unit, make_units

__all__ = ["GRPOTrainer", "TrainingDiverged"]

SUMMARY = "summary.json"
CURVE = "learning_curve.png"
BEST = "best"


class GRPOTrainer:
    """Trains ``config.model`` with GRPO. ``resume=True`` continues from the newest checkpoint
    of ``config.output_dir``; otherwise that directory must hold no checkpoint."""

    def __init__(self, config: GRPOConfig, *, resume: bool = False, console: bool = True) -> None:
        self.config = config
        self.resume = resume
        self.console = console
        self.output_dir = Path(config.output_dir)
        self.context = distributed.init_distributed()
        if self.context.enabled and config.beta > 0 and config.lora is None:
            raise ValueError(
                "a KL term against a frozen copy of the model is not supported under torchrun "
                "(FSDP2): set beta: 0, or train LoRA adapters (the reference is then the base "
                "model with adapters disabled)"
            )
        if self.context.enabled and config.rollouts == "remote":
            raise ValueError("rollouts: remote is for one training process, not under torchrun")
        self.device = self.context.device
        if not resume and latest_checkpoint(self.output_dir) is not None:
            raise ValueError(
                f"{self.output_dir} already holds checkpoints of a run: resume it (--resume) or "
                "choose another output_dir"
            )
        torch.manual_seed(config.seed)
        if self.context.is_main:
            model_location(config)  # builds the tiny model, once for every process
        distributed.barrier(self.context)
        self.model, self.tokenizer = load_model(config, self.device)
        self.mixed = mixed_precision(config, self.device) and not self.context.enabled
        self._generation_model: Any = None
        self._resumed: dict[str, Any] | None = None  # a loaded checkpoint, until applied
        self.pad_id = self.tokenizer.pad_token_id
        if self.pad_id is None:
            self.pad_id = self.tokenizer.eos_token_id or 0
        self.suite = training_suite(config)
        self.held_out = held_out_suite(config, self.suite)
        self.plan = TaskPlan(self.suite, config.tasks_per_step, config.seed)
        self.reference: Any = None
        self.optimizer: torch.optim.Optimizer | None = None
        self.scheduler: Any = None
        self.state: dict[str, Any] = {"loss_history": [], "eval": []}
        self._policy: Any = None
        self._engine: RolloutEngine | None = None
        self._remote: Any = None  # RemoteExperience when rollouts come from workers
        self.evaluator = HeldOutEvaluator(config, self.held_out)
        self.monitor = self.evaluator.monitor

    # -- the run --------------------------------------------------------------------------------

    def train(self) -> dict[str, Any]:
        """Run to ``config.steps``; returns (and writes) the summary."""
        from rlvr.trainers.metrics import MetricsLogger

        config = self.config
        self.output_dir.mkdir(parents=True, exist_ok=True)
        start_step = self._restore() if self.resume else 0
        if start_step == 0:
            self._write_config()
            self._warm_up_and_measure()
        self._prepare_optimisation(start_step)
        if config.rollouts == "remote":
            self._serve_workers(start_step)
        logger: Any = SilentLogger()
        if self.context.is_main:
            logger = MetricsLogger(
                self.output_dir,
                total_steps=config.steps,
                tensorboard=config.tensorboard,
                console=self.console,
                resume_step=start_step,
            )
        started = time.perf_counter()
        workers = self._remote.stop_workers_at_exit() if self._remote else contextlib.nullcontext()
        with logger, workers:
            if start_step:
                logger.message(f"resumed from step {start_step}")
            else:
                logger.log_eval(0, self.state["eval_before"])
            for step in range(start_step + 1, config.steps + 1):
                metrics = self.train_step(step)
                self.monitor.observe_step(metrics["reward"])
                logger.log(step, metrics)
                for warning in self._warnings(metrics):
                    logger.message(warning)
                if step % config.eval_every == 0 and step != config.steps:
                    logger.log_eval(step, self._evaluate(f"step-{step}", step))
                    self._report_eval_warnings(logger)
                if step % config.checkpoint_every == 0 or step == config.steps:
                    self.save(step)
            after = self._evaluate("after", config.steps)
            logger.log_eval(config.steps, after)
            self._report_eval_warnings(logger)
        return self._finish(after, time.perf_counter() - started)

    def train_step(self, step: int) -> dict[str, Any]:
        """Play, score and learn from one batch of tasks; the step's metrics."""
        config = self.config
        draws = distributed.split_for_rank(self.plan.draws(step), self.context)
        began = time.perf_counter()
        self.model.eval()
        torch.manual_seed((config.seed * 1_000_003 + step) % 2**63)  # resumed runs sample alike
        if self._remote is not None:
            experience = self._remote.collect(version=step - 1)
        else:
            experience = play_step(
                self._rollout_engine(),
                draws,
                config.group_size,
                scale=config.advantage_scale,
                # under FSDP every process must run as many passes as the others: groups whose
                # advantages are all zero stay (they add no gradient, only normalisation)
                filter_zero_variance=config.filter_zero_variance and not self.context.enabled,
            )
        learn_began = time.perf_counter()
        stats = self._learn(experience.sequences) if experience.sequences else {}
        learned = time.perf_counter()
        metrics = experience.metrics(config.format_weight)
        metrics.update(stats)
        if self._remote is not None:
            self._publish(step)
            metrics.update(self._remote.metrics())
            metrics["time/wait"] = experience.seconds["wait"]
        generated = sum(g.completion_tokens or 0 for turns in experience.generations for g in turns)
        trained = sum(s.length for s in experience.sequences)
        metrics.update(
            {
                "time/generate": experience.seconds["generate"],
                "time/verify": experience.seconds["verify"],
                "time/train": learned - learn_began,
                "train_tok/s": trained / max(learned - learn_began, 1e-9) if trained else 0.0,
                "samples/s": len(experience.records) / max(learned - began, 1e-9),
                "lr": self.scheduler.get_last_lr()[0] if self.scheduler is not None else 0.0,
                "sequences": len(experience.sequences),
            }
        )
        if experience.seconds["generate"] > 0:  # remote rollouts: generated elsewhere
            metrics["gen_tok/s"] = generated / experience.seconds["generate"]
        return reduce_metrics(metrics, self.context)

    # -- learning -------------------------------------------------------------------------------

    def _learn(self, sequences: list[TrainingSequence]) -> dict[str, float]:
        """``epochs_per_batch`` optimiser steps on ``sequences``; loss statistics."""
        config = self.config
        assert self.optimizer is not None
        units = make_units(
            sequences,
            pad_id=self.pad_id,
            group_size=config.group_size,
            accumulation=config.gradient_accumulation,
            mask_truncated=config.mask_truncated,
            share_prompts=self._share_prompts(),
        )
        total_rows = sum(len(unit.advantages) for unit in units)
        total_tokens = max(sum(float(unit.mask.sum()) for unit in units), 1.0)
        old = None
        if config.epochs_per_batch > 1:
            with torch.no_grad():
                old = [self._unit_logprobs(unit, self.model)[0] for unit in units]
        refs = self._reference_logprobs(units) if config.beta > 0 else None
        self.model.train()
        totals: dict[str, float] = {}
        for _epoch in range(config.epochs_per_batch):
            sums = {"loss": 0.0, "clip_fraction": 0.0, "kl": 0.0, "entropy": 0.0}
            for index, unit in enumerate(units):
                logprobs, entropy = self._unit_logprobs(unit, self.model, with_entropy=True)
                mask = unit.mask.to(logprobs.device)
                loss, stats = grpo_loss(
                    logprobs,
                    old[index] if old is not None else logprobs.detach(),
                    unit.advantages.to(logprobs.device),
                    mask,
                    eps_low=config.eps_low,
                    eps_high=config.eps_high,
                    aggregation=config.aggregation,
                    ref_logprobs=refs[index] if refs is not None else None,
                    beta=config.beta,
                    max_tokens=config.max_new_tokens,
                )
                tokens = float(mask.sum())
                share = (
                    tokens / total_tokens
                    if config.aggregation == "token"
                    else len(unit.advantages) / total_rows
                )
                (loss * share).backward()
                sums["loss"] += loss.item() * share
                sums["clip_fraction"] += stats.clip_fraction * tokens / total_tokens
                sums["kl"] += stats.kl * tokens / total_tokens
                assert entropy is not None
                sums["entropy"] += float((entropy.detach() * mask).sum()) / total_tokens
            scale = float(sum(u.advantages.abs().sum() for u in units)) / max(total_rows, 1)
            grad_norm = self._clip_and_check(sums["loss"], scale)
            self.optimizer.step()
            self.scheduler.step()
            self.optimizer.zero_grad(set_to_none=True)
            self._sync_generation()
            totals = {**sums, "grad_norm": grad_norm}
        self.model.eval()
        self.state["loss_history"] = [*self.state["loss_history"], totals["loss"]][-100:]
        return totals

    def _share_prompts(self) -> bool:
        """Run each group's prompt once: not under gradient checkpointing (no cache there), nor
        under several processes (FSDP needs the same passes on every process)."""
        config = self.config
        return (
            config.share_prompts
            and not config.gradient_checkpointing
            and not (self.context.enabled)
        )

    def _unit_logprobs(
        self, unit: Unit, model: Any, *, with_entropy: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        with autocast(self.mixed):
            return unit.logprobs(model, self.config.logprob_chunk, with_entropy)

    def _reference_logprobs(self, units: list[Unit]) -> list[torch.Tensor]:
        """Log-probs under the frozen reference: a copy, or the base with adapters disabled."""
        if self.reference is not None:
            model, switch = self.reference, contextlib.nullcontext()
        else:
            model, switch = self.model, self.model.disable_adapter()
        with torch.no_grad(), switch:
            return [self._unit_logprobs(unit, model)[0] for unit in units]

    def _clip_and_check(self, loss: float, advantage_scale: float = 0.0) -> float:
        """Clip gradients and stop before a bad update (:func:`check_update`)."""
        return check_update(
            trainable_parameters(self.model),
            loss,
            history=self.state["loss_history"],
            max_grad_norm=self.config.max_grad_norm,
            spike_factor=self.config.loss_spike_factor,
            advantage_scale=advantage_scale,
        )

    # -- setup ----------------------------------------------------------------------------------

    def _warm_up_and_measure(self) -> None:
        """Optional supervised warm-up, then the held-out evaluation before GRPO."""
        config = self.config
        if config.sft_steps:
            check_reference_lengths(self.suite, self.tokenizer, config.max_new_tokens, config.seed)
            self.state["eval_before_warmup"] = self._evaluate("before-warmup", 0)
            losses = supervised_warmup(
                self.model,
                self.tokenizer,
                self.suite,
                steps=config.sft_steps,
                batch_size=config.sft_batch_size,
                learning_rate=config.sft_learning_rate,
                seed=config.seed,
                device=self.device,
                chunk_size=config.logprob_chunk,
                mixed=self.mixed,
                on_step=self._warmup_progress(),
            )
            self._sync_generation()
            self.state["warmup_loss"] = {"first": losses[0], "last": losses[-1]}
        self.state["eval_before"] = self._evaluate("before", 0)

    def _warnings(self, metrics: dict[str, Any]) -> list[str]:
        """Warnings about a step, each said once per run."""
        return step_warnings(
            metrics,
            max_new_tokens=self.config.max_new_tokens,
            mask_truncated=self.config.mask_truncated,
            said=self.state.setdefault("warned", []),
        )

    def _warmup_progress(self) -> Any:
        """A console line per 10% of the warm-up (main process, console on)."""
        if not (self.console and self.context.is_main):
            return None
        from rich.console import Console

        console, total = Console(stderr=True), self.config.sft_steps
        every = max(1, total // 10)

        def report(step: int, loss: float) -> None:
            if step % every == 0 or step == total:
                console.print(f"warm-up {step}/{total}: loss {loss:.4f}")

        return report

    def _prepare_optimisation(self, start_step: int) -> None:
        config = self.config
        if self._needs_generation_copy() and self._generation_model is None:
            self._generation_model = generation_copy(self.model, bf16=self.mixed)
        self.model = distributed.shard_model(self.model, self.context)
        if start_step == 0:
            self.reference = reference_model(self.model, config)
        self.optimizer = torch.optim.AdamW(
            trainable_parameters(self.model),
            lr=config.learning_rate,
            weight_decay=config.weight_decay,
        )
        total = config.steps * config.epochs_per_batch
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            functools.partial(
                learning_rate_factor,
                warmup=config.warmup_steps,
                total=total,
                schedule=config.lr_schedule,
            ),
        )
        if self._resumed is not None:
            distributed.load_full_optimizer_state_dict(
                self.model, self.optimizer, self._resumed["optimizer"], self.context
            )
            self.scheduler.load_state_dict(self._resumed["scheduler"])
            from rlvr.trainers.checkpoint import set_rng_state

            set_rng_state(self._resumed["rng"])
            self._resumed = None

    def _restore(self) -> int:
        """Load the newest checkpoint; the step it was taken at."""
        path = latest_checkpoint(self.output_dir)
        if path is None:
            raise ValueError(f"--resume: {self.output_dir} holds no complete checkpoint")
        loaded = load_checkpoint(path)
        saved = loaded["state"]
        if saved.get("config") != self.config.model_dump(mode="json"):
            raise ValueError(
                f"--resume: {path} was written under a different config; resume with the same "
                "config file (or start a new output_dir)"
            )
        self.model.load_state_dict(loaded["model"])
        self.state = {k: v for k, v in saved.items() if k not in ("step", "config", "monitor")}
        self.monitor.restore(saved.get("monitor", {}))
        if self.config.beta > 0 and self.config.lora is None:
            self.reference = self._load_reference(path)
        self._resumed = loaded
        return int(saved["step"])

    def _load_reference(self, path: Path) -> Any:
        reference = reference_model(self.model, self.config)
        reference.load_state_dict(torch.load(path.parent / "reference.pt", weights_only=True))
        return reference

    # -- rollout workers (rollouts: remote) -------------------------------------------------------

    def _serve_workers(self, version: int) -> None:
        """Read workers' records from where the run stopped; publish the current weights."""
        from rlvr.trainers.remote import RemoteExperience

        self._remote = RemoteExperience.for_run(
            self.config, self.plan.env_factories(), self.tokenizer, self.state.get("remote_inbox")
        )
        self._publish(version)

    def _publish(self, version: int) -> None:
        self.state["remote_inbox"] = self._remote.publish(version, self.model)

    # -- generation, evaluation, output ---------------------------------------------------------

    def _needs_generation_copy(self) -> bool:
        """Sample from a separate copy: bf16 under mixed precision, and always under FSDP (each
        rank then generates as long as its own episodes need, with no collective)."""
        return self.mixed or self.context.enabled

    def _sync_generation(self) -> None:
        """Bring the sampling copy (if any) up to the trained weights, in place."""
        if self._generation_model is None:
            return
        if self.context.enabled:
            state = distributed.gathered_state_dict(self.model, self.context)
            with torch.no_grad():
                self._generation_model.load_state_dict(state)
        else:
            sync_weights(self._generation_model, self.model)

    def _live_policy(self) -> Any:
        """The policy that samples from the current weights (their bf16 copy under ``auto`` on
        CUDA)."""
        if self._policy is None:
            from rlvr.policies.hf import HFPolicy

            if self._needs_generation_copy() and self._generation_model is None:
                self._generation_model = generation_copy(self.model, bf16=self.mixed)
            self._policy = HFPolicy.from_model(
                self._generation_model if self._generation_model is not None else self.model,
                self.tokenizer,
                spec=f"hf:{self.config.model}@training",
                device=str(self.device),
                batch_size=self.config.generation_batch_size,
                fast_decoding="on" if self.config.fast_decoding else "off",
            )
        return self._policy

    def _rollout_engine(self) -> RolloutEngine:
        if self._engine is None:
            config = self.config
            factories = self.plan.env_factories()
            jobs = config.tasks_per_step * config.group_size
            self._engine = RolloutEngine(
                lambda key: factories[key](),
                self._live_policy(),
                SamplingParams(
                    max_tokens=config.max_new_tokens,
                    temperature=config.temperature,
                    top_p=config.top_p,
                ),
                batch_size=jobs,
            )
        return self._engine

    def _evaluate(self, name: str, step: int) -> dict[str, float]:
        """Held-out evaluation (main process); the logged numbers, kept in the run state."""
        config = self.config
        results: dict[str, float] = {}
        self.model.eval()
        if self.context.is_main:  # the others wait in broadcast_object
            results = self.evaluator.run(self._live_policy(), name, step)
        results = distributed.broadcast_object(results, self.context)
        self.state["eval"] = [*self.state["eval"], {"step": step, "name": name, **results}]
        if config.save_best and results.get("eval_best"):
            state = distributed.full_state_dict(self.model, self.context)  # every process
            if self.context.is_main:
                self._save_model(self.output_dir / BEST, state)
                best = {"step": step, "name": name, "score": self.monitor.best.score}
                (self.output_dir / BEST / "best.json").write_text(json.dumps(best) + "\n")
        return results

    def _report_eval_warnings(self, logger: Any) -> None:
        warnings = self.evaluator.take_warnings()
        for warning in warnings:
            logger.message(warning)
        self.state["hacking_warnings"] = [*self.state.get("hacking_warnings", []), *warnings]

    def save(self, step: int) -> Path | None:
        """Write checkpoint ``step`` (every process takes part; the main one writes)."""
        assert self.optimizer is not None
        model_state = distributed.full_state_dict(self.model, self.context)
        optimizer_state = distributed.full_optimizer_state_dict(
            self.model, self.optimizer, self.context
        )
        if not self.context.is_main:
            return None
        reference_file = self.output_dir / CHECKPOINTS / "reference.pt"
        if self.reference is not None and not reference_file.exists():
            reference_file.parent.mkdir(parents=True, exist_ok=True)
            torch.save(self.reference.state_dict(), reference_file)
        return save_checkpoint(
            self.output_dir,
            step,
            model_state=model_state,
            optimizer_state=optimizer_state,
            scheduler_state=self.scheduler.state_dict(),
            trainer_state={
                "config": self.config.model_dump(mode="json"),
                **self.state,
                "monitor": self.monitor.state(),
            },
            keep=self.config.keep_checkpoints,
        )

    def _write_config(self) -> None:
        if self.context.is_main:
            text = json.dumps(self.config.model_dump(mode="json"), indent=2)
            (self.output_dir / "config.json").write_text(text + "\n")

    def _finish(self, after: dict[str, float], seconds: float) -> dict[str, Any]:
        from rlvr.trainers.curve import plot_learning_curve
        from rlvr.trainers.metrics import read_metrics

        before = self.state.get("eval_before", {})
        summary = {
            "model": self.config.model,
            "steps": self.config.steps,
            "eval_before": before.get("eval_reward"),
            "eval_after": after.get("eval_reward"),
            "eval_gain": _difference(after.get("eval_reward"), before.get("eval_reward")),
            "eval_before_detail": before,
            "eval_after_detail": after,
            "evaluations": self.state["eval"],
            "train_seconds": seconds,
        }
        if self.monitor.best is not None:
            summary["best"] = {"step": self.monitor.best.step, "score": self.monitor.best.score}
        summary["hacking_warnings"] = self.state.get("hacking_warnings", [])
        if "eval_before_warmup" in self.state:
            summary["eval_before_warmup"] = self.state["eval_before_warmup"].get("eval_reward")
            summary["warmup_loss"] = self.state.get("warmup_loss")
        final_state = distributed.full_state_dict(self.model, self.context)  # every process
        if self.context.is_main:
            metrics_file = self.output_dir / "metrics.jsonl"
            rows = read_metrics(metrics_file)
            train_rows = [r for r in rows if r.get("kind") == "train"]
            if train_rows:
                summary["train_reward_first"] = train_rows[0].get("reward")
                summary["train_reward_last"] = train_rows[-1].get("reward")
            summary["curve"] = str(
                plot_learning_curve(
                    metrics_file,
                    self.output_dir / CURVE,
                    title=f"GRPO: {self.config.model} on {self.config.env or self.config.suite}",
                )
            )
            self._save_model(self.output_dir / "model", final_state)
            text = json.dumps(summary, indent=2)
            (self.output_dir / SUMMARY).write_text(text + "\n")
        distributed.barrier(self.context)
        return summary

    def _save_model(self, target: Path, state: dict[str, Any]) -> None:
        """The model and tokenizer in ``target`` (loadable as ``hf:PATH``)."""
        model = self.model
        if hasattr(model, "merge_and_unload"):
            model.save_pretrained(target / "adapter")
        else:
            model.save_pretrained(target, state_dict=state)
        self.tokenizer.save_pretrained(target)

    def close(self) -> None:
        if self._policy is not None:
            self._policy = None
        distributed.close_distributed(self.context)


def _difference(after: float | None, before: float | None) -> float | None:
    if after is None or before is None:
        return None
    return after - before
