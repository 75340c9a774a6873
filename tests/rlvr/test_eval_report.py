"""The eval report page, run comparison and Parquet export."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from rich.console import Console

import rlvr
from rlvr.evals.compare import compare, comparison_table, format_comparison
from rlvr.evals.export import COLUMNS, export, flatten
from rlvr.evals.report import REPORT, load_results, write_report
from rlvr.evals.run import RESULTS, SUMMARY, evaluate, read_records
from rlvr.policies import Generation, make_policy

EVIL = '<script>alert("pwned")</script>'


def factories(*ids: str):
    return {env_id: (lambda env_id=env_id: rlvr.make(env_id, bounded=False)) for env_id in ids}


class Alternating:
    """Right on every other request (sample 0 of each task), wrong with hostile text otherwise."""

    spec = "alternating"

    def __init__(self) -> None:
        self.calls = 0

    def generate(self, requests):
        out = []
        for request in requests:
            right = self.calls % 2 == 0
            self.calls += 1
            text = request.reference if right else f"{EVIL} & \\boxed{{424242}}"
            out.append(Generation(text, prompt_tokens=10, completion_tokens=5 + self.calls))
        return out

    def close(self):
        pass


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    a = tmp_path_factory.mktemp("a")
    b = tmp_path_factory.mktemp("b")
    evaluate(
        factories("math/arithmetic-v0", "logic/sudoku-v0"), Alternating(), a, limit=3, samples=2
    )
    evaluate(
        factories("math/arithmetic-v0", "math/fractions-v0"), make_policy("oracle"), b, limit=2
    )
    return a, b


class Cells(HTMLParser):
    """The data-value of every cell of every table row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.head: list[str] = []
        self._in_th = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append(dict(attrs).get("data-value", ""))
        elif tag == "th":
            self._in_th = True

    def handle_endtag(self, tag):
        if tag == "th":
            self._in_th = False

    def handle_data(self, data):
        if self._in_th:
            self.head.append(data)


def test_report_is_self_contained_escaped_and_carries_the_summarys_numbers(runs):
    a, _ = runs
    path = write_report(a)
    assert path == a / REPORT
    page = path.read_text(encoding="utf-8")
    summary = json.loads((a / SUMMARY).read_text())
    assert page.count("<script") == 1  # the page's own sort script, nothing from completions
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)=|@import|url\(", page)
    for title in ("pass@1 per environment", "Accuracy by difficulty", "Example episodes"):
        assert title in page
    assert "Accuracy vs tokens" not in page
    assert "alternating" in page and "arithmetic/s0/d1/0" in page

    cells = Cells()
    cells.feed(page)
    head = cells.head
    assert head[:4] == ["environment", "tasks", "pass@1", "pass@2"]
    names = {"mean reward": "mean_reward", "mean tokens": "mean_completion_tokens"}
    keys = [names.get(h, h if "@" in h or h == "tasks" else f"{h.replace(' ', '_')}_rate")
            for h in head[1:]]  # fmt: skip
    rows = [r for r in cells.rows if r]
    entries = {**summary["envs"], "overall": summary["overall"]}
    assert [r[0] for r in rows] == list(entries)
    for row in rows:
        entry = entries[row[0]]
        assert [float(v) for v in row[1:]] == [float(entry[k]) for k in keys]
    assert summary["envs"]["math/arithmetic-v0"]["pass@1"] == 0.5
    assert "0.500" in page


def test_report_draws_the_token_sweep_when_present(runs, tmp_path):
    a, _ = runs
    summary = json.loads((a / SUMMARY).read_text())
    summary["sweep"] = [
        {"max_tokens": m, "overall": {"pass@1": p}, "envs": {"math/arithmetic-v0": {"pass@1": p}}}
        for m, p in ((1024, 0.75), (256, 0.25))
    ]
    (tmp_path / SUMMARY).write_text(json.dumps(summary))
    (tmp_path / RESULTS).write_text((a / RESULTS).read_text())
    page = write_report(tmp_path).read_text()
    assert "Accuracy vs tokens" in page
    assert page.index("overall @ 256: 0.250") < page.index("overall @ 1024: 0.750")


def test_missing_summary_or_results_name_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / SUMMARY))):
        write_report(tmp_path)
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / SUMMARY))):
        compare(tmp_path, tmp_path)
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / RESULTS))):
        export(tmp_path)
    (tmp_path / RESULTS).write_text("")
    with pytest.raises(ValueError, match="no records"):
        load_results(tmp_path)


def test_compare_gives_both_sides_the_difference_and_one_sided_envs(runs):
    a, b = runs
    result = compare(a, b)
    assert result["k"] is None  # B has one sample: no pass@k beyond 1 in common
    assert result["only_a"] == ["logic/sudoku-v0"] and result["only_b"] == ["math/fractions-v0"]
    rows = {row["env"]: row for row in result["envs"]}
    arith = rows["math/arithmetic-v0"]
    assert arith["side"] == "both"
    assert arith["pass@1"] == {"a": 0.5, "b": 1.0, "diff": 0.5}
    assert rows["logic/sudoku-v0"]["pass@1"] == {"a": 0.5, "b": None, "diff": None}
    assert rows["math/fractions-v0"]["mean_reward"]["b"] == 1.0

    same = compare(a, a)
    assert same["k"] == 2 and same["metrics"] == ["pass@1", "mean_reward", "pass@2"]
    assert {row["pass@2"]["diff"] for row in same["envs"]} == {0.0}

    text = format_comparison(result)
    assert "only in A: logic/sudoku-v0" in text and "+0.500" in text
    console = Console(record=True, width=200)
    console.print(comparison_table(result))
    shown = console.export_text()
    assert "math/fractions-v0 (only in B)" in shown and "+0.500" in shown


def test_export_round_trips_through_parquet(runs, tmp_path):
    datasets = pytest.importorskip("datasets")
    a, _ = runs
    path = export(a, tmp_path / "out" / "records.parquet")
    loaded = datasets.load_dataset(
        "parquet", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
    )
    records = read_records(a / RESULTS)
    assert set(loaded.column_names) == set(COLUMNS)
    assert loaded.to_list() == [flatten(r) for r in records]
    first = next(row for row in loaded if row["env_key"] == "math/arithmetic-v0")
    assert first["policy_spec"] == "alternating" and first["prompt_tokens"] == 10
    assert json.loads(first["messages"])[0]["role"] == "user"
    assert json.loads(first["metadata"])["difficulty"] == 1
    assert any(EVIL in c for c in loaded["completion"])
    assert export(a) == a / "records.parquet"
