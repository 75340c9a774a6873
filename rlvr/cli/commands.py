"""The ``rlvr`` subcommands. Each takes the parsed arguments and returns an exit code."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from rlvr.check import is_interactive
from rlvr.cli.scaffold import cmd_new_env  # noqa: F401  (dispatched by name)
from rlvr.cli.train import cmd_train  # noqa: F401  (dispatched by name)
from rlvr.cli.worker import cmd_rollout_worker  # noqa: F401  (dispatched by name)
from rlvr.registry import default_registry

console = Console(highlight=False)


def _difficulty(spec: Any) -> str:
    return f"{spec.difficulty[0]}-{spec.difficulty[1]}" if spec.difficulty else "-"


def cmd_list(args: argparse.Namespace) -> int:
    registry = default_registry()
    specs = [s for s in registry.specs() if args.domain is None or s.domain == args.domain]
    if args.json:
        print(json.dumps([s.to_dict() for s in specs], indent=2))
        return 0
    table = Table(title=f"{len(specs)} environments", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("levels", no_wrap=True)
    table.add_column("reward", no_wrap=True)
    show_source = any(spec.source != "rlvr" for spec in specs)
    if show_source:
        table.add_column("source", no_wrap=True)
    table.add_column("description", overflow="fold", ratio=1)
    for spec in specs:
        description = escape(spec.description)
        if spec.missing_dependencies():
            hint = spec.install_hint or ", ".join(spec.requires)
            description += f" [yellow](needs: {escape(hint)})[/]"
        source = [spec.source] if show_source else []
        table.add_row(spec.id, _difficulty(spec), spec.reward_kind, *source, description)
    console.print(table)
    for message in registry.plugin_errors.values():
        console.print(f"[yellow]warning:[/] {escape(message)}")
    return 0


def _options_table(spec: Any) -> Table | None:
    from rlvr.spec import load_entry_point

    model = getattr(load_entry_point(spec.entry_point), "config_model", None)
    if model is None:
        return None
    table = Table(title="options (rlvr.make kwargs, or -k KEY=VALUE)", title_justify="left")
    for column in ("name", "default", "help"):
        table.add_column(column, overflow="fold")
    for name, field in model.model_fields.items():
        default = spec.kwargs.get(name, field.default)
        table.add_row(name, escape(repr(default)), escape(field.description or ""))
    return table


def cmd_show(args: argparse.Namespace) -> int:
    from rlvr.verifiers.kinds import env_verifier_kind

    registry = default_registry()
    spec = registry.spec(args.env_id)
    facts = [
        f"[bold]{spec.id}[/]  ({spec.source})",
        escape(spec.description),
        f"domain: {spec.domain}   reward: {spec.reward_kind}   difficulty: {_difficulty(spec)}",
        f"tags: {', '.join(spec.tags) or '-'}   entry point: {spec.entry_point}",
    ]
    console.print(Panel("\n".join(facts), expand=False))
    options = _options_table(spec)
    if options is not None:
        console.print(options)
    env = registry.make(args.env_id, **args.kwargs)
    prompt, info = env.reset(seed=0)
    kind = env_verifier_kind(env)
    if is_interactive(env):  # a game or a search: the hidden answer stays hidden
        console.print(f"verifier kind: {kind}")
        console.print(Panel(escape(prompt), title="opening of a sample game", title_align="left"))
        return 0
    task = info["task"]
    verifier = env.unwrapped.verifier
    console.print(
        f"tasks: {len(env.unwrapped.source):,}   verifier: {verifier.name} v{verifier.version}"
        f"   kind: {kind}"
    )
    console.print(Panel(escape(prompt), title=f"sample task {task.id}", title_align="left"))
    console.print(f"gold answer: {escape(json.dumps(task.answer, ensure_ascii=False))}")
    console.print(f"reference completion: {escape(env.unwrapped.reference_completion(task))}")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    if args.n < 0:
        raise ValueError(f"-n must be >= 0, got {args.n}")
    env = default_registry().make(args.env_id, **args.kwargs)
    for i in range(args.n):
        prompt, info = env.reset(seed=args.seed if i == 0 else None)
        if is_interactive(env):  # a game or a search: show its opening, not its secret
            if args.json:
                print(json.dumps({"prompt": prompt, "task_id": info.get("task_id")}))
            else:
                console.print(Panel(escape(prompt), title=f"{i}: game", title_align="left"))
            continue
        task = info["task"]
        if args.json:
            print(task.model_dump_json())
            continue
        console.print(Panel(escape(task.prompt), title=f"{i}: {task.id}", title_align="left"))
        console.print(f"  answer: {escape(json.dumps(task.answer, ensure_ascii=False))}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from rlvr.check import check_env

    if args.n < 1:
        raise ValueError(f"-n must be >= 1, got {args.n}")
    with console.status(f"checking {args.env_id} ..."):
        report = check_env(args.env_id, n=args.n, seed=args.seed, kwargs=args.kwargs)
    if args.json:
        print(
            json.dumps(
                {
                    "env_id": report.env_id,
                    "passed": report.passed,
                    "latency_ms": report.latency_ms,
                    "checks": [r.__dict__ for r in report.results],
                },
                indent=2,
            )
        )
    else:
        table = Table(title=f"rlvr check {report.env_id}", title_justify="left")
        for column in ("check", "result", "seconds", "detail"):
            table.add_column(column, overflow="fold")
        for r in report.results:
            mark = "[green]pass[/]" if r.passed else "[red]FAIL[/]"
            table.add_row(r.name, mark, f"{r.seconds:.2f}", escape(r.detail))
        console.print(table)
        if report.latency_ms:
            lat = report.latency_ms
            console.print(f"verify latency: p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms")
    if not report.passed:
        reasons = "; ".join(f"{r.name}: {r.detail}" for r in report.failures)
        console.print(f"[red]FAILED[/] {escape(report.env_id)}: {escape(reasons)}")
        return 1
    if not args.json:
        console.print(f"[green]OK[/] {report.env_id} passes every check")
    return 0


def cmd_suites(args: argparse.Namespace) -> int:
    from rlvr.suite import list_suites, make_suite

    names = [args.name] if args.name else list_suites()
    for name in names:
        suite = make_suite(name)
        total = sum(e.weight for e in suite.envs)
        table = Table(
            title=f"suite {suite.name}: {escape(suite.description)}", title_justify="left"
        )
        for column in ("entry", "weight", "share"):
            table.add_column(column)
        for entry in suite.envs:
            table.add_row(escape(entry.key), f"{entry.weight:g}", f"{entry.weight / total:.0%}")
        console.print(table)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from rlvr.cli.main import parse_kwargs
    from rlvr.evals.run import evaluate
    from rlvr.policies import SamplingParams, make_policy

    _check_pairwise_args(args)
    registry = default_registry()
    if args.env:
        registry.spec(args.env)
        envs = {args.env: lambda: registry.make(args.env, **args.kwargs)}
    else:
        from rlvr.suite import make_suite

        if args.kwargs:
            raise ValueError("-k options apply to --env; a suite sets its own in its YAML")
        suite = make_suite(args.suite)
        envs = {
            entry.key: (lambda entry=entry: registry.make(entry.id, **entry.kwargs))
            for entry in suite.envs
        }
    try:
        budgets = sorted({int(part) for part in str(args.max_tokens).split(",") if part.strip()})
    except ValueError:
        raise ValueError(
            f"--max-tokens takes integers like 512 or 256,512; got {args.max_tokens!r}"
        ) from None
    if not budgets:
        raise ValueError("--max-tokens needs at least one budget")
    params = SamplingParams(
        max_tokens=budgets[-1], temperature=args.temperature, top_p=args.top_p, seed=args.seed
    )
    policy = make_policy(args.policy, **parse_kwargs(args.policy_option, "policy options"))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, TimeRemainingColumn(), console=console) as bar:
            task = bar.add_task("episodes", total=None)
            summary = evaluate(
                envs,
                policy,
                args.out,
                samples=args.samples,
                limit=args.limit,
                params=params,
                budgets=budgets,
                batch_size=args.batch_size,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    finally:
        policy.close()
    table = Table(title=f"{args.policy} on {args.env or args.suite}")
    metrics = [m for m in summary["overall"] if m.startswith(("pass@", "maj@"))]
    for column in ["environment", "tasks", *metrics, "mean reward", "no answer"]:
        table.add_column(column)
    for key, entry in [*summary["envs"].items(), ("overall", summary["overall"])]:
        table.add_row(
            escape(key),
            str(entry["tasks"]),
            *(f"{entry[m]:.3f}" for m in metrics),
            f"{entry['mean_reward']:.3f}",
            f"{entry['no_answer_rate']:.1%}",
        )
    console.print(table)
    if getattr(args, "baseline", None):
        _judge_against_baseline(args)
    if getattr(args, "monitor_verifier", None):
        _monitor(args)
    from rlvr.evals.report import write_report

    report = write_report(args.out)
    console.print(
        f"records: {args.out}/results.jsonl   summary: {args.out}/summary.json   report: {report}"
    )
    return 0


def _monitor(args: argparse.Namespace) -> None:
    """Judge the run again with ``args.monitor_verifier``; print its scores beside the run's."""
    from rlvr.evals.monitor import monitor_run

    section = monitor_run(args.out, args.monitor_verifier)
    table = Table(title=f"monitor verifier {args.monitor_verifier} ({section['verifier_kind']})")
    for column in ("environment", "mean reward", "pass rate", "gap", "disagreements"):
        table.add_column(column)
    for key, entry in [*section["envs"].items(), ("overall", section["overall"])]:
        table.add_row(
            escape(key),
            f"{entry['mean_reward']:.3f}",
            f"{entry['pass_rate']:.3f}",
            f"{entry['gap']:+.3f}",
            str(int(entry["disagreements"])),
        )
    console.print(table)


