"""``DIR/report.html``: a self-contained page about one ``rlvr eval`` run.

The page needs nothing from the network: the style is inline and the charts are SVG drawn here.
It shows the run (policy, samples, limit, date, records), a table of every environment's metrics,
pass@1 per environment, accuracy by difficulty, accuracy against the token budget when the summary
carries a ``sweep``, and example episodes (the first failing and first passing one of each
environment, in task order). Every environment is labelled with its verifier's kind; scores from
hackable kinds (rubric, reward model, judge) are flagged as graded, not verified. Every number
shown is the summary's, rounded for display; the exact value is kept in the cell's
``data-value``. All text from records (prompts, completions,
feedback) is escaped.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

from rlvr.evals.run import RESULTS, SUMMARY, read_records
from rlvr.types import RolloutRecord
from rlvr.verifiers.kinds import HACKABLE_KINDS

REPORT = "report.html"
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
PROMPT_CHARS = 800
COMPLETION_CHARS = 1500


def load_summary(out_dir: str | Path) -> dict[str, Any]:
    """The ``summary.json`` of an eval directory; a clear error when there is none."""
    path = Path(out_dir) / SUMMARY
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no eval summary here (run `rlvr eval --out {out_dir}`)")
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(summary, dict) or "envs" not in summary or "overall" not in summary:
        raise ValueError(f"{path}: not an rlvr eval summary (no 'envs'/'overall')")
    return summary


def load_results(out_dir: str | Path) -> list[RolloutRecord]:
    """The records of an eval directory; a clear error when there are none."""
    path = Path(out_dir) / RESULTS
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no eval results here (run `rlvr eval --out {out_dir}`)")
    records = read_records(path)
    if not records:
        raise ValueError(f"{path}: no records")
    return records


def env_key(record: RolloutRecord) -> str:
    """The environment key a record is summarised under."""
    return record.policy.get("job", {}).get("env_key", record.env_id)


def metric_columns(entries: list[dict[str, Any]]) -> list[str]:
    """The pass@k and maj@k metrics present, ordered by k (pass before maj)."""
    names = {m for entry in entries for m in entry if m.startswith(("pass@", "maj@"))}

    def order(name: str) -> tuple[int, int]:
        kind, k = name.split("@")
        return int(k), kind != "pass"

    return sorted(names, key=order)


def kind_parts(kind: str | None) -> list[str]:
    """The kinds in a summary's ``verifier_kind`` (``"exact+rubric"`` has two; ``None`` none)."""
    return [part for part in (kind or "").split("+") if part]


def has_hackable(kind: str | None) -> bool:
    """Whether a summary's ``verifier_kind`` includes a hackable (graded) kind."""
    return any(part in HACKABLE_KINDS for part in kind_parts(kind))


def kind_badge(kind: str | None) -> str:
    """The kind as HTML badges: green for verified kinds, amber for hackable ones."""
    badges = []
    for part in kind_parts(kind):
        hackable = part in HACKABLE_KINDS
        title = "graded: a hackable score, not verified" if hackable else "verified"
        badges.append(
            f"<span class='kind {'hackable' if hackable else 'verified'}' "
            f"title='{escape(title, quote=True)}'>{escape(part)}</span>"
        )
    return "".join(badges)


def write_report(out_dir: str | Path) -> Path:
    """Write ``DIR/report.html`` from ``DIR/summary.json`` and ``DIR/results.jsonl``."""
    out = Path(out_dir)
    summary = load_summary(out)
    records = load_results(out)
    path = out / REPORT
    path.write_text(render_report(summary, records, _run_date(out)), encoding="utf-8")
    return path


def render_report(summary: dict[str, Any], records: list[RolloutRecord], date: str = "") -> str:
    """The report page as a string."""
    sections = [
        _header(summary, records, date),
        _section("Environments", _table(summary)),
        _section("pass@1 per environment", _bar_chart(_pass1_items(summary))),
    ]
    levels = _difficulty_series(summary)
    if levels:
        x, series = levels
        chart = _line_chart(x, series, "difficulty", "pass@1")
        sections.append(_section("Accuracy by difficulty", chart + _legend(series)))
    sweep = _sweep_series(summary)
    if sweep:
        x, series = sweep
        chart = _line_chart(x, series, "max tokens", "pass@1")
        sections.append(_section("Accuracy vs tokens", chart + _legend(series)))
    sections.append(_section("Example episodes", _gallery(records)))
    body = "\n".join(sections)
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>rlvr eval · {escape(_policies(records))}</title><style>{_CSS}</style></head>"
        f"<body><main>{body}</main><script>{_SORT_JS}</script></body></html>\n"
    )


