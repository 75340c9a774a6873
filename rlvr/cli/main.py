"""Entry point of the ``rlvr`` command: parses arguments and turns known errors into messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import yaml

from rlvr import __version__
from rlvr.cli.scaffold import add_new_env_parser
from rlvr.cli.train import add_train_parser
from rlvr.cli.worker import add_worker_parser


def parse_kwargs(pairs: Sequence[str], what: str = "environment kwargs") -> dict[str, Any]:
    """``["difficulty=3", "split=test"]`` -> ``{"difficulty": 3, "split": "test"}``."""
    kwargs: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{what} look like KEY=VALUE, got {pair!r}")
        kwargs[key.strip()] = yaml.safe_load(value) if value.strip() else ""
    return kwargs


def _env_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env_id", metavar="ID", help="environment id, e.g. math/arithmetic-v0")
    parser.add_argument(
        "-k",
        "--kwarg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment keyword argument (repeatable), e.g. -k difficulty=3",
    )
    parser.add_argument("--difficulty", type=int, help="shorthand for -k difficulty=N")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rlvr", description="An RL gym for verifiable reasoning.")
    parser.add_argument("--version", action="version", version=f"rlvr {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list registered environments")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--domain", help="only this domain (math, code, logic, ...)")

    p = sub.add_parser("show", help="describe an environment, with a sample task")
    _env_args(p)

    p = sub.add_parser("sample", help="print tasks of an environment")
    _env_args(p)
    p.add_argument("-n", type=int, default=5, help="number of tasks (default 5)")
    p.add_argument("--seed", type=int, default=0, help="reset seed of the first task (default 0)")
    p.add_argument("--json", action="store_true", help="print one task as JSON a line")

    p = sub.add_parser("check", help="validate an environment against the rlvr contract")
    _env_args(p)
    p.add_argument("-n", type=int, default=20, help="tasks per check (default 20)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = sub.add_parser("suites", help="list suites, or show one")
    p.add_argument("name", nargs="?", help="a suite name or YAML path")

    p = sub.add_parser("eval", help="benchmark a policy on an environment or a suite")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--env", metavar="ID", help="one environment id")
    target.add_argument("--suite", metavar="NAME", help="a suite name or YAML path")
    p.add_argument(
        "--policy",
        required=True,
        help="oracle, empty, replay:PATH, openai:URL#MODEL, hf:PATH (a model directory, a .gguf "
        "file or smollm2) or vllm:PATH",
    )
    p.add_argument(
        "-o",
        "--policy-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="option of the policy (repeatable; values parsed as YAML), e.g. -o device=cuda:1 "
        "-o batch_size=16 for hf:, -o max_concurrency=64 for openai:",
    )
    p.add_argument("--samples", type=int, default=1, help="samples per task (default 1)")
    p.add_argument("--limit", type=int, default=50, help="tasks per environment (default 50)")
    p.add_argument("--out", required=True, metavar="DIR", help="results.jsonl and summary.json")
    p.add_argument(
        "--max-tokens",
        default="512",
        metavar="N[,N...]",
        help="tokens per completion (default 512); several (256,512,1024) sweep the budget",
    )
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--top-p", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=None, help="sampling seed, where supported")
    p.add_argument("--batch-size", type=int, default=32, help="episodes played at once")
    p.add_argument(
        "-k",
        "--kwarg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment option for --env (repeatable; values parsed as YAML)",
    )
    p.add_argument("--difficulty", type=int, help="shorthand for -k difficulty=N")
    p.add_argument(
        "--baseline",
        metavar="DIR",
        help="an earlier eval --out directory: a judge compares each episode with it (win-rate)",
    )
    p.add_argument(
        "--judge",
        metavar="SPEC",
        help="the judge for --baseline: a policy spec (hf:PATH, openai:URL#MODEL, ...) or "
        "module:attr (a factory of a policy)",
    )
    p.add_argument(
        "--judge-no-swap",
        action="store_true",
        help="ask the judge once per pair instead of in both orders (faster, position-biased)",
    )
    p.add_argument(
        "--monitor-verifier",
        metavar="NAME",
        help="judge the run's answers again with this registered verifier (e.g. math): its "
        "scores and the gap go into summary.json under monitor",
    )

    p = sub.add_parser("compare", help="table two eval runs side by side (B - A)")
    p.add_argument("dir_a", metavar="DIR_A", help="an rlvr eval --out directory (the base)")
    p.add_argument("dir_b", metavar="DIR_B", help="another one (e.g. after training)")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")

    add_train_parser(sub)
    add_worker_parser(sub)
    add_new_env_parser(sub)

    p = sub.add_parser("export", help="write an eval run's records as a Parquet dataset")
    p.add_argument("dir", metavar="DIR", help="an rlvr eval --out directory")
    p.add_argument("--dest", help="the Parquet file (default DIR/records.parquet)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 check failed, 2 bad input)."""
    from pydantic import ValidationError

    from rlvr.cli import commands
    from rlvr.errors import RlvrError

    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "kwarg"):
            args.kwargs = parse_kwargs(args.kwarg)
            if args.difficulty is not None:
                args.kwargs["difficulty"] = args.difficulty
        return getattr(commands, f"cmd_{args.command.replace('-', '_')}")(args)
    except (
        RlvrError,
        ValidationError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        FileNotFoundError,
    ) as exc:
        plain_key_error = isinstance(exc, KeyError) and not isinstance(exc, RlvrError)
        message = exc.args[0] if plain_key_error and exc.args else str(exc)
        print(f"rlvr {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