def _check_pairwise_args(args: argparse.Namespace) -> None:
    """Fail before the eval runs when ``--baseline``/``--judge`` cannot work."""
    from pathlib import Path

    from rlvr.evals.run import RESULTS

    baseline, judge = getattr(args, "baseline", None), getattr(args, "judge", None)
    if bool(baseline) != bool(judge):
        raise ValueError(
            "--baseline and --judge go together: the judge compares this run with the baseline"
        )
    if baseline and not (Path(baseline) / RESULTS).is_file():
        raise FileNotFoundError(
            f"--baseline {baseline} has no {RESULTS}: pass the --out directory of an eval run"
        )
    if judge:
        from rlvr.verifiers.judge import check_policy_spec

        check_policy_spec(judge)


def _judge_against_baseline(args: argparse.Namespace) -> None:
    """Judge the run against ``args.baseline`` with ``args.judge``; print the win-rates."""
    from rlvr.evals.pairwise import PAIRWISE, pairwise, pairwise_table
    from rlvr.verifiers.judge import JudgeVerifier

    judge = JudgeVerifier(args.judge, swap=not args.judge_no_swap)
    try:
        with console.status(f"judging against {escape(args.baseline)} ..."):
            judge.policy  # noqa: B018  (built now: a bad spec fails here, with its own message)
            section = pairwise(args.out, args.baseline, judge, batch_size=args.batch_size)
    finally:
        judge.close()
    console.print(pairwise_table(section))
    overall = section["overall"]
    problems = [
        text.format(count)
        for text, count in (
            ("{} episode(s) have no baseline record", overall["missing"]),
            ("{} pair(s) have different tasks", overall["task_mismatch"]),
            ("the judge failed on {} pair(s)", overall["judge_errors"]),
        )
        if count
    ]
    if problems:
        console.print(
            f"[yellow]warning:[/] {'; '.join(problems)}: they do not count in the win rate "
            f"(see {escape(str(args.out))}/{PAIRWISE})"
        )


def cmd_compare(args: argparse.Namespace) -> int:
    from rlvr.evals.compare import compare, comparison_table

    result = compare(args.dir_a, args.dir_b)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        console.print(comparison_table(result))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from rlvr.evals.export import export

    path = export(args.dir, args.dest)
    console.print(f"wrote {path}")
    return 0