# -- header and table --------------------------------------------------------------------------


def _run_date(out: Path) -> str:
    stamp = (out / SUMMARY).stat().st_mtime
    return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _policies(records: list[RolloutRecord]) -> str:
    specs = sorted({str(r.policy.get("spec", "?")) for r in records})
    return ", ".join(specs)


def _limit(summary: dict[str, Any], records: list[RolloutRecord]) -> int:
    if "limit" in summary:
        return int(summary["limit"])
    indices = [int(r.policy["job"]["index"]) for r in records if "job" in r.policy]
    return max(indices) + 1 if indices else max(e["tasks"] for e in summary["envs"].values())


def _header(summary: dict[str, Any], records: list[RolloutRecord], date: str) -> str:
    params = {
        name: sorted({str(r.policy.get("params", {}).get(name)) for r in records})
        for name in ("max_tokens", "temperature", "top_p")
    }
    kinds = sorted(
        {k for e in summary["envs"].values() for k in kind_parts(e.get("verifier_kind"))}
    )
    facts = [
        ("policy", _policies(records)),
        ("verifier kinds", ", ".join(kinds)),
        ("samples", str(summary.get("samples", "?"))),
        ("limit", str(_limit(summary, records))),
        ("records", str(len(records))),
        ("environments", str(len(summary["envs"]))),
        *((name, ", ".join(values)) for name, values in params.items() if values != ["None"]),
        ("date", date),
    ]
    overall = summary["overall"]
    kpis = [m for m in ("pass@1", *metric_columns([overall])[-2:]) if m in overall]
    kpis = list(dict.fromkeys([*kpis, "mean_reward"]))
    cards = "".join(
        f"<div class='kpi'><div class='kv' data-value='{overall[m]!r}'>{overall[m]:.3f}</div>"
        f"<div class='kl'>{escape(m.replace('_', ' '))}</div></div>"
        for m in kpis
    )
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in facts if v)
    graded = [key for key, e in summary["envs"].items() if has_hackable(e.get("verifier_kind"))]
    warning = (
        f"<p class='warn'>{len(graded)} of {len(summary['envs'])} environments are scored by a "
        "hackable verifier (rubric, reward model or judge): their numbers are grades a policy "
        "can learn to game, not verified accuracy.</p>"
        if graded
        else ""
    )
    return (
        f"<header><h1>rlvr eval report</h1><dl class='facts'>{dl}</dl>"
        f"<div class='kpis'>{cards}</div>{warning}</header>"
    )


def _section(title: str, content: str) -> str:
    return f"<section><h2>{escape(title)}</h2>{content}</section>"


_RATES = ("no_answer_rate", "timeout_rate", "error_rate")


def _table(summary: dict[str, Any]) -> str:
    rows = [*summary["envs"].items()]
    metrics = metric_columns([e for _, e in rows] + [summary["overall"]])
    columns = ["tasks", *metrics, "mean_reward", *_RATES, "mean_completion_tokens"]
    labels = {"mean_completion_tokens": "mean tokens"}
    head = "<th>environment</th>" + "".join(
        f"<th class='num'>{escape(labels.get(c, c.replace('_rate', '').replace('_', ' ')))}</th>"
        for c in columns
    )

    def row(key: str, entry: dict[str, Any], cls: str = "") -> str:
        badge = kind_badge(entry.get("verifier_kind"))
        cells = [f"<td data-value='{escape(key, quote=True)}'>{escape(key)} {badge}</td>"]
        for column in columns:
            value = entry.get(column)
            if value is None:
                cells.append("<td class='num' data-value=''>–</td>")
                continue
            if column == "tasks":
                text, bar = str(value), ""
            elif column == "mean_completion_tokens":
                text, bar = f"{value:.1f}", ""
            else:
                text = f"{value:.3f}"
                kind = "bad" if column in _RATES else "good"
                bar = f" {kind}' style='--v:{min(max(float(value), 0.0), 1.0):.4f}"
            cells.append(f"<td class='num{bar}' data-value='{value!r}'>{text}</td>")
        return f"<tr class='{cls}'>{''.join(cells)}</tr>"

    body = "".join(row(key, entry) for key, entry in rows)
    foot = row("overall", summary["overall"], "overall")
    return (
        f"<div class='scroll'><table class='sortable'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody><tfoot>{foot}</tfoot></table></div>"
        "<p class='note'>Click a column heading to sort. Rates are shares of all records. "
        "Beside each environment, its verifier's kind: green ones verify answers, amber ones "
        "(rubric, reward-model, judge) grade them.</p>"
    )


