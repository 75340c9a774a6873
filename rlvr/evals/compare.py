"""``rlvr compare DIR1 DIR2``: two eval runs side by side, per environment, with B − A.

For every environment in either summary: pass@1, mean reward and pass@k for the largest k > 1
that both runs report, for A and B and the difference B − A (``None`` where one side lacks it).
Environments present in one run only are listed as such. Each row carries the verifier kind of
both sides (:mod:`rlvr.verifiers.kinds`); the tables show it beside the scores and mark hackable
(graded) kinds with ``*``, and a change of kind between the runs with ``→``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from rlvr.evals.report import has_hackable, load_summary

BASE_METRICS = ("pass@1", "mean_reward")


def shared_k(a: dict[str, Any], b: dict[str, Any]) -> int | None:
    """The largest k > 1 with pass@k in both summaries' overall metrics."""

    def ks(summary: dict[str, Any]) -> set[int]:
        return {int(m[5:]) for m in summary["overall"] if m.startswith("pass@")}

    common = {k for k in ks(a) & ks(b) if k > 1}
    return max(common) if common else None


def _cell(a: dict[str, Any] | None, b: dict[str, Any] | None, metric: str) -> dict[str, Any]:
    va = None if a is None else a.get(metric)
    vb = None if b is None else b.get(metric)
    diff = vb - va if va is not None and vb is not None else None
    return {"a": va, "b": vb, "diff": diff}


def compare(dir_a: str | Path, dir_b: str | Path) -> dict[str, Any]:
    """Compare the summaries of two eval directories.

    Returns ``{"a", "b", "k", "metrics", "envs": [{"env", "side", "verifier_kind": {"a", "b"},
    metric: {"a", "b", "diff"}}], "overall": {...}, "only_a", "only_b"}`` where ``side`` is
    ``"both"``, ``"a"`` or ``"b"``.
    """
    sa, sb = load_summary(dir_a), load_summary(dir_b)
    k = shared_k(sa, sb)
    metrics = [*BASE_METRICS, *([f"pass@{k}"] if k else [])]
    keys = sorted(set(sa["envs"]) | set(sb["envs"]))
    envs = []
    for key in keys:
        ea, eb = sa["envs"].get(key), sb["envs"].get(key)
        side = "both" if ea is not None and eb is not None else ("a" if ea is not None else "b")
        kinds = _kinds(ea, eb)
        envs.append(
            {
                "env": key,
                "side": side,
                "verifier_kind": kinds,
                **{m: _cell(ea, eb, m) for m in metrics},
            }
        )
    overall = {"env": "overall", "side": "both"}
    overall["verifier_kind"] = _kinds(sa["overall"], sb["overall"])
    overall.update({m: _cell(sa["overall"], sb["overall"], m) for m in metrics})
    return {
        "a": str(dir_a),
        "b": str(dir_b),
        "k": k,
        "metrics": metrics,
        "envs": envs,
        "overall": overall,
        "only_a": [e["env"] for e in envs if e["side"] == "a"],
        "only_b": [e["env"] for e in envs if e["side"] == "b"],
    }


def _kinds(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, str | None]:
    return {
        "a": None if a is None else a.get("verifier_kind"),
        "b": None if b is None else b.get("verifier_kind"),
    }


def kind_label(kinds: dict[str, str | None]) -> str:
    """The kind of a comparison row: ``exact``, ``rubric*`` (hackable), ``exact→rubric*``."""

    def one(kind: str | None) -> str:
        return "—" if kind is None else kind + ("*" if has_hackable(kind) else "")

    a, b = kinds.get("a"), kinds.get("b")
    if a == b or b is None:
        return one(a)
    if a is None:
        return one(b)
    return f"{one(a)}→{one(b)}"


def _any_hackable(result: dict[str, Any]) -> bool:
    return any(has_hackable(k) for row in _rows(result) for k in row["verifier_kind"].values())


HACKABLE_NOTE = (
    "* graded by a hackable verifier (rubric, reward model, judge): not verified accuracy"
)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _diff(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"


def _rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [*result["envs"], result["overall"]]


def format_comparison(result: dict[str, Any]) -> str:
    """The comparison as plain text, one line per environment."""
    metrics = result["metrics"]
    head = ["environment", "kind"] + [f"{m} {s}" for m in metrics for s in ("A", "B", "B-A")]
    lines = [head]
    for row in _rows(result):
        cells = [row["env"], kind_label(row["verifier_kind"])]
        for m in metrics:
            c = row[m]
            cells += [_num(c["a"]), _num(c["b"]), _diff(c["diff"])]
        if row["side"] != "both":
            cells[0] += f"  (only in {row['side'].upper()})"
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = [
        "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    text = [f"A: {result['a']}", f"B: {result['b']}", *text]
    for side in ("a", "b"):
        only = result[f"only_{side}"]
        if only:
            text.append(f"only in {side.upper()}: {', '.join(only)}")
    if _any_hackable(result):
        text.append(HACKABLE_NOTE)
    return "\n".join(text)


def _styled_diff(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim")
    style = "green" if value > 0 else "red" if value < 0 else "dim"
    return Text(f"{value:+.3f}", style=style)


def comparison_table(result: dict[str, Any]) -> Table:
    """A rich table of the comparison, B − A coloured green (better) or red (worse)."""
    caption = HACKABLE_NOTE if _any_hackable(result) else None
    table = Table(title=f"A: {result['a']}   B: {result['b']}", caption=caption)
    table.add_column("environment")
    table.add_column("kind")
    for m in result["metrics"]:
        label = m.replace("_", " ")
        table.add_column(f"{label} A", justify="right")
        table.add_column(f"{label} B", justify="right")
        table.add_column("B−A", justify="right")
    rows = _rows(result)
    for n, row in enumerate(rows):
        name = Text(row["env"], style="bold" if row["env"] == "overall" else "")
        if row["side"] != "both":
            name.append(f" (only in {row['side'].upper()})", style="yellow")
        kind = kind_label(row["verifier_kind"])
        cells: list[Text | str] = [name, Text(kind, style="yellow" if "*" in kind else "")]
        for m in result["metrics"]:
            c = row[m]
            cells += [_num(c["a"]), _num(c["b"]), _styled_diff(c["diff"])]
        table.add_row(*cells, end_section=n == len(rows) - 2)
    return table
