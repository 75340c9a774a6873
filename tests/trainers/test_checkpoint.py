"""Checkpoints: atomic, complete ones only, newest kept, RNG restored."""

from __future__ import annotations

import random

import torch

from rlvr.trainers.checkpoint import (
    latest_checkpoint,
    list_checkpoints,
    load_checkpoint,
    rng_state,
    save_checkpoint,
    set_rng_state,
)


def _save(tmp_path, step: int, keep: int = 2):
    return save_checkpoint(
        tmp_path,
        step,
        model_state={"w": torch.full((2,), float(step))},
        optimizer_state={"state": {}, "param_groups": []},
        scheduler_state={"last_epoch": step},
        trainer_state={"note": f"at {step}"},
        keep=keep,
    )


def test_round_trip_and_newest_kept(tmp_path) -> None:
    for step in (10, 20, 30):
        _save(tmp_path, step)
    assert [p.name for p in list_checkpoints(tmp_path)] == ["step-20", "step-30"]
    loaded = load_checkpoint(latest_checkpoint(tmp_path))
    assert loaded["state"] == {"step": 30, "note": "at 30"}
    assert loaded["model"]["w"].tolist() == [30.0, 30.0]
    assert loaded["scheduler"] == {"last_epoch": 30}


def test_partial_checkpoint_is_invisible(tmp_path) -> None:
    _save(tmp_path, 5)
    partial = tmp_path / "checkpoints" / "step-9.partial"
    partial.mkdir()
    (partial / "model.pt").write_bytes(b"torn")
    assert latest_checkpoint(tmp_path).name == "step-5"
    assert latest_checkpoint(tmp_path / "nowhere") is None


def test_numeric_order_not_lexical(tmp_path) -> None:
    for step in (9, 10):
        _save(tmp_path, step, keep=5)
    assert latest_checkpoint(tmp_path).name == "step-10"


def test_rng_state_restores_every_generator() -> None:
    state = rng_state()
    first = (random.random(), torch.rand(1).item())
    set_rng_state(state)
    assert (random.random(), torch.rand(1).item()) == first


def test_unreadable_checkpoint_names_its_path(tmp_path) -> None:
    path = _save(tmp_path, 1)
    (path / "model.pt").write_bytes(b"not a tensor file")
    try:
        load_checkpoint(path)
    except ValueError as error:
        assert str(path) in str(error)
    else:
        raise AssertionError("a corrupt checkpoint must not load")