# -- charts ------------------------------------------------------------------------------------


def _pass1_items(summary: dict[str, Any]) -> list[tuple[str, float]]:
    def label(key: str, entry: dict[str, Any]) -> str:
        kind = entry.get("verifier_kind")
        return f"{key} ({kind})" if kind else key

    return [(label(k, e), float(e.get("pass@1", 0.0))) for k, e in summary["envs"].items()]


def _bar_chart(items: list[tuple[str, float]]) -> str:
    """Horizontal bars in [0, 1], one per label."""
    if not items:
        return "<p class='note'>No environments.</p>"
    label_w, bar_w, row_h = min(max(len(k) for k, _ in items) * 7 + 16, 360), 480, 24
    height = row_h * len(items) + 30
    width = label_w + bar_w + 60
    parts = [_svg_open(width, height, "pass@1 per environment")]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + tick * bar_w
        parts.append(
            f"<line x1='{x:.1f}' y1='0' x2='{x:.1f}' y2='{height - 20}' class='grid'/>"
            f"<text x='{x:.1f}' y='{height - 6}' class='tick' text-anchor='middle'>{tick:g}</text>"
        )
    for i, (label, value) in enumerate(items):
        y = i * row_h + 4
        w = max(min(value, 1.0), 0.0) * bar_w
        shown = label if len(label) <= 50 else label[:49] + "…"
        parts.append(
            f"<g><title>{escape(label)}: {value:.3f}</title>"
            f"<text x='{label_w - 8}' y='{y + 15}' text-anchor='end' class='label'>"
            f"{escape(shown)}</text>"
            f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{row_h - 8}' rx='3' "
            f"fill='{_color(value)}'/>"
            f"<text x='{label_w + w + 6:.1f}' y='{y + 15}' class='value'>{value:.3f}</text></g>"
        )
    return "".join(parts) + "</svg>"


def _color(value: float) -> str:
    """Red (0) through amber to green (1)."""
    hue = 120 * max(min(value, 1.0), 0.0)
    return f"hsl({hue:.0f},55%,50%)"


def _series_name(key: str) -> str:
    """A suite key without its difficulty: ``id[difficulty=2,x=1]`` -> ``id[x=1]``."""
    match = re.fullmatch(r"(.*)\[(.*)\]", key)
    if not match:
        return key
    args = [a for a in match.group(2).split(",") if not a.startswith("difficulty=")]
    return f"{match.group(1)}[{','.join(args)}]" if args else match.group(1)


def _level_order(level: str) -> tuple[int, float | str]:
    try:
        return 0, float(level)
    except ValueError:
        return 1, level


def _difficulty_series(
    summary: dict[str, Any],
) -> tuple[list[str], dict[str, dict[str, float]]] | None:
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for key, entry in summary["envs"].items():
        for level, metrics in entry.get("by_difficulty", {}).items():
            series[_series_name(key)].setdefault(str(level), float(metrics.get("pass@1", 0.0)))
    if not series:
        return None
    levels = sorted({lv for points in series.values() for lv in points}, key=_level_order)
    return levels, dict(series)


def _sweep_series(summary: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, float]]] | None:
    sweep = summary.get("sweep") or []
    if not sweep:
        return None
    points = sorted(sweep, key=lambda p: float(p["max_tokens"]))
    x = [str(p["max_tokens"]) for p in points]
    series: dict[str, dict[str, float]] = {}
    keys = list(dict.fromkeys(k for p in points for k in p.get("envs", {})))
    for key in keys:
        series[key] = {
            str(p["max_tokens"]): float(p["envs"][key].get("pass@1", 0.0))
            for p in points
            if key in p.get("envs", {})
        }
    series["overall"] = {
        str(p["max_tokens"]): float(p["overall"].get("pass@1", 0.0)) for p in points
    }
    return x, series


