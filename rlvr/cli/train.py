"""``rlvr train CONFIG.yaml``: a GRPO run from a documented config file (needs ``rlvr[train]``)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from rlvr.errors import DependencyNotInstalled

console = Console()


def add_train_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train a model with GRPO from a YAML config",
        description="Train a model with GRPO. CONFIG is a YAML file of rlvr.trainers.GRPOConfig "
        "fields (see docs/training.md, or --fields). Writes OUTPUT_DIR/metrics.jsonl, "
        "checkpoints/, summary.json and learning_curve.png. Multi-GPU: torchrun "
        "--nproc_per_node N -m rlvr.cli.main train CONFIG.yaml",
    )
    p.add_argument("config", metavar="CONFIG", nargs="?", help="the run's YAML config")
    p.add_argument(
        "--resume", action="store_true", help="continue from the newest checkpoint of output_dir"
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a config field (repeatable; values parsed as YAML), e.g. --set steps=10",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on the console")
    p.add_argument("--fields", action="store_true", help="list the config fields and exit")


def cmd_train(args: argparse.Namespace) -> int:
    from rlvr.cli.main import parse_kwargs

    try:
        from rlvr.trainers.config import GRPOConfig
    except ImportError as error:  # pydantic is core; torch is imported below
        raise DependencyNotInstalled(str(error)) from error
    if args.fields:
        _print_fields(GRPOConfig)
        return 0
    if not args.config:
        raise ValueError("give a config file: rlvr train CONFIG.yaml (see --fields)")
    config = GRPOConfig.from_yaml(args.config)
    overrides = parse_kwargs(args.set)
    if overrides:
        config = GRPOConfig.model_validate({**config.model_dump(exclude_unset=True), **overrides})
    try:
        from rlvr.trainers.grpo import GRPOTrainer
    except ImportError as error:
        raise DependencyNotInstalled(
            f"rlvr train needs torch and transformers ({error}): pip install 'rlvr[train]'"
        ) from error
    trainer = GRPOTrainer(config, resume=args.resume, console=not args.no_progress)
    try:
        summary = trainer.train()
    finally:
        trainer.close()
    if trainer.context.is_main:
        shown = {k: summary.get(k) for k in ("eval_before", "eval_after", "eval_gain")}
        if "eval_before_warmup" in summary:
            shown = {"eval_before_warmup": summary["eval_before_warmup"], **shown}
        console.print(json.dumps(shown, indent=2))
        console.print(f"summary: {config.output_dir}/summary.json, curve: {summary.get('curve')}")
    return 0


def _print_fields(model: type) -> None:
    from rich.table import Table

    table = Table(title="GRPOConfig fields")
    for column in ("field", "default", "description"):
        table.add_column(column)
    for name, field in model.model_fields.items():
        default = (
            "required"
            if field.is_required()
            else repr(field.get_default(call_default_factory=True))
        )
        table.add_row(name, default, field.description or "")
    console.print(table)
