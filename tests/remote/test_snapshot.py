"""Policy snapshots: complete before published, newest wins, old ones pruned, done marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rlvr.remote.snapshot import (
    KEEP_SNAPSHOTS,
    clear_done,
    is_done,
    latest_snapshot,
    mark_done,
    publish_snapshot,
)


class Saves:
    """Stands in for a model or tokenizer: save_pretrained writes one named file."""

    def __init__(self, name: str, text: str) -> None:
        self.name, self.text = name, text

    def save_pretrained(self, directory: Path) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / self.name).write_text(self.text, encoding="utf-8")


def publish(run: Path, version: int) -> None:
    publish_snapshot(run, version, Saves("weights", f"v{version}"), Saves("tokenizer", "t"))


def test_latest_names_the_newest_complete_snapshot(tmp_path: Path) -> None:
    assert latest_snapshot(tmp_path) is None
    publish(tmp_path, 0)
    publish(tmp_path, 1)
    snapshot = latest_snapshot(tmp_path)
    assert snapshot is not None and snapshot.version == 1
    assert (snapshot.path / "weights").read_text() == "v1"
    assert (snapshot.path / "tokenizer").is_file()
    assert not list((tmp_path / "policy").glob("*.partial"))


def test_old_snapshots_are_pruned(tmp_path: Path) -> None:
    for version in range(6):
        publish(tmp_path, version)
    kept = sorted(p.name for p in (tmp_path / "policy").iterdir() if p.is_dir())
    assert kept == [f"v{v}" for v in range(6 - KEEP_SNAPSHOTS, 6)]


def test_a_bad_version_or_pointer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="optimiser steps"):
        publish(tmp_path, -1)
    (tmp_path / "policy").mkdir(exist_ok=True)
    (tmp_path / "policy" / "latest.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(ValueError, match=r"latest\.json is unreadable"):
        latest_snapshot(tmp_path)


def test_done_marks(tmp_path: Path) -> None:
    assert not is_done(tmp_path)
    mark_done(tmp_path)
    assert is_done(tmp_path)
    clear_done(tmp_path)
    assert not is_done(tmp_path)
    publish(tmp_path, 3)
    assert json.loads((tmp_path / "policy" / "latest.json").read_text()) == {
        "version": 3,
        "path": "v3",
    }