def _line_chart(x: list[str], series: dict[str, dict[str, float]], xlabel: str, ylabel: str) -> str:
    """Lines over categorical x positions, y in [0, 1]; each point carries a tooltip."""
    left, top, plot_w, plot_h = 48, 12, max(120 * (len(x) - 1), 480), 220
    width, height = left + plot_w + 40, top + plot_h + 48
    parts = [_svg_open(width, height, f"{ylabel} by {xlabel}")]

    def px(i: int) -> float:
        return left + (plot_w * i / (len(x) - 1) if len(x) > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h * (1 - max(min(v, 1.0), 0.0))

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f"<line x1='{left}' y1='{py(tick):.1f}' x2='{left + plot_w}' y2='{py(tick):.1f}' "
            f"class='grid'/><text x='{left - 6}' y='{py(tick) + 4:.1f}' class='tick' "
            f"text-anchor='end'>{tick:g}</text>"
        )
    for i, label in enumerate(x):
        parts.append(
            f"<text x='{px(i):.1f}' y='{top + plot_h + 18}' class='tick' text-anchor='middle'>"
            f"{escape(label)}</text>"
        )
    parts.append(
        f"<text x='{left + plot_w / 2:.1f}' y='{height - 6}' class='axis' "
        f"text-anchor='middle'>{escape(xlabel)}</text>"
        f"<text x='12' y='{top + plot_h / 2:.1f}' class='axis' text-anchor='middle' "
        f"transform='rotate(-90 12 {top + plot_h / 2:.1f})'>{escape(ylabel)}</text>"
    )
    for n, (name, points) in enumerate(series.items()):
        color = _series_color(name, n)
        xy = [(px(i), py(points[lv]), lv, points[lv]) for i, lv in enumerate(x) if lv in points]
        dash = " stroke-dasharray='6 4'" if name == "overall" else ""
        if len(xy) > 1:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b, _, _ in xy)
            parts.append(
                f"<polyline points='{path}' fill='none' stroke='{color}' stroke-width='2'{dash}/>"
            )
        for a, b, lv, v in xy:
            parts.append(
                f"<circle cx='{a:.1f}' cy='{b:.1f}' r='4' fill='{color}'>"
                f"<title>{escape(name)} @ {escape(lv)}: {v:.3f}</title></circle>"
            )
    return "".join(parts) + "</svg>"


def _series_color(name: str, n: int) -> str:
    return "#333" if name == "overall" else PALETTE[n % len(PALETTE)]


def _legend(series: dict[str, dict[str, float]]) -> str:
    items = "".join(
        f"<span><i style='background:{_series_color(name, n)}'></i>{escape(name)}</span>"
        for n, name in enumerate(series)
    )
    return f"<div class='legend'>{items}</div>"


def _svg_open(width: float, height: float, label: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width:.0f} {height:.0f}' "
        f"width='{width:.0f}' role='img' aria-label='{escape(label, quote=True)}'>"
    )


# -- gallery -----------------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n… [{len(text) - limit} more chars]"


def _gallery(records: list[RolloutRecord]) -> str:
    by_env: dict[str, list[RolloutRecord]] = defaultdict(list)
    for record in records:
        by_env[env_key(record)].append(record)
    blocks = []
    for key in sorted(by_env):
        group = sorted(by_env[key], key=_job_order)
        picks = [
            ("failing", next((r for r in group if not r.verdict.correct), None)),
            ("passing", next((r for r in group if r.verdict.correct), None)),
        ]
        cards = "".join(_episode(kind, r) for kind, r in picks if r is not None)
        blocks.append(f"<details class='env'><summary>{escape(key)}</summary>{cards}</details>")
    return "".join(blocks)


def _job_order(record: RolloutRecord) -> tuple[int, int]:
    job = record.policy.get("job", {})
    return int(job.get("index", 0)), int(job.get("sample", 0))


def _episode(kind: str, record: RolloutRecord) -> str:
    verdict = record.verdict
    job = record.policy.get("job", {})
    kind = f" ({record.verifier_kind})" if record.verifier_kind else ""
    facts = [
        ("task", record.task.id),
        ("verifier", f"{record.verifier}{kind}"),
        ("sample", str(job.get("sample", ""))),
        ("status", verdict.status),
        ("reward", f"{verdict.reward:.3f}"),
        ("answer", "" if verdict.answer is None else verdict.answer),
        ("gold", json.dumps(record.task.answer, ensure_ascii=False)[:200]),
        ("turns", str(record.policy.get("turns", ""))),
        ("tokens", str(record.policy.get("completion_tokens", ""))),
    ]
    meta = " · ".join(f"<b>{escape(k)}</b> {escape(v)}" for k, v in facts if v)
    prompt = escape(_clip(record.task.prompt, PROMPT_CHARS))
    completion = escape(_clip(record.final_completion, COMPLETION_CHARS))
    return (
        f"<article class='episode {kind}'><h3>{kind}</h3><p class='meta'>{meta}</p>"
        f"<p class='feedback'>{escape(verdict.feedback or '(no feedback)')}</p>"
        f"<div class='io'><div><h4>prompt</h4><pre>{prompt}</pre></div>"
        f"<div><h4>completion</h4><pre>{completion}</pre></div></div>"
        "</article>"
    )


