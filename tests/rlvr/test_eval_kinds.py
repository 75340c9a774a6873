"""Eval outputs show the verifier kind beside every score."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

import rlvr
from rlvr.evals.compare import HACKABLE_NOTE, compare, comparison_table, format_comparison
from rlvr.evals.export import flatten
from rlvr.evals.report import kind_badge, write_report
from rlvr.evals.run import SUMMARY, evaluate, kind_of, read_records
from rlvr.policies import make_policy
from rlvr.types import RolloutRecord

IDS = ("math/arithmetic-v0", "graded/structured-output-v0")


def factories(*ids: str):
    return {env_id: (lambda env_id=env_id: rlvr.make(env_id, bounded=False)) for env_id in ids}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("kinds")
    evaluate(factories(*IDS), make_policy("oracle"), out, limit=2)
    return out


def test_records_and_summary_carry_the_kind(run):
    records = read_records(run / "results.jsonl")
    assert {(r.env_id, r.verifier_kind) for r in records} == {
        ("math/arithmetic-v0", "exact"),
        ("graded/structured-output-v0", "rubric"),
    }
    summary = json.loads((run / SUMMARY).read_text())
    assert {k: e["verifier_kind"] for k, e in summary["envs"].items()} == {
        "math/arithmetic-v0": "exact",
        "graded/structured-output-v0": "rubric",
    }
    assert summary["overall"]["verifier_kind"] == "exact+rubric"
    assert {flatten(r)["verifier_kind"] for r in records} == {"exact", "rubric"}


def test_kind_of_joins_kinds_and_ignores_old_records(run):
    records = read_records(run / "results.jsonl")
    old = [r.model_copy(update={"verifier_kind": None}) for r in records]
    assert kind_of(records) == "exact+rubric"
    assert kind_of(old) is None and kind_of([]) is None


def test_the_report_labels_each_environment_and_warns_about_graded_scores(run):
    page = write_report(run).read_text()
    assert "<dt>verifier kinds</dt><dd>exact, rubric</dd>" in page
    assert "1 of 2 environments are scored by a hackable verifier" in page
    assert f"graded/structured-output-v0 {kind_badge('rubric')}</td>" in page
    assert f"math/arithmetic-v0 {kind_badge('exact')}</td>" in page
    assert "class='kind hackable'" in kind_badge("rubric")
    assert "class='kind verified'" in kind_badge("exact") and kind_badge(None) == ""
    assert "<b>verifier</b> rubric (rubric)" in page


def test_compare_shows_the_kind_and_a_change_of_kind(run, tmp_path):
    summary = json.loads((run / SUMMARY).read_text())
    for entry in [*summary["envs"].values(), summary["overall"]]:
        entry.pop("verifier_kind")  # a run from before kinds
    (tmp_path / SUMMARY).write_text(json.dumps(summary))
    result = compare(tmp_path, run)
    rows = {row["env"]: row for row in result["envs"]}
    assert rows["graded/structured-output-v0"]["verifier_kind"] == {"a": None, "b": "rubric"}
    text = format_comparison(result)
    assert "graded/structured-output-v0  rubric*" in text
    assert "math/arithmetic-v0           exact" in text
    assert text.endswith(HACKABLE_NOTE)
    console = Console(record=True, width=200)
    console.print(comparison_table(result))
    shown = console.export_text()
    assert "rubric*" in shown and HACKABLE_NOTE in shown
    same = format_comparison(compare(run, run))
    assert "exact+rubric*" in same


@pytest.mark.parametrize(
    ("a", "b", "label"),
    [
        ("exact", "exact", "exact"),
        ("exact", "rubric", "exact→rubric*"),
        (None, None, "—"),
        (None, "rule", "rule"),
        ("judge", None, "judge*"),
    ],
)
def test_kind_labels(a, b, label):
    from rlvr.evals.compare import kind_label

    assert kind_label({"a": a, "b": b}) == label


def test_old_records_without_a_kind_still_summarise(run):
    line = (run / "results.jsonl").read_text().splitlines()[0]
    data = json.loads(line)
    del data["verifier_kind"]
    record = RolloutRecord.model_validate(data)
    assert record.verifier_kind is None