_CSS = """
:root{--fg:#1f2328;--mut:#656d76;--bd:#d0d7de;--bg:#f6f8fa;--good:89,161,79;--bad:225,87,89}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;
color:var(--fg);background:#fff}main{max-width:1180px;margin:0 auto;padding:24px}
h1{margin:0 0 8px;font-size:24px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid
var(--bd);padding-bottom:6px}h3{margin:0 0 4px;font-size:14px;text-transform:uppercase}
h4{margin:0 0 4px;font-size:12px;color:var(--mut)}
.facts{display:flex;flex-wrap:wrap;gap:8px 24px;margin:0}.facts dt{font-size:11px;
color:var(--mut);text-transform:uppercase}.facts dd{margin:0;font-weight:600}
.kpis{display:flex;gap:12px;margin-top:16px}.kpi{background:var(--bg);border:1px solid var(--bd);
border-radius:8px;padding:10px 18px}.kv{font-size:26px;font-weight:700}.kl{color:var(--mut)}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{padding:6px 10px;
border-bottom:1px solid var(--bd);white-space:nowrap}th{background:var(--bg);text-align:left;
cursor:pointer;user-select:none;position:sticky;top:0}th:hover{background:#eaeef2}
th.asc:after{content:" ▲"}th.desc:after{content:" ▼"}.num{text-align:right;
font-variant-numeric:tabular-nums}tbody tr:hover{background:#fafbfc}
td.good{background:linear-gradient(90deg,rgba(var(--good),.22) calc(var(--v)*100%),transparent 0)}
td.bad{background:linear-gradient(90deg,rgba(var(--bad),.22) calc(var(--v)*100%),transparent 0)}
tfoot td{font-weight:700;border-top:2px solid var(--fg)}.note{color:var(--mut);font-size:12px}
svg{max-width:100%;height:auto;display:block}svg .grid{stroke:#e5e7eb}svg .tick{font-size:11px;
fill:var(--mut)}svg .label{font-size:12px;fill:var(--fg)}svg .value{font-size:11px;fill:var(--fg)}
svg .axis{font-size:12px;fill:var(--mut)}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;margin-top:6px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;
vertical-align:-1px}
details.env{border:1px solid var(--bd);border-radius:8px;margin:8px 0;padding:8px 12px}
details.env summary{cursor:pointer;font-weight:600}
.episode{border-left:4px solid var(--bd);padding:8px 12px;margin:10px 0}
.episode.failing{border-color:rgb(var(--bad))}.episode.passing{border-color:rgb(var(--good))}
.kind{display:inline-block;font-size:11px;padding:0 6px;margin-left:4px;border-radius:8px;
font-weight:600;vertical-align:1px}.kind.verified{background:rgba(var(--good),.18)}
.kind.hackable{background:#f6d58e}.warn{background:#fff4d6;border:1px solid #f0c36d;
border-radius:6px;padding:8px 12px;margin:12px 0 0}
.meta{margin:0 0 4px;color:var(--mut);font-size:12px}.feedback{margin:0 0 8px;font-style:italic}
.io{display:grid;grid-template-columns:1fr 1fr;gap:12px}pre{background:var(--bg);
border:1px solid var(--bd);border-radius:6px;padding:8px;margin:0;white-space:pre-wrap;
word-break:break-word;max-height:320px;overflow:auto;font-size:12px}
@media (max-width:800px){.io{grid-template-columns:1fr}}
"""

_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach((th, i) =>
 th.addEventListener('click', () => {
  const body = th.closest('table').tBodies[0], asc = !th.classList.contains('asc');
  th.parentNode.querySelectorAll('th').forEach(h => h.classList.remove('asc', 'desc'));
  th.classList.add(asc ? 'asc' : 'desc');
  const key = r => { const v = r.cells[i].dataset.value, n = parseFloat(v);
    return isNaN(n) ? v : n; };
  [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); }).forEach(r => body.appendChild(r));
}));
"""
